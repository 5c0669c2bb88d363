"""Forms of the plan pages. Every change asks for its reason (it goes to the audit log)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaoan.common.forms import named_errors, year_field
from yaoan.common.text import find_unencodable
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit
from yaoan.plans.models import MAX_VISITS, FrequencyRule, KeyListRule

QUARTER_FIELDS = ("q1", "q2", "q3", "q4")
# the years a plan may have (the API's bounds too)
MIN_YEAR, MAX_YEAR = 2000, 2100


def _reason_field(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("修改原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写修改原因。")},
    )


class FrequencyRuleForm(forms.ModelForm):
    reason = _reason_field()

    class Meta:
        model = FrequencyRule
        fields = ["entity_type", "risk_grade", "credit_class", "min_visits", "source"]
        widgets = {"source": forms.Textarea(attrs={"rows": 4})}

    def validate_unique(self) -> None:
        return None  # the service checks it inside its transaction


class KeyListRuleForm(forms.ModelForm):
    parameters = forms.CharField(
        label=_("参数（JSON）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_('例如 {"entity_types": ["vaccination_site", "cdc"], "share": 0.05}'),
    )
    reason = _reason_field()

    class Meta:
        model = KeyListRule
        fields = ["enabled", "min_visits", "parameters", "source"]
        widgets = {"source": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["parameters"] = json.dumps(self.instance.parameters, ensure_ascii=False)

    def clean_parameters(self) -> Any:
        text = (self.cleaned_data.get("parameters") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(_("参数不是有效的 JSON。")) from exc
        if find_unencodable(value) is not None:  # a "\ud800" escape cannot be stored
            raise forms.ValidationError(
                _("参数含有无法识别的字符（如不成对的 UTF-16 代理项）。"), code="invalid_text"
            )
        return value


class GeneratePlanForm(forms.Form):
    year = year_field(
        _("年度"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        initial=lambda: timezone.localdate().year,
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class CoverageYearForm(forms.Form):
    """The year of the coverage page: a year out of range is a message, not a server
    error from a date Python or the database cannot build."""

    year = year_field(_("年度"), min_value=MIN_YEAR, max_value=MAX_YEAR)


@named_errors
class ItemEditForm(forms.Form):
    required_count = forms.IntegerField(label=_("检查次数"), min_value=1, max_value=MAX_VISITS)
    q1 = forms.IntegerField(label=_("一季度"), min_value=0, max_value=MAX_VISITS, required=False)
    q2 = forms.IntegerField(label=_("二季度"), min_value=0, max_value=MAX_VISITS, required=False)
    q3 = forms.IntegerField(label=_("三季度"), min_value=0, max_value=MAX_VISITS, required=False)
    q4 = forms.IntegerField(label=_("四季度"), min_value=0, max_value=MAX_VISITS, required=False)
    station = forms.ModelChoiceField(
        label=_("负责所"), queryset=OrgUnit.objects.filter(kind=OrgUnitKind.STATION)
    )
    joint = forms.BooleanField(label=_("与区卫生健康委联合检查"), required=False)
    reason = _reason_field()

    def quarters(self) -> list[int] | None:
        """The quarters as typed, or None (all blank) to have them spread automatically."""
        values = [self.cleaned_data.get(f) for f in QUARTER_FIELDS]
        if all(v is None for v in values):
            return None
        return [v or 0 for v in values]


class ItemAddForm(forms.Form):
    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    required_count = forms.IntegerField(
        label=_("检查次数"), min_value=1, max_value=MAX_VISITS, initial=1
    )
    joint = forms.BooleanField(label=_("与区卫生健康委联合检查"), required=False)
    reason = _reason_field(_("列入原因"))

    def clean_uscc(self) -> str:
        return str(self.cleaned_data["uscc"]).strip().upper()


class ReasonForm(forms.Form):
    reason = _reason_field(_("原因"))
