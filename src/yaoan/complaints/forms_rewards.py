"""Forms of the 举报奖励 pages: the proposal (penalty decision, fines, grade), the decision,
the payment record, the list's filter and one grade of the reward measures. They convert
input and name the field in Chinese; the rules (who, which report, one live reward, the
floor and ceiling) stay in reward_services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from yaoan.common.forms import named_errors
from yaoan.complaints.enums import RewardStatus
from yaoan.complaints.forms import NamedChoicesForm, _text
from yaoan.complaints.models import RewardRule

# Django's DecimalField inherits IntegerField's "应为整数" from named_errors and says
# "确保总共不超过 14 个数字" for a big one; a sum of money reads better as money
MONEY_MESSAGES = {
    "invalid": N_("{}须为数字，如 50000 或 50000.00。"),
}
# these are %-formatted with their params, so a label like "奖励比例（%）" is escaped
MONEY_PARAM_MESSAGES = {
    "min_value": N_("{}不能小于 %(limit_value)s。"),
    "max_value": N_("{}不能大于 %(limit_value)s。"),
    "max_digits": N_("{}过大。"),
    "max_whole_digits": N_("{}过大。"),
    "max_decimal_places": N_("{}最多保留两位小数。"),
}
_escaped = lazy(lambda label: str(label).replace("%", "%%"), str)


def money_field(label: Any, *, max_digits: int = 12, **kwargs: Any) -> forms.DecimalField:
    """A non-negative sum in yuan with at most two decimals; every error names the field."""
    field = forms.DecimalField(
        label=label, min_value=0, max_digits=max_digits, decimal_places=2, **kwargs
    )
    field.error_messages.update(
        {code: format_lazy(_(text), label) for code, text in MONEY_MESSAGES.items()}
    )
    field.error_messages.update(
        {code: format_lazy(_(text), _escaped(label)) for code, text in MONEY_PARAM_MESSAGES.items()}
    )
    field.error_messages["required"] = format_lazy(_("请填写{}。"), label)
    field.widget.attrs.update({"inputmode": "decimal", "step": "0.01", "min": "0"})
    return field


def plain_number(value: Decimal) -> str:
    """6.00 → "6", 2.50 → "2.5" (a percentage as people write it)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def rule_choice_label(rule: RewardRule) -> str:
    return str(
        _("%(label)s（罚没款的 %(p)s%%，%(lo)s–%(hi)s 元；无罚没款时 %(fixed)s 元）")
        % {
            "label": rule.label,
            "p": plain_number(rule.percent),
            "lo": rule.minimum,
            "hi": rule.maximum,
            "fixed": rule.no_fine_amount,
        }
    )


class RuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return rule_choice_label(obj)


@named_errors
class RewardProposalForm(NamedChoicesForm):
    """申请奖励: the penalty decision the report led to, the fines and confiscations, and
    the grade of the district's measures; the amount is computed from these."""

    rule = RuleChoiceField(
        label=_("奖励等级"),
        queryset=RewardRule.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=_("请选择"),
        error_messages={
            "required": _("请选择奖励等级。"),
            "invalid_choice": _("奖励等级不存在或已停用，请从列表中选择。"),
        },
    )
    penalty_reference = forms.CharField(
        label=_("处罚决定书文号"),
        max_length=100,
        error_messages={"required": _("请填写处罚决定书文号。")},
    )
    fine_amount = money_field(
        _("罚没款金额（元）"), max_digits=14, help_text=_("没有罚没款填 0，按该等级的固定金额奖励")
    )
    reason = _text(_("申请理由"), required=False, rows=3)


@named_errors
class RewardNoteForm(NamedChoicesForm):
    reason = _text(_("审批意见"), required=False, rows=3)


@named_errors
class RewardRejectForm(NamedChoicesForm):
    reason = _text(_("不予奖励理由"), rows=3)


@named_errors
class RewardPaymentForm(NamedChoicesForm):
    paid_on = forms.DateField(
        label=_("发放日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("请填写发放日期。"),
            "invalid": _("发放日期格式不正确，如 2026-12-01。"),
        },
    )
    payment_reference = forms.CharField(
        label=_("发放凭证号"),
        max_length=100,
        error_messages={"required": _("请填写发放凭证号。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("paid_on", timezone.localdate())


class RewardFilterForm(NamedChoicesForm):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *RewardStatus.choices]
    )


@named_errors
class RewardRuleForm(NamedChoicesForm):
    """One grade of the reward measures; proposals already made keep their amount."""

    label = forms.CharField(
        label=_("奖励等级"), max_length=50, error_messages={"required": _("请填写奖励等级。")}
    )
    percent = money_field(_("奖励比例（%）"), max_digits=5, max_value=100)
    minimum = money_field(_("最低金额（元）"))
    maximum = money_field(_("最高金额（元）"))
    no_fine_amount = money_field(_("无罚没款时金额（元）"))
    basis = forms.CharField(label=_("依据"), max_length=300, required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False)
