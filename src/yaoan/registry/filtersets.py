"""One FilterSet per list, shared by the list page, the .xlsx export and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from yaoan.common.api_fields import QUERY_MAX_LENGTH
from yaoan.common.filtersets import FilterSet, ReferenceChoiceFilter
from yaoan.common.paging import MAX_ID
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit, Subdistrict
from yaoan.core.reference import STATION_OPTIONS, SUBDISTRICT_OPTIONS
from yaoan.registry.enums import (
    CreditClass,
    EntityStatus,
    EntityType,
    ExpiryWindow,
    LicenceKind,
    ProductClass,
    RiskGrade,
)
from yaoan.registry.models import Entity, Licence, Product
from yaoan.registry.queries import (
    entities_matching,
    expiring_licences,
    with_expiring_licence,
)

EMPTY: tuple[object, ...] = (None, "", [], ())

ENTITY_SORTS = {
    "name": "name",
    "uscc": "uscc",
    "entity_type": "entity_type",
    "subdistrict": "subdistrict__code",
    "risk_grade": "risk_grade",
    "credit_class": "credit_class",
    "updated_at": "updated_at",
}


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sorted by the chosen column, then by id in the same direction: entities that share
    a grid, a type or a grade otherwise come in any order, and pages overlap or skip."""

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        sorted_qs = super().filter(qs, value)
        if not value:
            return sorted_qs
        first = str(sorted_qs.query.order_by[0])
        return sorted_qs.order_by(
            *sorted_qs.query.order_by, "-pk" if first.startswith("-") else "pk"
        )


class EntityFilterSet(FilterSet):
    q = django_filters.CharFilter(
        label=_("名称/代码/拼音首字母/电话"), method="filter_q", max_length=QUERY_MAX_LENGTH
    )
    entity_type = django_filters.ChoiceFilter(label=_("类型"), choices=EntityType.choices)
    subdistrict = ReferenceChoiceFilter(
        label=_("镇街"),
        queryset=Subdistrict.objects.all(),
        options=SUBDISTRICT_OPTIONS,
        method="filter_subdistrict",
    )
    station = ReferenceChoiceFilter(
        label=_("市场监管所"),
        queryset=OrgUnit.objects.filter(kind=OrgUnitKind.STATION),
        options=STATION_OPTIONS,
        method="filter_station",
    )
    risk_grade = django_filters.ChoiceFilter(
        label=_("风险等级"),
        choices=[("none", _("未评级")), *RiskGrade.choices[1:]],
        method="filter_blankable",
    )
    credit_class = django_filters.ChoiceFilter(
        label=_("信用分类"),
        choices=[("none", _("未评定")), *CreditClass.choices[1:]],
        method="filter_blankable",
    )
    status = django_filters.ChoiceFilter(label=_("经营状态"), choices=EntityStatus.choices)
    licence_expiring = django_filters.ChoiceFilter(
        label=_("证照到期"), choices=ExpiryWindow.choices, method="filter_expiring"
    )
    sort = StableOrderingFilter(
        label=_("排序"), fields=tuple((v, k) for k, v in ENTITY_SORTS.items())
    )

    class Meta:
        model = Entity
        fields: list[str] = []

    def narrowed_by(self) -> set[str]:
        """The names of the filters in use (valid form)."""
        return {name for name, value in self.form.cleaned_data.items() if value not in EMPTY}

    # the search, grid and expiry filters are methods so that the entity list can write
    # them in its own SQL forms (registry.listing_sql.ListFilterSet)
    def filter_q(self, qs: QuerySet[Entity], name: str, value: str) -> QuerySet[Entity]:
        return entities_matching(qs, value)

    def filter_station(self, qs: QuerySet[Entity], name: str, value: OrgUnit) -> QuerySet[Entity]:
        return qs.filter(subdistrict__station=value)

    def filter_subdistrict(
        self, qs: QuerySet[Entity], name: str, value: Subdistrict
    ) -> QuerySet[Entity]:
        return qs.filter(subdistrict=value)

    def filter_blankable(self, qs: QuerySet[Entity], name: str, value: str) -> QuerySet[Entity]:
        return qs.filter(**{name: "" if value == "none" else value})

    def filter_expiring(self, qs: QuerySet[Entity], name: str, value: str) -> QuerySet[Entity]:
        return with_expiring_licence(qs, value)


class LicenceFilterSet(FilterSet):
    entity = django_filters.NumberFilter(
        label=_("监管对象"), field_name="entity_id", min_value=1, max_value=MAX_ID
    )
    kind = django_filters.ChoiceFilter(label=_("证照类型"), choices=LicenceKind.choices)
    expiring = django_filters.ChoiceFilter(
        label=_("到期"), choices=ExpiryWindow.choices, method="filter_expiring"
    )
    station = django_filters.NumberFilter(
        label=_("市场监管所"),
        field_name="entity__subdistrict__station_id",
        min_value=1,
        max_value=MAX_ID,
    )

    class Meta:
        model = Licence
        fields: list[str] = []

    def filter_expiring(self, qs: QuerySet[Licence], name: str, value: str) -> QuerySet[Licence]:
        from django.utils import timezone

        return expiring_licences(qs, value, timezone.localdate())


class ProductFilterSet(FilterSet):
    q = django_filters.CharFilter(
        label=_("名称/文号/注册证号"), method="filter_q", max_length=QUERY_MAX_LENGTH
    )
    product_class = django_filters.ChoiceFilter(label=_("产品类别"), choices=ProductClass.choices)

    class Meta:
        model = Product
        fields = ["is_vaccine", "is_cold_chain", "in_volume_procurement", "special_drug_kind"]

    def filter_q(self, qs: QuerySet[Product], name: str, value: str) -> QuerySet[Product]:
        value = value.strip()
        return (
            qs.filter(
                Q(name__icontains=value)
                | Q(generic_name__icontains=value)
                | Q(approval_number__icontains=value)
                | Q(registration_number__icontains=value)
                | Q(udi_di=value)
            )
            if value
            else qs
        )
