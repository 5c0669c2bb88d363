"""The complaint list's filters, shared by the page and the .xlsx export: state, kind,
channel, station, overdue, and a search by receipt number, business or the reporter's
phone (through its blind index: the phone itself is sealed)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from yaoan.common.api_fields import QUERY_MAX_LENGTH
from yaoan.common.filtersets import FilterSet, ReferenceChoiceFilter
from yaoan.complaints.enums import Channel, ComplaintKind, ComplaintStatus
from yaoan.complaints.models import Complaint
from yaoan.complaints.queries import overdue_condition
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit
from yaoan.core.pii.fields import matches
from yaoan.core.reference import STATION_OPTIONS
from yaoan.registry.enums import ProductClass
from yaoan.registry.queries import looks_like_phone

YES_NO = (("1", _("已超期")), ("0", _("未超期")))
MATCHED = (("1", _("未匹配")), ("0", _("已匹配")))


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
