"""A 线索 (clue) from any source, and the online-sales monitoring push that arrived as one
(with its 工作提示单). Thin: rules live in rules.py and workflow.py, writes in services.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yaoan.clues.enums import (
    ClosureReason,
    ClueSource,
    ClueStatus,
    FeedbackOutcome,
    TransferKind,
)

USER = settings.AUTH_USER_MODEL


class Clue(models.Model):
    number = models.CharField(_("线索编号"), max_length=40, unique=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ClueStatus.choices, default=ClueStatus.NEW
    )
    source = models.CharField(_("来源"), max_length=12, choices=ClueSource.choices)
    # who handed it on: "闽药监移〔2026〕3号 区卫健委", an inspection, a complaint …
    source_label = models.CharField(_("来源说明"), max_length=200)
    source_url = models.CharField(_("来源链接"), max_length=300, blank=True)
    intake_item = models.OneToOneField(
        "intake.IntakeItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clue",
        verbose_name=_("移交事项"),
    )
    entity = models.ForeignKey(
        "registry.Entity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clues",
        verbose_name=_("监管对象"),
    )
    # the business as the source named it, when it is not (yet) in the registry
    subject_name = models.CharField(_("涉及对象"), max_length=200, blank=True)
    summary = models.TextField(_("线索内容"))
    received_on = models.DateField(_("收到日期"))
    # the station of the entity's grid, or a section for bureau-level matters (S9)
    org_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("承办单位")
    )
    assignee = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办人"),
    )
    assigned_at = models.DateTimeField(_("分派时间"), null=True, blank=True)
    findings = models.TextField(_("核查情况"), blank=True)
    violation_found = models.BooleanField(_("是否发现违法行为"), null=True, blank=True)
    verified_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("核查人"),
    )
    verified_at = models.DateTimeField(_("核查完毕时间"), null=True, blank=True)
    closure_reason = models.CharField(
        _("办结原因"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    transfer_kind = models.CharField(
        _("移送对象类别"), max_length=10, choices=TransferKind.choices, blank=True
    )
    transferred_to = models.CharField(_("移送至"), max_length=200, blank=True)
    decision_note = models.TextField(_("处理意见"), blank=True)
    decided_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("决定人"),
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("线索")
        verbose_name_plural = _("线索")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["org_unit", "status"], name="clue_unit_status"),
            models.Index(fields=["status", "received_on"], name="clue_status_received"),
            models.Index(fields=["assignee", "status"], name="clue_assignee_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("clues:clue_detail", args=[self.pk])

    @property
    def subject(self) -> str:
        return self.entity.name if self.entity_id and self.entity else self.subject_name


class OnlineSalesPush(models.Model):
    """A suspected violation found by online-sales monitoring (网络监测), pushed to the
    district as a record or a row of an .xlsx file; it becomes a clue and a 工作提示单
    sent to the station with a handling limit (yaohai 7)."""

    clue = models.OneToOneField(
        Clue, on_delete=models.PROTECT, related_name="push", verbose_name=_("线索")
    )
    # the monitoring platform's own reference; a push is registered once
    reference = models.CharField(_("推送编号"), max_length=60, unique=True)
    monitored_on = models.DateField(_("监测日期"))
    platform = models.CharField(_("交易平台"), max_length=100)
    shop_name = models.CharField(_("网店名称"), max_length=200)
    shop_url = models.CharField(_("网店或商品链接"), max_length=300, blank=True)
    product = models.CharField(_("涉及产品"), max_length=200)
    suspected_issue = models.TextField(_("疑似违法违规情形"))
    prompt_number = models.CharField(_("工作提示单文号"), max_length=40, blank=True)
    feedback_outcome = models.CharField(
        _("办理结果"), max_length=16, choices=FeedbackOutcome.choices, blank=True
    )
    feedback = models.TextField(_("反馈情况"), blank=True)
    feedback_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("反馈人"),
    )
    feedback_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("网络监测推送")
        verbose_name_plural = _("网络监测推送")
        ordering = ["-monitored_on", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.shop_name}"
