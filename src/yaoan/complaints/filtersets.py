"""The complaint list's filters, shared by the page and the .xlsx export: state, kind,
channel, station, overdue, and a search by receipt number, business or the reporter's
phone (through its blind index: the phone itself is sealed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import BigIntegerField, CharField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaoan.common.api_fields import QUERY_MAX_LENGTH
from yaoan.common.filtersets import FilterSet, ReferenceChoiceFilter
from yaoan.complaints.enums import Channel, ComplaintKind, ComplaintStatus
from yaoan.complaints.models import Complaint
from yaoan.core.enums import DeadlineState, OrgUnitKind
from yaoan.core.models import Deadline, OrgUnit
from yaoan.core.pii.fields import matches
from yaoan.core.reference import STATION_OPTIONS
from yaoan.registry.enums import ProductClass
from yaoan.registry.queries import looks_like_phone

SUBJECT_TYPE = "complaints.complaint"
LIVE = (DeadlineState.OPEN, DeadlineState.OVERDUE)
YES_NO = (("1", _("已超期")), ("0", _("未超期")))
MATCHED = (("1", _("未匹配")), ("0", _("已匹配")))


def _deadlines_of_row() -> QuerySet[Deadline]:
    return Deadline.objects.filter(
        subject_type=SUBJECT_TYPE, subject_id=Cast(OuterRef("pk"), output_field=CharField())
    )


def with_next_due(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Each complaint with its nearest running deadline (any step): ``next_due_on``,
    ``next_due_label`` (the rule's name), ``next_due_state`` — one subquery each, no N+1."""
    nearest = _deadlines_of_row().filter(state__in=LIVE).order_by("due_on", "id")
    return qs.annotate(
        next_due_on=Subquery(nearest.values("due_on")[:1]),
        next_due_label=Subquery(nearest.values("rule__label")[:1]),
        next_due_state=Subquery(nearest.values("state")[:1]),
    )


def overdue_condition(today: Any = None) -> Q:
    """A running deadline past its date: marked by the sweep, or past due today before the
    sweep has run. Read from the deadline side, the late clocks' subject ids, rather than
    as a correlated EXISTS per complaint (on a station of 100k records: every row's clocks
    looked up). One id list per state, each a range of the (state, due_on) index: written
    as one OR, SQLite (no statistics) read every complaint clock by subject type instead."""
    today = today or timezone.localdate()
    marked = _late_ids(Q(state=DeadlineState.OVERDUE))
    past_due = _late_ids(Q(state=DeadlineState.OPEN, due_on__lt=today))
    # one subquery (a UNION), so PostgreSQL plans a semi-join from the few late ids
    # instead of testing two hashed lists against every row of the station
    return Q(pk__in=marked.union(past_due, all=True))


def _late_ids(condition: Q) -> QuerySet[Any, Any]:
    return (
        Deadline.objects.filter(condition, subject_type=SUBJECT_TYPE)
        .order_by()
        .annotate(complaint_id=Cast("subject_id", BigIntegerField()))
        .values("complaint_id")
    )


def near_due_condition(days: int, today: Any = None) -> Q:
    today = today or timezone.localdate()
    soon = _deadlines_of_row().filter(
        state=DeadlineState.OPEN,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=days),
    )
    return Q(Exists(soon))


class ComplaintFilterSet(FilterSet):
    q = django_filters.CharFilter(
        label=_("受理编号/单位/电话"), method="filter_q", max_length=QUERY_MAX_LENGTH
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ComplaintStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=ComplaintKind.choices)
    channel = django_filters.ChoiceFilter(label=_("来源渠道"), choices=Channel.choices)
    product_class = django_filters.ChoiceFilter(label=_("产品类别"), choices=ProductClass.choices)
    station = ReferenceChoiceFilter(
        label=_("承办单位"),
        queryset=OrgUnit.objects.filter(kind=OrgUnitKind.STATION),
        options=STATION_OPTIONS,
        field_name="org_unit",
    )
    overdue = django_filters.ChoiceFilter(label=_("超期"), choices=YES_NO, method="filter_overdue")
    unmatched = django_filters.ChoiceFilter(
        label=_("监管对象匹配"), choices=MATCHED, method="filter_unmatched"
    )

    class Meta:
        model = Complaint
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def filter_q(self, qs: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        term = value.strip()
        if not term:
            return qs
        if looks_like_phone(term):
            # the few ids of one phone's records, read first through its blind index: as a
            # condition beside the scope's, SQLite (no statistics) read the station's index
            found = Complaint.objects.filter(matches(Complaint, "reporter_phone", term))
            return qs.filter(pk__in=sorted(found.values_list("pk", flat=True)))
        return qs.filter(
            Q(number__iexact=term)
            | Q(subject_name__icontains=term)
            | Q(entity__name__icontains=term)
        )

    def filter_overdue(self, qs: QuerySet[Complaint], name: str, value: str) -> QuerySet:
        return qs.filter(overdue_condition()) if value == "1" else qs.exclude(overdue_condition())

    def filter_unmatched(self, qs: QuerySet[Complaint], name: str, value: str) -> QuerySet:
        return qs.filter(entity__isnull=value == "1")
