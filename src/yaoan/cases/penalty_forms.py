"""Forms of the discretion pages: a baseline row, a circumstance, a credit rule, a case's
assessment (tick circumstances → suggestion → proposal), a person's penalty (处罚到人) and
a listing proposal. They only convert input; the rules are the services'."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yaoan.cases.models import Circumstance, Violation
from yaoan.cases.penalty_enums import (
    CreditCondition,
    Effect,
    FineBasis,
    ListingStatus,
    PenaltyKind,
    PersonRole,
)
from yaoan.registry.enums import CreditClass, ProductClass
from yaoan.registry.models import Licence

TEXTAREA = forms.Textarea(attrs={"rows": 3})
UNIT_KIND_CHOICES = [(k.value, k.label) for k in PenaltyKind if k != PenaltyKind.TRADE_BAN]
PERSON_KIND_CHOICES = [
    (k.value, k.label)
    for k in (PenaltyKind.FINE, PenaltyKind.CONFISCATE_INCOME, PenaltyKind.TRADE_BAN)
]


def _money(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=Decimal(0), max_digits=14, decimal_places=2, **kwargs
    )


class ViolationForm(forms.Form):
    code = forms.CharField(label=_("编码"), max_length=60)
    name = forms.CharField(label=_("违法行为"), max_length=200)
    product_class = forms.ChoiceField(label=_("产品类别"), choices=ProductClass.choices)
    violated = forms.CharField(label=_("违反条款"), max_length=200)
    basis = forms.CharField(label=_("处罚依据"), max_length=200)
    kinds = forms.MultipleChoiceField(
        label=_("处罚种类"), choices=UNIT_KIND_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    fine_basis = forms.ChoiceField(
        label=_("罚款计算方式"),
        choices=[(k.value, k.label) for k in FineBasis if k != FineBasis.PERSON_INCOME],
    )
    fine_minimum = _money(_("罚款下限（元或倍数）"))
    fine_maximum = _money(_("罚款上限（元或倍数）"))
    fine_floor = _money(_("计算基数不足时按此计算（元）"))
    small_below = _money(_("货值金额低于此数时按固定金额（元）"))
    small_minimum = _money(_("固定金额下限（元）"))
    small_maximum = _money(_("固定金额上限（元）"))
    person_applies = forms.BooleanField(label=_("处罚到人"), required=False)
    person_fine_basis = forms.ChoiceField(
        label=_("个人罚款计算方式"),
        choices=[
            (k.value, k.label) for k in (FineBasis.NONE, FineBasis.FIXED, FineBasis.PERSON_INCOME)
        ],
    )
    person_fine_minimum = _money(_("个人罚款下限（元或倍数）"))
    person_fine_maximum = _money(_("个人罚款上限（元或倍数）"))
    ban_years = forms.IntegerField(label=_("从业禁止年限"), min_value=0, max_value=99, initial=0)
    ban_for_life = forms.BooleanField(label=_("终身从业禁止"), required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("fine_minimum", "fine_maximum", "fine_floor", "small_minimum", "small_maximum",
                     "person_fine_minimum", "person_fine_maximum"):  # fmt: skip
            if data.get(name) is None:
                data[name] = Decimal(0)
        return data


class CircumstanceForm(forms.Form):
    code = forms.CharField(label=_("编码"), max_length=60)
    name = forms.CharField(label=_("情节"), max_length=300, widget=TEXTAREA)
    effect = forms.ChoiceField(label=_("裁量效果"), choices=Effect.choices)
    basis = forms.CharField(label=_("依据"), max_length=200)
    product_class = forms.ChoiceField(
        label=_("适用产品类别"), required=False, choices=[("", _("全部")), *ProductClass.choices]
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)


class CreditRuleForm(forms.Form):
    condition = forms.ChoiceField(label=_("条件"), choices=CreditCondition.choices)
    threshold = _money(_("金额门槛（元）"))
    credit_class = forms.ChoiceField(
        label=_("调整为不高于"), choices=[c for c in CreditClass.choices if c[0]]
    )
    name = forms.CharField(label=_("规则说明"), max_length=200)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)


class AssessmentForm(forms.Form):
    """Tick the circumstances, then the proposal: the page first shows the suggestion
    (``suggest`` button) and prefills the proposal with it."""

    violation = forms.ModelChoiceField(label=_("违法行为"), queryset=Violation.objects.none())
    goods_value = _money(_("货值金额（元）"))
    illegal_income = _money(_("违法所得（元）"))
    circumstances = forms.ModelMultipleChoiceField(
        label=_("裁量情节"),
        required=False,
        queryset=Circumstance.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    kinds = forms.MultipleChoiceField(
        label=_("拟处罚种类（单位）"),
        required=False,
        choices=UNIT_KIND_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    fine = _money(_("拟罚款（元）"))
    confiscated_income = _money(_("拟没收违法所得（元）"))
    confiscated_goods = forms.CharField(label=_("拟没收物品"), required=False, max_length=300)
    suspension_months = forms.IntegerField(
        label=_("责令停产停业期限（月）"), required=False, min_value=1, max_value=120
    )
    licence = forms.ModelChoiceField(
        label=_("涉及的许可证件"), required=False, queryset=Licence.objects.none()
    )
    departure_reason = forms.CharField(
        label=_("偏离裁量建议的理由"),
        required=False,
        widget=TEXTAREA,
        help_text=_("处罚意见与裁量建议不一致时必填，审核时显示"),
    )

    def __init__(
        self,
        *args: Any,
        violations: QuerySet[Violation],
        circumstances: QuerySet[Circumstance],
        licences: QuerySet[Licence],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["violation"].queryset = violations  # type: ignore[attr-defined]
        self.fields["circumstances"].queryset = circumstances  # type: ignore[attr-defined]
        self.fields["licence"].queryset = licences  # type: ignore[attr-defined]


class PersonPenaltyForm(forms.Form):
    kind = forms.ChoiceField(label=_("处罚种类"), choices=PERSON_KIND_CHOICES)
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("身份证号码"), max_length=18, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label=_("人员身份"), choices=PersonRole.choices)
    amount = _money(_("金额（元）"), help_text=_("罚款或没收所获收入时填写"))
    term_months = forms.IntegerField(
        label=_("从业禁止期限（月）"), required=False, min_value=1, max_value=1200
    )
    for_life = forms.BooleanField(label=_("终身禁止"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=TEXTAREA, max_length=2000)


class ListingProposeForm(forms.Form):
    grounds = forms.CharField(label=_("列入事由"), widget=TEXTAREA, max_length=2000)
    basis = forms.CharField(
        label=_("列入依据"),
        max_length=200,
        initial="市场监督管理严重违法失信名单管理办法",
    )


class ListingFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *ListingStatus.choices]
    )
    q = forms.CharField(label=_("单位名称或案件编号"), required=False, max_length=100)
