"""The case list's filters: number/案由/party, state (or "open"), procedure, source, product
class, station, "mine" (one of the two officers) and overdue — a clock of the case past
its date, read from the deadline side (the few late clocks), not per case."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from yaoan.cases.enums import OPEN_STATUSES, CaseSource, CaseStatus, Procedure
from yaoan.cases.models import Case
from yaoan.cases.queries import overdue_condition
from yaoan.common.api_fields import QUERY_MAX_LENGTH
from yaoan.common.filtersets import FilterSet, ReferenceChoiceFilter
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit
from yaoan.core.reference import STATION_OPTIONS
from yaoan.registry.enums import ProductClass

SUBJECT_TYPE = "cases.case"
OPEN = "open"
STATES = ((OPEN, _("办理中（全部未结）")), *CaseStatus.choices)
YES = (("1", _("是")),)


class CaseFilterSet(FilterSet):
    q = django_filters.CharFilter(
        label=_("案件编号/案由/当事人"), method="filter_q", max_length=QUERY_MAX_LENGTH
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=STATES, method="filter_status")
    procedure = django_filters.ChoiceFilter(label=_("程序"), choices=Procedure.choices)
    source = django_filters.ChoiceFilter(label=_("案件来源"), choices=CaseSource.choices)
    product_class = django_filters.ChoiceFilter(label=_("产品类别"), choices=ProductClass.choices)
    station = ReferenceChoiceFilter(
        label=_("承办单位"),
        queryset=OrgUnit.objects.filter(kind=OrgUnitKind.STATION),
        options=STATION_OPTIONS,
        field_name="org_unit",
    )
    mine = django_filters.ChoiceFilter(label=_("我承办的"), choices=YES, method="filter_mine")
    overdue = django_filters.ChoiceFilter(label=_("超期"), choices=YES, method="filter_overdue")

    class Meta:
        model = Case
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def filter_q(self, qs: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        term = value.strip()
        if not term:
            return qs
        return qs.filter(
            Q(number__iexact=term)
            | Q(title__icontains=term)
            | Q(party_name__icontains=term)
            | Q(entity__name__icontains=term)
        )

    def filter_status(self, qs: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        if value == OPEN:
            return qs.filter(status__in=OPEN_STATUSES)
        return qs.filter(status=value)

    def filter_mine(self, qs: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        if value != "1" or self.user is None:
            return qs
        return qs.filter(Q(lead_officer=self.user) | Q(co_officer=self.user))

    def filter_overdue(self, qs: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return qs.filter(overdue_condition()) if value == "1" else qs
