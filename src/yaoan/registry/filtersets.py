"""One FilterSet per list, shared by the list page, the .xlsx export and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from yaoan.common.filtersets import FilterSet
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit, Subdistrict
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
from yaoan.registry.queries import entities_matching, expiring_licences, with_expiring_licence

ENTITY_SORTS = {
    "name": "name",
    "uscc": "uscc",
    "entity_type": "entity_type",
    "subdistrict": "subdistrict__code",
    "risk_grade": "risk_grade",
    "credit_class": "credit_class",
    "updated_at": "updated_at",
}


class EntityFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("名称/代码/拼音首字母"), method="filter_q")
    entity_type = django_filters.ChoiceFilter(label=_("类型"), choices=EntityType.choices)
    subdistrict = django_filters.ModelChoiceFilter(
        label=_("镇街"), queryset=Subdistrict.objects.all(), field_name="subdistrict"
    )
    station = django_filters.ModelChoiceFilter(
        label=_("市场监管所"),
        queryset=OrgUnit.objects.filter(kind=OrgUnitKind.STATION),
        field_name="subdistrict__station",
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
    sort = django_filters.OrderingFilter(
        label=_("排序"), fields=tuple((v, k) for k, v in ENTITY_SORTS.items())
    )

    class Meta:
        model = Entity
        fields: list[str] = []

    walk = False  # see walked_qs

    def walked_qs(self) -> QuerySet[Entity]:
        """The same filters, from the data already validated, written to be tested while
        walking the name order: for when they are known to match many entities
        (queries.entities_matching)."""
        self.walk = True
        try:
            return self.filter_queryset(self.queryset.all())
        finally:
            self.walk = False

    def filter_q(self, qs: QuerySet[Entity], name: str, value: str) -> QuerySet[Entity]:
        return entities_matching(qs, value, walk=self.walk)

    def filter_blankable(self, qs: QuerySet[Entity], name: str, value: str) -> QuerySet[Entity]:
        return qs.filter(**{name: "" if value == "none" else value})

    def filter_expiring(self, qs: QuerySet[Entity], name: str, value: str) -> QuerySet[Entity]:
        return with_expiring_licence(qs, value, walk=self.walk)


class LicenceFilterSet(FilterSet):
    entity = django_filters.NumberFilter(label=_("监管对象"), field_name="entity_id")
    kind = django_filters.ChoiceFilter(label=_("证照类型"), choices=LicenceKind.choices)
    expiring = django_filters.ChoiceFilter(
        label=_("到期"), choices=ExpiryWindow.choices, method="filter_expiring"
    )
    station = django_filters.NumberFilter(
        label=_("市场监管所"), field_name="entity__subdistrict__station_id"
    )

    class Meta:
        model = Licence
        fields: list[str] = []

    def filter_expiring(self, qs: QuerySet[Licence], name: str, value: str) -> QuerySet[Licence]:
        from django.utils import timezone

        return expiring_licences(qs, value, timezone.localdate())


class ProductFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("名称/文号/注册证号"), method="filter_q")
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
