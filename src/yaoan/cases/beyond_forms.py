"""Forms of the transfer, supervision and escalation pages: they convert input; the rules
(what a transfer needs, which dates are allowed) are the services'."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from yaoan.cases.beyond_enums import (
    AdministrativePart,
    ReconsiderationChannel,
    SupervisionLevel,
    SupervisionStatus,
    TransferOutcome,
    TransferStatus,
)
from yaoan.cases.models import Case
from yaoan.core.models import OrgUnit, User

DATE = forms.DateInput(attrs={"type": "date"})
REASON_MAX = 2000


def _reason(required: bool = True, label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("理由"),
        required=required,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TransferProposalForm(forms.Form):
    suspected_offence = forms.CharField(label=_("涉嫌罪名"), max_length=100)
    facts = forms.CharField(label=_("涉嫌犯罪的事实"), widget=forms.Textarea(attrs={"rows": 4}))
    investigation_report = forms.CharField(
        label=_("涉嫌犯罪案件情况的调查报告"), widget=forms.Textarea(attrs={"rows": 6})
    )
    evidence = forms.MultipleChoiceField(
        label=_("移送证据清单"), required=False, widget=forms.CheckboxSelectMultiple
    )
    seized_items = forms.MultipleChoiceField(
        label=_("涉案物品清单"), required=False, widget=forms.CheckboxSelectMultiple
    )
    test_reports = forms.CharField(
        label=_("检验报告或鉴定结论"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    materials = forms.CharField(
        label=_("其他移送材料（每行一项）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    police_unit = forms.CharField(label=_("接受移送的公安机关"), max_length=100)
    administrative_part = forms.ChoiceField(
        label=_("行政案件处理"), choices=AdministrativePart.choices
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        evidence = case.evidence.filter(withdrawn_at__isnull=True).order_by("collected_on", "id")
        evidence_field = cast(forms.MultipleChoiceField, self.fields["evidence"])
        seized_field = cast(forms.MultipleChoiceField, self.fields["seized_items"])
        evidence_field.choices = [
            (e.pk, f"{e.get_kind_display()}：{e.title}（{e.collected_on}）") for e in evidence
        ]
        seized_field.choices = [
            (s.pk, f"{s.get_measure_display()}：{s.name} {s.quantity}{s.quantity_unit}")
            for s in case.seized_items.order_by("seized_on", "id")
        ]

    def material_titles(self) -> list[str]:
        lines = (self.cleaned_data.get("materials") or "").splitlines()
        return [line.strip() for line in lines if line.strip()]


class NoteForm(forms.Form):
    reason = _reason(required=False, label=_("意见"))


class ReasonForm(forms.Form):
    reason = _reason()


class SendTransferForm(forms.Form):
    transferred_on = forms.DateField(label=_("移送日期"), widget=DATE)
    receipt_by = forms.CharField(label=_("公安机关签收人"), max_length=50, required=False)


class PoliceAcceptForm(forms.Form):
    decided_on = forms.DateField(label=_("公安机关立案日期"), widget=DATE)
    reference = forms.CharField(label=_("立案通知书文号"), max_length=60)


class PoliceRefuseForm(forms.Form):
    decided_on = forms.DateField(label=_("公安机关决定日期"), widget=DATE)
    reference = forms.CharField(label=_("不予立案通知书文号"), max_length=60)
    reason = _reason(label=_("不予立案理由"))


class ReconsiderForm(forms.Form):
    channel = forms.ChoiceField(label=_("途径"), choices=ReconsiderationChannel.choices)
    requested_on = forms.DateField(label=_("提请日期"), widget=DATE)
    reason = _reason(label=_("提请理由"))


class HandoverForm(forms.Form):
    handed_over_on = forms.DateField(label=_("移交日期"), widget=DATE)
    note = _reason(label=_("移交的物品、材料和交接手续"))


class CloseTransferForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("办结情况"),
        choices=[c for c in TransferOutcome.choices if c[0] != TransferOutcome.RETURNED],
        required=False,
        help_text=_("公安机关不予立案后办结的，按“退回依法作行政处理”登记"),
    )
    reason = _reason(label=_("说明"))


class FollowUpForm(forms.Form):
    happened_on = forms.DateField(label=_("日期"), widget=DATE)
    note = _reason(label=_("跟进情况"))


class RegisterFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *TransferStatus.choices]
    )
    year = forms.IntegerField(label=_("提出年度"), required=False, min_value=2000, max_value=2100)
    overdue = forms.BooleanField(label=_("仅逾期"), required=False)


class SupervisionForm(forms.Form):
    level = forms.ChoiceField(label=_("督办层级"), choices=SupervisionLevel.choices)
    supervising_unit = forms.CharField(label=_("督办单位"), max_length=100)
    reference = forms.CharField(label=_("督办文号"), max_length=60)
    requirements = forms.CharField(label=_("督办要求"), widget=forms.Textarea(attrs={"rows": 4}))
    flagged_on = forms.DateField(label=_("挂牌日期"), widget=DATE)
    due_on = forms.DateField(label=_("办结期限"), widget=DATE)
    report_every_days = forms.IntegerField(
        label=_("进展报告间隔（日，0为只报办结情况）"), min_value=0, max_value=90, initial=30
    )


class SupervisionReportForm(forms.Form):
    reported_on = forms.DateField(label=_("报送日期"), widget=DATE)
    content = forms.CharField(label=_("报告内容"), widget=forms.Textarea(attrs={"rows": 5}))


class SendBackForm(forms.Form):
    due_on = forms.DateField(label=_("新的办结期限（不填则不变）"), widget=DATE, required=False)
    reason = _reason()


class SupervisionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), *SupervisionStatus.choices],
    )
    overdue = forms.BooleanField(label=_("仅逾期"), required=False)


class EscalationForm(forms.Form):
    to_unit = forms.ModelChoiceField(label=_("提级后承办单位"), queryset=OrgUnit.objects.none())
    lead_officer = forms.ModelChoiceField(label=_("主办人"), queryset=User.objects.none())
    co_officer = forms.ModelChoiceField(label=_("协办人"), queryset=User.objects.none())
    reason = _reason(label=_("提级理由"))

    def __init__(self, *args: Any, units: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["lead_officer"].queryset = officers  # type: ignore[attr-defined]
        self.fields["co_officer"].queryset = officers  # type: ignore[attr-defined]


class TransferDocumentForm(forms.Form):
    label = forms.CharField(
        label=_("文书名称"), max_length=100, help_text=_("如：移送书回执、立案通知书、交接清单")
    )
    file = forms.FileField(
        label=_("文件"), help_text=_("PDF、Word（.docx）、Excel（.xlsx）或扫描图片（JPEG、PNG）")
    )
