"""An enforcement case (行政处罚案件), its evidence (证据) and the goods sealed or seized
(查封扣押物品). Thin: rules live in rules.py and workflow.py, writes in services.py and
evidence_services.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yaoan.cases.enums import (
    CaseSource,
    CaseStatus,
    DecisionOutcome,
    DeliveryMethod,
    DisposalKind,
    EndReason,
    EvidenceKind,
    ExecutionMethod,
    Procedure,
    SeizureMeasure,
)
from yaoan.core.pii.fields import PersonalDataField
from yaoan.registry.enums import ProductClass

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

USER = settings.AUTH_USER_MODEL


def _person(label: _StrPromise) -> models.ForeignKey:
    return models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=label,
    )


class Case(models.Model):
    number = models.CharField(_("案件编号"), max_length=40, unique=True)
    procedure = models.CharField(
        _("程序"), max_length=10, choices=Procedure.choices, default=Procedure.ORDINARY
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.PENDING_FILING
    )
    title = models.CharField(_("案由"), max_length=200)
    product_class = models.CharField(_("产品类别"), max_length=10, choices=ProductClass.choices)
    # the party when it is a business in the registry; null for a person (or a business
    # not registered here), named in party_name either way
    entity = models.ForeignKey(
        "registry.Entity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("监管对象"),
    )
    # a business's name; for a natural person only the masked name (张*), the person's
    # own data sealed below (S10): lists, exports and publication never hold it in clear
    party_name = models.CharField(_("当事人"), max_length=200)
    party_is_person = models.BooleanField(_("当事人为自然人"), default=False)
    person_name = PersonalDataField(_("当事人姓名"), kind="name", max_length=50, blank=True)
    person_id_number = PersonalDataField(
        _("当事人身份证件号码"), kind="id_number", max_length=30, blank=True
    )
    person_address = PersonalDataField(_("当事人住址"), kind="text", max_length=200, blank=True)
    org_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("承办单位")
    )
    lead_officer = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("主办执法人员")
    )
    co_officer = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("协办执法人员")
    )
    clue = models.ForeignKey(
        "clues.Clue",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("线索"),
    )
    source = models.CharField(_("案件来源"), max_length=12, choices=CaseSource.choices)
    source_label = models.CharField(_("来源说明"), max_length=200, blank=True)
    facts = models.TextField(_("简要案情"))
    discovered_on = models.DateField(_("发现线索日期"))
    is_serious = models.BooleanField(_("重大复杂案件（须集体讨论）"), default=False)
    # 立案
    filed_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    filed_by = _person(_("立案批准人"))
    filing_note = models.TextField(_("立案审批意见"), blank=True)
    # 调查终结 and the reviews
    investigation_report = models.TextField(_("调查终结报告"), blank=True)
    proposed_action = models.TextField(_("处理建议"), blank=True)
    review_opinion = models.TextField(_("审核意见"), blank=True)
    reviewed_by = _person(_("审核人"))
    legal_opinion = models.TextField(_("法制审核意见"), blank=True)
    legal_reviewer = _person(_("法制审核人"))
    legal_reviewed_at = models.DateTimeField(_("法制审核时间"), null=True, blank=True)
    # 告知 and the party's answer
    notice_served_on = models.DateField(_("告知书送达日期"), null=True, blank=True)
    notice_delivery_method = models.CharField(
        _("告知书送达方式"), max_length=12, choices=DeliveryMethod.choices, blank=True
    )
    statement_due_on = models.DateField(_("陈述申辩期限"), null=True, blank=True)
    statement = models.TextField(_("陈述申辩意见"), blank=True)
    statement_waived = models.BooleanField(_("当事人明确放弃陈述申辩和听证"), default=False)
    hearing_requested_on = models.DateField(_("听证申请日期"), null=True, blank=True)
    hearing_held_on = models.DateField(_("听证日期"), null=True, blank=True)
    hearing_summary = models.TextField(_("听证情况"), blank=True)
    collective_discussed_on = models.DateField(_("集体讨论日期"), null=True, blank=True)
    collective_discussion = models.TextField(_("集体讨论意见"), blank=True)
    # 决定, 送达, 执行, 结案
    outcome = models.CharField(
        _("处理决定"), max_length=12, choices=DecisionOutcome.choices, blank=True
    )
    decision_summary = models.TextField(_("决定内容"), blank=True)
    # the decision's fines and confiscated illegal income in total (the penalties themselves,
    # per person, are recorded beside the case)
    fine_total = models.DecimalField(
        _("罚没款合计（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    execution_required = models.BooleanField(_("须执行"), default=False)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = _person(_("决定人"))
    delivered_on = models.DateField(_("决定书送达日期"), null=True, blank=True)
    delivery_method = models.CharField(
        _("决定书送达方式"), max_length=12, choices=DeliveryMethod.choices, blank=True
    )
    delivery_note = models.CharField(
        _("送达说明（送达回证、电子送达确认）"), max_length=300, blank=True
    )
    executed_on = models.DateField(_("执行完毕日期"), null=True, blank=True)
    execution_method = models.CharField(
        _("执行方式"), max_length=16, choices=ExecutionMethod.choices, blank=True
    )
    execution_note = models.TextField(_("执行情况"), blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closed_by = _person(_("结案批准人"))
    # 不予立案, 撤销立案, 终止, 移交
    end_reason = models.CharField(
        _("终结原因"), max_length=16, choices=EndReason.choices, blank=True
    )
    transferred_to = models.CharField(_("移交机关"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["org_unit", "status"], name="case_unit_status"),
            models.Index(fields=["status", "created_at"], name="case_status_created"),
            models.Index(fields=["lead_officer", "status"], name="case_lead_status"),
            models.Index(fields=["co_officer", "status"], name="case_co_status"),
            models.Index(fields=["-created_at", "-id"], name="case_created_order"),
            models.Index(fields=["decided_at"], name="case_decided"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(lead_officer=models.F("co_officer")),
                name="case_two_officers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return f"/cases/{self.pk}/"

    @property
    def is_simple(self) -> bool:
        return self.procedure == Procedure.SIMPLE


class Evidence(models.Model):
    """One item of the evidence list (证据清单); its file, when there is one, is a core
    Attachment with its SM3 digest. Never edited: a wrong item is withdrawn with a reason."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("案件")
    )
    kind = models.CharField(_("证据种类"), max_length=16, choices=EvidenceKind.choices)
    title = models.CharField(_("证据名称"), max_length=200)
    description = models.TextField(_("证明对象"), blank=True)
    collected_on = models.DateField(_("取证日期"))
    place = models.CharField(_("取证地点"), max_length=200, blank=True)
    attachment = models.OneToOneField(
        "core.Attachment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("文件"),
    )
    collected_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("取证人")
    )
    recorded_at = models.DateTimeField(_("登记时间"))
    withdrawn_reason = models.CharField(_("撤回原因"), max_length=300, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("证据")
        verbose_name_plural = _("证据")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    def get_absolute_url(self) -> str:
        return self.case.get_absolute_url()


class SeizedItem(models.Model):
    """Goods sealed or seized (查封、扣押, 行政强制法 第二十五条: at most 30 days, +30 with
    approval), where they are kept, and how they were disposed of later."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="seized_items", verbose_name=_("案件")
    )
    measure = models.CharField(_("措施"), max_length=8, choices=SeizureMeasure.choices)
    name = models.CharField(_("物品名称"), max_length=200)
    specification = models.CharField(_("规格、批号"), max_length=200, blank=True)
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=2)
    quantity_unit = models.CharField(_("单位"), max_length=20)
    location = models.CharField(_("存放地点"), max_length=200)
    seized_on = models.DateField(_("查封扣押日期"))
    until = models.DateField(_("查封扣押期限"))
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    disposal = models.CharField(
        _("处置方式"), max_length=12, choices=DisposalKind.choices, blank=True
    )
    disposed_on = models.DateField(_("处置日期"), null=True, blank=True)
    disposal_note = models.CharField(_("处置说明"), max_length=300, blank=True)
    disposed_by = _person(_("处置登记人"))

    class Meta:
        verbose_name = _("查封扣押物品")
        verbose_name_plural = _("查封扣押物品")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.get_measure_display()}：{self.name}"

    def get_absolute_url(self) -> str:
        return self.case.get_absolute_url()

    @property
    def disposed(self) -> bool:
        return bool(self.disposal)
