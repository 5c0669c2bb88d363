"""Forms of penalty publication: the 第四条 summary, an exemption, a withdrawal."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yaoan.cases.models import PenaltyPublication
from yaoan.cases.publication_enums import ExemptionCause, PublicationTerm, WithdrawalCause
from yaoan.cases.publication_services import PublicationInput


class PublicationForm(forms.Form):
    decision_number = forms.CharField(label=_("行政处罚决定书文号"), max_length=64)
    party_name = forms.CharField(
        label=_("当事人名称"),
        max_length=200,
        help_text=_("自然人当事人只公示姓氏（如“张*”），不公示身份证号码、住址、电话"),
    )
    violation_type = forms.CharField(label=_("违法行为类型"), max_length=200)
    facts = forms.CharField(
        label=_("主要违法事实"), max_length=2000, required=False, widget=forms.Textarea
    )
    penalty_content = forms.CharField(
        label=_("行政处罚内容"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    legal_basis = forms.CharField(
        label=_("处罚依据"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    authority = forms.CharField(label=_("处罚机关"), max_length=100)
    term = forms.ChoiceField(label=_("公示期限"), choices=PublicationTerm.choices)

    @classmethod
    def for_publication(
        cls, publication: PenaltyPublication, data: object = None
    ) -> PublicationForm:
        initial = {name: getattr(publication, name) for name in cls.base_fields}
        return cls(data, initial=initial)  # type: ignore[arg-type]

    def to_input(self) -> PublicationInput:
        return PublicationInput(**{name: self.cleaned_data[name] for name in self.fields})


class ExemptForm(forms.Form):
    cause = forms.ChoiceField(label=_("不予公示原因"), choices=ExemptionCause.choices)
    note = forms.CharField(
        label=_("说明"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class WithdrawForm(forms.Form):
    cause = forms.ChoiceField(label=_("撤下原因"), choices=WithdrawalCause.choices)
    note = forms.CharField(
        label=_("说明"),
        max_length=1000,
        help_text=_("如信用修复决定的文号和日期"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
