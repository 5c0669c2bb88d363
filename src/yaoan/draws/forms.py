"""Forms of the draw pages. The entity pool is chosen with the registry's own FilterSet
(the same filters as the entity list), under the prefix ``pool``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit
from yaoan.draws.enums import OPTIONAL_RULES, DrawKind, SelectionMode
from yaoan.draws.specs import MAX_SELECTION_VALUE, default_visit_period
from yaoan.registry.enums import EntityStatus
from yaoan.registry.filtersets import EntityFilterSet
from yaoan.registry.models import Entity

POOL_PREFIX = "pool"
INSPECTOR_UNIT_KINDS = (OrgUnitKind.STATION, OrgUnitKind.SECTION, OrgUnitKind.ENFORCEMENT_TEAM)


def pool_filterset(data: Any = None) -> EntityFilterSet:
    """The registry's entity filters; only operating entities unless the chief says otherwise."""
    filterset = EntityFilterSet(data, prefix=POOL_PREFIX, queryset=Entity.objects.none())
    filterset.form.fields.pop("sort", None)
    if data is None:
        filterset.form.initial = {"status": EntityStatus.OPERATING}
    return filterset


def pool_filters_from(filterset: EntityFilterSet) -> dict[str, str]:
    """The chosen filters as the entity list's own query parameters (no prefix)."""
    data = filterset.form.data
    values = {}
    for name in filterset.form.fields:
        value = data.get(f"{POOL_PREFIX}-{name}", "")
        if value:
            values[name] = str(value)
    return values


class DrawForm(forms.Form):
    title = forms.CharField(label=_("抽取名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类别"), choices=DrawKind.choices, initial=DrawKind.RANDOM)
    partner_unit = forms.ModelChoiceField(
        label=_("联合检查成员单位"),
        queryset=OrgUnit.objects.filter(kind=OrgUnitKind.MEMBER_DEPARTMENT, is_active=True),
        required=False,
        help_text=_("仅联合抽查：每户另抽 1 名该单位检查人员（如区卫生健康委）"),
    )
    selection_mode = forms.ChoiceField(
        label=_("抽取方式"),
        choices=SelectionMode.choices,
        initial=SelectionMode.RATIO,
        widget=forms.RadioSelect,
    )
    ratio_percent = forms.DecimalField(
        label=_("抽取比例（%）"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        decimal_places=2,
        initial=Decimal("5"),
    )
    count = forms.IntegerField(
        label=_("抽取数量（户）"), required=False, min_value=1, max_value=MAX_SELECTION_VALUE
    )
    inspectors_per_entity = forms.IntegerField(
        label=_("每户检查人员数"),
        min_value=2,
        max_value=10,
        initial=2,
        help_text=_("至少 2 名；联合抽查另加 1 名成员单位人员"),
    )
    # only the optional rules are offered: 利害关系回避 is not the chief's to switch off
    rules = forms.MultipleChoiceField(
        label=_("回避规则"),
        choices=[(rule.value, rule.label) for rule in OPTIONAL_RULES],
        initial=[rule.value for rule in OPTIONAL_RULES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("已登记的利害关系（回避事由）依法一律回避，不能关闭"),
    )
    inspector_units = forms.ModelMultipleChoiceField(
        label=_("检查人员来源单位"),
        queryset=OrgUnit.objects.filter(kind__in=INSPECTOR_UNIT_KINDS, is_active=True),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("这些单位已建档且执法证未失效的检查员组成检查人员库"),
    )
    visits_from = forms.DateField(
        label=_("检查期限（起）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("抽中对象的检查安排在此期间的工作日；默认自今日至本季度末"),
    )
    visits_until = forms.DateField(
        label=_("检查期限（止）"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        start, end = default_visit_period(timezone.localdate())
        self.fields["visits_from"].initial = start
        self.fields["visits_until"].initial = end

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("selection_mode") == SelectionMode.RATIO:
            if data.get("ratio_percent") is None:
                self.add_error("ratio_percent", _("请填写抽取比例。"))
            else:
                data["selection_value"] = int(data["ratio_percent"] * 100)
        elif data.get("selection_mode") == SelectionMode.COUNT:
            if data.get("count") is None:
                self.add_error("count", _("请填写抽取数量。"))
            else:
                data["selection_value"] = data["count"]
        if data.get("kind") == DrawKind.JOINT and not data.get("partner_unit"):
            self.add_error("partner_unit", _("联合抽查须选择成员单位。"))
        if data.get("kind") == DrawKind.RANDOM:
            data["partner_unit"] = None
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class RedrawForm(ReasonForm):
    visits_from = forms.DateField(
        label=_("新的检查期限（起）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("不填则沿用原抽取的检查期限（自今日起）"),
    )
    visits_until = forms.DateField(
        label=_("新的检查期限（止）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
