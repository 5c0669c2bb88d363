"""Forms of the case pages: a case registered by hand or from a 移送立案 clue, one form per
step of the procedure, the records beside the steps (statement, collective discussion,
clock suspension and extension), evidence and seized items. They only convert input; the
rules (two officers, the statement period, the 30-day seizure limit …) are the services'."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yaoan.cases.enums import (
    CaseSource,
    DecisionOutcome,
    DeliveryMethod,
    DisposalKind,
    EndReason,
    EvidenceKind,
    ExecutionMethod,
    Procedure,
    SeizureMeasure,
    SuspensionKind,
)
from yaoan.core.models import OrgUnit, User
from yaoan.registry.enums import ProductClass

TEXTAREA = forms.Textarea(attrs={"rows": 4})
SHORT_TEXTAREA = forms.Textarea(attrs={"rows": 2})
DATE = forms.DateInput(attrs={"type": "date"})
# a case registered by hand names one of these; 线索移送立案 is the clue inbox's
HAND_SOURCES = [c for c in CaseSource.choices if c[0] != CaseSource.CLUE]


def _text(label: Any, *, required: bool = True, max_length: int = 8000, **kw: Any) -> Any:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=TEXTAREA, **kw
    )


def _money(label: Any, **kw: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, max_digits=14, decimal_places=2, min_value=Decimal("0"), **kw
    )


def _day(label: Any, *, required: bool = False, **kw: Any) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE, **kw)


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        unit = obj.org_unit.short_name or obj.org_unit.name if obj.org_unit else ""
        name = obj.display_name or obj.username
        return f"{name}（{unit}）" if unit else name


class OfficersForm(forms.Form):
    """The two officers of a case (主办, 协办): case officers whose scope covers it."""

    lead_officer = OfficerChoiceField(label=_("主办执法人员"), queryset=User.objects.none())
    co_officer = OfficerChoiceField(label=_("协办执法人员"), queryset=User.objects.none())

    def __init__(self, *args: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [u.pk for u in officers]
        for name in ("lead_officer", "co_officer"):
            self.fields[name].queryset = (  # type: ignore[attr-defined]
                User.objects.filter(pk__in=ids).select_related("org_unit").order_by("display_name")
            )


class CaseOpenForm(OfficersForm):
    """A case registered by hand (监督检查、抽检、移送 …): the party is a business of the
    registry (by its credit code) or named; the unit follows the business when not chosen."""

    procedure = forms.ChoiceField(
        label=_("适用程序"), choices=Procedure.choices, initial=Procedure.ORDINARY
    )
    title = forms.CharField(label=_("案由"), max_length=200)
    product_class = forms.ChoiceField(
        label=_("产品类别"), required=False, choices=[("", "—"), *ProductClass.choices]
    )
    entity_code = forms.CharField(
        label=_("当事人统一社会信用代码"),
        required=False,
        max_length=18,
        help_text=_("已登记的监管对象填写其代码；自然人或未登记的单位填写当事人名称"),
    )
    party_name = forms.CharField(label=_("当事人名称"), required=False, max_length=200)
    party_is_person = forms.BooleanField(label=_("当事人为自然人"), required=False)
    org_unit = forms.ModelChoiceField(
        label=_("承办单位"),
        required=False,
        queryset=OrgUnit.objects.none(),
        help_text=_("不选时为监管对象所在辖区的市场监管所"),
    )
    source = forms.ChoiceField(label=_("案件来源"), choices=HAND_SOURCES)
    source_label = forms.CharField(label=_("来源说明"), required=False, max_length=200)
    discovered_on = _day(_("发现线索日期"), help_text=_("立案期限自此日起算；不填为今天"))
    facts = _text(_("简要案情"))
    is_serious = forms.BooleanField(label=_("重大复杂案件（须集体讨论）"), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
        # the officers first and last keep the form in the order a person fills it in
        order = [n for n in self.fields if n not in ("lead_officer", "co_officer")]
        self.order_fields([*order[:-1], "lead_officer", "co_officer", order[-1]])


class OpenFromClueForm(OfficersForm):
    title = forms.CharField(
        label=_("案由"), required=False, max_length=200, help_text=_("不填时取线索内容")
    )
    product_class = forms.ChoiceField(
        label=_("产品类别"), required=False, choices=[("", "—"), *ProductClass.choices]
    )
    is_serious = forms.BooleanField(label=_("重大复杂案件（须集体讨论）"), required=False)


# --- one form per step --------------------------------------------------------------------


class NoteForm(forms.Form):
    note = _text(_("审批意见"), required=False, max_length=2000)


class ReasonForm(forms.Form):
    reason = _text(_("理由"), max_length=2000)


class EndForm(forms.Form):
    """不予立案, 撤销立案, 终止: the legal reason and the written one."""

    end_reason = forms.ChoiceField(label=_("原因"), choices=EndReason.choices)
    reason = _text(_("说明"), max_length=2000)


class TransferForm(forms.Form):
    to = forms.CharField(label=_("接收机关"), max_length=200)
    reason = _text(_("移交理由"), max_length=2000)


class SpotDecisionForm(forms.Form):
    summary = _text(_("当场处罚决定内容"), help_text=_("违法事实、依据、警告或罚款数额"))
    fine = _money(_("罚款（元）"), help_text=_("警告不填；对公民不超过200元，对单位不超过3000元"))


class FinishForm(forms.Form):
    report = _text(_("调查终结报告"), help_text=_("违法事实、证据、适用依据"))
    proposal = _text(_("处理建议"))


class OpinionForm(forms.Form):
    opinion = _text(_("审核意见"))


class LegalOpinionForm(forms.Form):
    opinion = _text(_("法制审核意见"))


class NoticeForm(forms.Form):
    served_on = _day(_("告知书送达日期"), help_text=_("陈述申辩期限自送达之日起5个工作日"))
    method = forms.ChoiceField(
        label=_("送达方式"), choices=DeliveryMethod.choices, initial=DeliveryMethod.DIRECT
    )


class HearingRequestForm(forms.Form):
    requested_on = _day(_("听证申请日期"))


class HearingForm(forms.Form):
    held_on = _day(_("听证日期"))
    summary = _text(_("听证情况"))


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("处理决定"), choices=DecisionOutcome.choices)
    summary = _text(_("决定内容"))
    fine_total = _money(_("罚没款合计（元）"))
    execution_required = forms.BooleanField(
        label=_("有须执行的内容（罚没款、没收等）"),
        required=False,
        initial=True,
        help_text=_("仅给予警告或不予行政处罚时不勾选"),
    )


class DeliveryForm(forms.Form):
    delivered_on = _day(_("送达日期"))
    method = forms.ChoiceField(
        label=_("送达方式"), choices=DeliveryMethod.choices, initial=DeliveryMethod.DIRECT
    )
    note = forms.CharField(
        label=_("送达说明"),
        required=False,
        max_length=300,
        help_text=_("送达回证编号、签收人或电子送达确认"),
    )


class ExecutionForm(forms.Form):
    method = forms.ChoiceField(label=_("执行方式"), choices=ExecutionMethod.choices)
    executed_on = _day(_("执行完毕日期"))
    note = _text(_("执行情况"), required=False)


# --- beside the steps -------------------------------------------------------------------


class StatementForm(forms.Form):
    statement = _text(_("陈述申辩意见"), required=False)
    waived = forms.BooleanField(label=_("当事人书面放弃陈述申辩和听证"), required=False)


class CollectiveForm(forms.Form):
    held_on = _day(_("集体讨论日期"))
    summary = _text(_("集体讨论意见"))


class SuspendForm(forms.Form):
    kind = forms.ChoiceField(label=_("中止计时事由"), choices=SuspensionKind.choices)
    reason = _text(_("说明"), max_length=500, help_text=_("如送检机构、检验报告编号"))
    start = _day(_("中止日"), help_text=_("不填为今天"))


class ResumeForm(forms.Form):
    end = _day(_("恢复计时日"), help_text=_("如检验报告送达之日；不填为今天"))


class ExtensionForm(forms.Form):
    reason = _text(
        _("申请理由"),
        max_length=2000,
        help_text=_("立案前延长15个工作日；立案后办案期限延长30日，须负责人批准"),
    )


class EvidenceForm(forms.Form):
    """On site from a phone: the file input offers the camera or the phone's files."""

    kind = forms.ChoiceField(label=_("证据种类"), choices=EvidenceKind.choices)
    title = forms.CharField(label=_("证据名称"), max_length=200)
    file = forms.FileField(
        label=_("文件"),
        required=False,
        help_text=_("照片（JPEG、PNG、WebP）或 PDF、Word、Excel 文件"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,.pdf,.docx,.xlsx"}),
    )
    collected_on = _day(_("取证日期"), help_text=_("不填为今天"))
    place = forms.CharField(label=_("取证地点"), required=False, max_length=200)
    description = _text(_("证明对象"), required=False, max_length=4000)


class WithdrawEvidenceForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=300)


class SeizedItemForm(forms.Form):
    measure = forms.ChoiceField(label=_("措施"), choices=SeizureMeasure.choices)
    name = forms.CharField(label=_("物品名称"), max_length=200)
    specification = forms.CharField(label=_("规格、批号"), required=False, max_length=200)
    quantity = forms.DecimalField(
        label=_("数量"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    quantity_unit = forms.CharField(label=_("计量单位"), max_length=20)
    location = forms.CharField(label=_("存放地点"), max_length=200)
    seized_on = _day(_("查封扣押日期"), help_text=_("不填为今天"))
    until = _day(_("查封扣押期限"), help_text=_("不超过30日；不填为30日"))


class DisposalForm(forms.Form):
    disposal = forms.ChoiceField(label=_("处置方式"), choices=DisposalKind.choices)
    disposed_on = _day(_("处置日期"))
    note = forms.CharField(label=_("处置说明"), required=False, max_length=300)
