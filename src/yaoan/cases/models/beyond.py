"""What goes beyond a single case: the transfer of a suspected crime to the police
(行刑衔接) with its materials, the police's answer and the regulator's follow-up; a case
put under supervision by a higher unit (挂牌督办) with its progress reports; and a case
taken up to the bureau (提级办理). Thin: rules live in beyond_rules.py and
beyond_workflow.py, writes in transfer_services.py and supervision_services.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yaoan.cases.beyond_enums import (
    AdministrativePart,
    MaterialKind,
    ReconsiderationChannel,
    ReportKind,
    SupervisionLevel,
    SupervisionStatus,
    TransferOutcome,
    TransferStatus,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

USER = settings.AUTH_USER_MODEL


def _user(label: _StrPromise, *, null: bool = True) -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=null,
        blank=null,
        related_name="+",
        verbose_name=label,
    )


class CriminalTransfer(models.Model):
    """One transfer of a case's suspected crime to the police (行政处罚法 第二十七条;
    国务院令第310号). The register of the district (移送案件报告制度) is these rows."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="criminal_transfers",
        verbose_name=_("案件"),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.PROPOSED
    )
    # 涉嫌罪名, e.g. 生产、销售、提供假药罪 (刑法 第一百四十一条)
    suspected_offence = models.CharField(_("涉嫌罪名"), max_length=100)
    facts = models.TextField(_("涉嫌犯罪的事实"))
    # 第六条（二）: the 专案组's 涉嫌犯罪案件情况的调查报告
    investigation_report = models.TextField(_("涉嫌犯罪案件情况的调查报告"))
    evidence = models.ManyToManyField(
        "cases.Evidence", related_name="criminal_transfers", verbose_name=_("移送证据清单")
    )
    seized_items = models.ManyToManyField(
        "cases.SeizedItem",
        blank=True,
        related_name="criminal_transfers",
        verbose_name=_("涉案物品清单"),
    )
    # 第六条（四）: the 检验报告或者鉴定结论 (hebei (一): 假劣药品检验和认定)
    test_reports = models.TextField(_("检验报告或鉴定结论"), blank=True)
    other_materials = models.TextField(_("其他有关材料"), blank=True)
    administrative_part = models.CharField(
        _("行政案件处理"), max_length=10, choices=AdministrativePart.choices
    )
    police_unit = models.CharField(_("接受移送的公安机关"), max_length=100)
    proposed_by = _user(_("提出人"), null=False)
    proposed_at = models.DateTimeField(_("提出时间"))
    decided_by = _user(_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    # 涉嫌犯罪案件移送书 文号, given when the case goes
    number = models.CharField(_("移送书文号"), max_length=40, blank=True)
    transferred_on = models.DateField(_("移送日期"), null=True, blank=True)
    transferred_by = _user(_("移送经办人"))
    receipt_by = models.CharField(_("公安机关签收人"), max_length=50, blank=True)
    police_decided_on = models.DateField(_("公安机关决定日期"), null=True, blank=True)
    # the 立案通知书 or 不予立案通知书 the police sent back
    police_reference = models.CharField(_("公安机关通知书文号"), max_length=60, blank=True)
    police_reason = models.TextField(_("公安机关不予立案理由"), blank=True)
    reconsideration_channel = models.CharField(
        _("复议或监督途径"), max_length=14, choices=ReconsiderationChannel.choices, blank=True
    )
    reconsideration_on = models.DateField(_("提请日期"), null=True, blank=True)
    handed_over_on = models.DateField(_("涉案物品移交日期"), null=True, blank=True)
    handover_note = models.TextField(_("移交情况"), blank=True)
    outcome = models.CharField(
        _("办结情况"), max_length=16, choices=TransferOutcome.choices, blank=True
    )
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    # the case's decision clock was suspended by this transfer (resumed when it ends)
    clock_suspended = models.BooleanField(_("已中止办案期限"), default=False)

    class Meta:
        verbose_name = _("涉嫌犯罪案件移送")
        verbose_name_plural = _("涉嫌犯罪案件移送")
        ordering = ["-proposed_at", "-id"]
        indexes = [
            models.Index(fields=["status", "proposed_at"], name="crimtransfer_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number or _('移送（待编号）')} {self.suspected_offence}"

    def get_absolute_url(self) -> str:
        return reverse("cases:transfer_detail", args=[self.pk])


class TransferMaterial(models.Model):
    """A named material the transfer carries (第六条), beyond the evidence rows."""

    transfer = models.ForeignKey(
        CriminalTransfer, on_delete=models.CASCADE, related_name="materials"
    )
    kind = models.CharField(_("材料类别"), max_length=10, choices=MaterialKind.choices)
    title = models.CharField(_("材料名称"), max_length=200)
    pages = models.PositiveIntegerField(_("页数"), default=0)

    class Meta:
        verbose_name = _("移送材料")
        verbose_name_plural = _("移送材料")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class TransferFollowUp(models.Model):
    """The regulator's follow-up of a transfer (yeji: 对移送公安机关查办的案件要持续跟进):
    what the police, the procuratorate or the court did, as the officer learned it."""

    transfer = models.ForeignKey(
        CriminalTransfer, on_delete=models.PROTECT, related_name="follow_ups"
    )
    happened_on = models.DateField(_("日期"))
    note = models.TextField(_("跟进情况"))
    recorded_by = _user(_("记录人"), null=False)
    recorded_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("移送跟进记录")
        verbose_name_plural = _("移送跟进记录")
        ordering = ["happened_on", "id"]

    def __str__(self) -> str:
        return f"{self.happened_on} {self.note[:20]}"


class CaseSupervision(models.Model):
    """挂牌督办: a higher unit names a case for supervision with a deadline for closing it
    and progress reports at an interval; the bureau records the notice and the reports."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="supervisions", verbose_name=_("案件")
    )
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=SupervisionStatus.choices,
        default=SupervisionStatus.ACTIVE,
    )
    level = models.CharField(_("督办层级"), max_length=10, choices=SupervisionLevel.choices)
    supervising_unit = models.CharField(_("督办单位"), max_length=100)
    reference = models.CharField(_("督办文号"), max_length=60)
    requirements = models.TextField(_("督办要求"))
    flagged_on = models.DateField(_("挂牌日期"))
    due_on = models.DateField(_("办结期限"))
    # days between progress reports; 0: only the final report
    report_every_days = models.PositiveSmallIntegerField(_("进展报告间隔（日）"), default=30)
    next_report_on = models.DateField(_("下次进展报告日期"), null=True, blank=True)
    registered_by = _user(_("登记人"), null=False)
    registered_at = models.DateTimeField(_("登记时间"))
    closed_by = _user(_("销号人"))
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("挂牌督办")
        verbose_name_plural = _("挂牌督办")
        ordering = ["-flagged_on", "-id"]
        indexes = [models.Index(fields=["status", "due_on"], name="casesupervision_status")]

    def __str__(self) -> str:
        return f"{self.reference} {self.supervising_unit}"

    def get_absolute_url(self) -> str:
        return reverse("cases:supervision_detail", args=[self.pk])


class SupervisionReport(models.Model):
    supervision = models.ForeignKey(
        CaseSupervision, on_delete=models.PROTECT, related_name="reports"
    )
    kind = models.CharField(_("报告类别"), max_length=10, choices=ReportKind.choices)
    reported_on = models.DateField(_("报送日期"))
    content = models.TextField(_("报告内容"))
    reported_by = _user(_("报送人"), null=False)
    reported_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("督办进展报告")
        verbose_name_plural = _("督办进展报告")
        ordering = ["reported_on", "id"]

    def __str__(self) -> str:
        return f"{self.reported_on} {self.get_kind_display()}"


class CaseEscalation(models.Model):
    """提级办理: a case taken from a station up to the bureau (its section or enforcement
    team); the case's unit and officers change and its clocks follow."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="escalations", verbose_name=_("案件")
    )
    from_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("原承办单位")
    )
    to_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("提级后承办单位")
    )
    reason = models.TextField(_("提级理由"))
    decided_by = _user(_("决定人"), null=False)
    decided_at = models.DateTimeField(_("决定时间"))

    class Meta:
        verbose_name = _("提级办理")
        verbose_name_plural = _("提级办理")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_unit} → {self.to_unit}"
