"""Filters of the plan detail page and the API's item list (one FilterSet for both)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from yaoan.common.filtersets import FilterSet, ReferenceChoiceFilter
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit
from yaoan.core.reference import STATION_OPTIONS
from yaoan.plans.enums import FREQUENCY_REASON, MANUAL_REASON, KeyListCode
from yaoan.plans.models import PlanItem

REASON_CHOICES = [
    (FREQUENCY_REASON, _("频次规则（风险/信用）")),
    *KeyListCode.choices,
    (MANUAL_REASON, _("人工增加")),
]
QUARTER_CHOICES = [("1", _("一季度")), ("2", _("二季度")), ("3", _("三季度")), ("4", _("四季度"))]


class PlanItemFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("名称/代码/拼音首字母"), method="filter_q")
    station = ReferenceChoiceFilter(
        label=_("负责所"),
        queryset=OrgUnit.objects.filter(kind=OrgUnitKind.STATION),
        options=STATION_OPTIONS,
    )
    reason = django_filters.ChoiceFilter(
        label=_("列入理由"), choices=REASON_CHOICES, method="filter_reason"
    )
    quarter = django_filters.ChoiceFilter(
        label=_("季度"), choices=QUARTER_CHOICES, method="filter_quarter"
    )
    joint = django_filters.BooleanFilter(label=_("联合检查"))

    class Meta:
        model = PlanItem
        fields = ["q", "station", "reason", "quarter", "joint"]

    def filter_q(self, qs: QuerySet[PlanItem], name: str, value: str) -> QuerySet[PlanItem]:
        term = value.strip()
        if not term:
            return qs
        condition = Q(entity__name__icontains=term)
        upper = term.upper()
        if upper.isascii() and upper.isalnum():
            condition |= Q(entity__uscc__startswith=upper) | Q(
                entity__name_initials__contains=upper
            )
        return qs.filter(condition)

    def filter_reason(self, qs: QuerySet[PlanItem], name: str, value: str) -> QuerySet[PlanItem]:
        return qs.filter(reason_codes__contains=f",{value},") if value else qs

    def filter_quarter(self, qs: QuerySet[PlanItem], name: str, value: str) -> QuerySet[PlanItem]:
        return qs.filter(**{f"q{int(value)}__gt": 0}) if value else qs
