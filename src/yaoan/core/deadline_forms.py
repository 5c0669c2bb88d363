"""Forms of the deadline pages: extension request and decision, suspension and resumption,
the list filters. Every reason is required, with a message naming the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yaoan.core.enums import DeadlineState
from yaoan.core.models import DeadlineRule, OrgUnit

REASON_ERRORS = {"required": _("请填写理由")}


def _reason(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=REASON_ERRORS,
    )  # fmt: skip


class ExtensionRequestForm(forms.Form):
    rule = forms.ModelChoiceField(
        label=_("延长规则"),
        queryset=DeadlineRule.objects.filter(code__endswith="_extension"),
        required=False,
        empty_label=_("按该期限的延长规则"),
        to_field_name="code",
    )
    reason = _reason(_("申请理由"))


class ExtensionDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审批结果"),
        choices=[("1", _("批准")), ("0", _("不批准"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择审批结果")},
    )
    reason = forms.CharField(
        label=_("审批意见"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("approve") is False and not (data.get("reason") or "").strip():
            self.add_error("reason", _("不批准时须填写审批意见"))
        return data


class SuspendForm(forms.Form):
    start = forms.DateField(
        label=_("中止日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空为今天"),
        error_messages={"invalid": _("中止日格式应为 YYYY-MM-DD")},
    )
    reason = _reason(_("中止理由"))


class ResumeForm(forms.Form):
    end = forms.DateField(
        label=_("恢复日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空为今天"),
        error_messages={"invalid": _("恢复日格式应为 YYYY-MM-DD")},
    )


class DeadlineFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("状态"),
        choices=[("live", _("未办结")), *DeadlineState.choices, ("all", _("全部"))],
        required=False,
    )
    org_unit = forms.ModelChoiceField(
        label=_("承办单位"), queryset=OrgUnit.objects.filter(is_active=True), required=False,
        empty_label=_("全部单位"),
    )  # fmt: skip
