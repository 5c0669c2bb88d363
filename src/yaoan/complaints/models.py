"""A 投诉举报 (complaint or report), the reward rules of the district (举报奖励标准) and a
reward. Thin: rules live in rules.py and workflow.py, writes in services.py.

The complainant's or reporter's name, phone, ID number and address are personal data
(core.pii: sealed at rest, masked when shown, revealed with a reason); phone and ID number
have blind indexes so staff can find a person's earlier submissions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yaoan.complaints.enums import (
    Channel,
    ComplaintKind,
    ComplaintStatus,
    Evaluation,
    MediationOutcome,
    NotAcceptedReason,
    RewardStatus,
)
from yaoan.core.pii.fields import BlindIndexField, PersonalDataField
from yaoan.registry.enums import ProductClass

PROTECT = models.PROTECT


def _user(label: Any, **extra: Any) -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=PROTECT, related_name="+", verbose_name=label, **extra
    )


def _optional_user(label: Any) -> models.ForeignKey[Any, Any]:
    return _user(label, null=True, blank=True)


class Complaint(models.Model):
    # 受理编号: shown to the submitter and the public lookup; gap-free per year
    number = models.CharField(_("受理编号"), max_length=32, unique=True)
    # keyed digest (core.pii.crypto.keyed_digest) of the lookup code given once
    lookup_code_digest = models.CharField(_("查询码摘要"), max_length=64, blank=True)
    kind = models.CharField(_("类别"), max_length=10, choices=ComplaintKind.choices)
    channel = models.CharField(_("来源渠道"), max_length=16, choices=Channel.choices)
    external_number = models.CharField(_("转办单号"), max_length=64, blank=True)
    product_class = models.CharField(_("产品类别"), max_length=10, choices=ProductClass.choices)
    content = models.TextField(_("投诉举报内容"))
    subject_name = models.CharField(_("被投诉举报对象"), max_length=200, blank=True)
    subject_address = models.CharField(_("对象地址"), max_length=300, blank=True)
    # matched by a person from suggestions; null = unmatched, never guessed
    entity = models.ForeignKey(
        "registry.Entity",
        on_delete=PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("匹配的监管对象"),
    )
    # the station whose grid holds the entity, else the section (S9 scope of the record)
    org_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=PROTECT, related_name="+", verbose_name=_("承办单位")
    )
    assignee = _optional_user(_("承办人"))
    anonymous = models.BooleanField(_("匿名"), default=False)
    reporter_name = PersonalDataField(_("投诉举报人姓名"), kind="name", max_length=50, blank=True)
    reporter_phone = PersonalDataField(_("联系电话"), kind="phone", max_length=20, blank=True)
    reporter_phone_index = BlindIndexField(source="reporter_phone")
    reporter_id_number = PersonalDataField(
        _("身份证件号码"), kind="id_number", max_length=30, blank=True
    )
    reporter_id_number_index = BlindIndexField(source="reporter_id_number")
    reporter_address = PersonalDataField(_("联系地址"), kind="text", max_length=200, blank=True)
    received_at = models.DateTimeField(_("收到时间"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    # keyed digest of kind + content + subject + phone: the same submission twice is one
    content_digest = models.CharField(_("内容摘要"), max_length=64, unique=True)
    created_by = _user(_("登记人"))
    created_at = models.DateTimeField(_("登记时间"))

    # acceptance
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    not_accepted_reason = models.CharField(
        _("不予受理理由"), max_length=24, choices=NotAcceptedReason.choices, blank=True
    )
    not_accepted_note = models.TextField(_("不予受理说明"), blank=True)
    # transfer (首办负责制: the record stays with org_unit until transfer_to confirms)
    transfer_to = models.ForeignKey(
        "core.OrgUnit",
        on_delete=PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("转办至"),
    )
    transfer_note = models.TextField(_("转办说明"), blank=True)
    transferred_from = models.ForeignKey(
        "core.OrgUnit",
        on_delete=PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("转自"),
    )
    # verification
    findings = models.TextField(_("核查情况"), blank=True)
    violation_found = models.BooleanField(_("发现违法行为"), null=True, blank=True)
    verified_at = models.DateTimeField(_("核查完成时间"), null=True, blank=True)
    # mediation (complaints)
    mediation_outcome = models.CharField(
        _("调解结果"), max_length=12, choices=MediationOutcome.choices, blank=True
    )
    mediation_note = models.TextField(_("调解情况"), blank=True)
    mediated_at = models.DateTimeField(_("调解终结时间"), null=True, blank=True)
    # report → clue (intake item of kind "clue")
    clue_item = models.ForeignKey(
        "intake.IntakeItem",
        on_delete=PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("案件线索"),
    )
    # reply to the complainant / reporter: the text sent and when
    reply_text = models.TextField(_("答复内容"), blank=True)
    reply_channel = models.CharField(
        _("答复方式"), max_length=16, choices=Channel.choices, blank=True
    )
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    # the complainant's evaluation of the handling
    evaluation = models.CharField(_("评价"), max_length=12, choices=Evaluation.choices, blank=True)
    evaluation_comment = models.TextField(_("评价意见"), blank=True)
    evaluated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")
        ordering = ["-received_at", "-id"]
        indexes = [
            # the station's list (newest first), and its list by state
            models.Index(fields=["org_unit", "received_at"], name="complaint_unit_received"),
            models.Index(
                fields=["org_unit", "status", "received_at"], name="complaint_unit_status"
            ),
            models.Index(fields=["received_at"], name="complaint_received"),
            models.Index(fields=["reporter_phone_index"], name="complaint_phone_index"),
            models.Index(fields=["reporter_id_number_index"], name="complaint_id_index"),
            models.Index(fields=["entity", "received_at"], name="complaint_entity"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:complaint_detail", args=[self.pk])


class RewardRule(models.Model):
    """A grade of the district's reward measures (举报奖励办法): a share of the fines and
    confiscations, with a floor and a ceiling, or a fixed sum when there was no fine.
    Loaded with defaults by a migration; changed through services.set_reward_rule."""

    code = models.CharField(_("编码"), max_length=24, unique=True)
    label = models.CharField(_("奖励等级"), max_length=50)
    percent = models.DecimalField(_("奖励比例（%）"), max_digits=5, decimal_places=2)
    minimum = models.DecimalField(_("最低金额（元）"), max_digits=12, decimal_places=2)
    maximum = models.DecimalField(_("最高金额（元）"), max_digits=12, decimal_places=2)
    no_fine_amount = models.DecimalField(_("无罚没款时金额（元）"), max_digits=12, decimal_places=2)
    basis = models.CharField(_("依据"), max_length=300, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("举报奖励标准")
        verbose_name_plural = _("举报奖励标准")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label


class ComplaintReward(models.Model):
    """A reward for a report that led to a penalty: proposed by a handler, approved by a
    section chief (another person), paid, and told to the reporter through the lookup."""

    complaint = models.ForeignKey(
        Complaint, on_delete=PROTECT, related_name="rewards", verbose_name=_("举报")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=RewardStatus.choices, default=RewardStatus.PROPOSED
    )
    rule = models.ForeignKey(
        RewardRule, on_delete=PROTECT, related_name="+", verbose_name=_("奖励等级")
    )
    penalty_reference = models.CharField(_("处罚决定书文号"), max_length=100)
    fine_amount = models.DecimalField(_("罚没款金额（元）"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("奖励金额（元）"), max_digits=12, decimal_places=2)
    proposed_by = _user(_("申请人"))
    proposed_at = models.DateTimeField(_("申请时间"))
    decided_by = _optional_user(_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    payment_reference = models.CharField(_("发放凭证号"), max_length=100, blank=True)
    # what the reporter reads through the lookup code (no other person's data in it)
    notice_text = models.TextField(_("告知举报人内容"), blank=True)
    notified_at = models.DateTimeField(_("告知时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("举报奖励")
        verbose_name_plural = _("举报奖励")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=~models.Q(status=RewardStatus.REJECTED),
                name="complaint_one_live_reward",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint.number} {self.amount}"

    def get_absolute_url(self) -> str:
        return self.complaint.get_absolute_url()
