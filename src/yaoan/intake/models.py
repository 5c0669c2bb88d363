"""Intake items (a clue or a candidate risk handed on by any module, waiting for a case, a
complaint verification or a risk item to take it over) and entity events (what a module
reports about an entity for the planning key list). Thin: rules live in services.py and
workflow.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yaoan.intake.enums import EntityEventKind, IntakeKind, IntakeStatus, Urgency


class IntakeItem(models.Model):
    kind = models.CharField(_("类别"), max_length=8, choices=IntakeKind.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=IntakeStatus.choices, default=IntakeStatus.NEW
    )
    # where it came from: "inspections" / "finding" / "17", with a label and the page
    source_app = models.CharField(_("来源模块"), max_length=40)
    source_kind = models.CharField(_("来源类型"), max_length=40)
    source_id = models.CharField(_("来源编号"), max_length=64)
    source_label = models.CharField(_("来源"), max_length=200)
    source_url = models.CharField(_("来源链接"), max_length=300, blank=True)
    entity = models.ForeignKey(
        "registry.Entity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intake_items",
        verbose_name=_("监管对象"),
    )
    product = models.ForeignKey(
        "registry.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("产品"),
    )
    batch = models.CharField(_("批号"), max_length=60, blank=True)
    summary = models.TextField(_("情况摘要"))
    urgency = models.CharField(
        _("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    org_unit = models.ForeignKey(
        "core.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属单位"),
    )
    evidence: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "core.Attachment", blank=True, related_name="+", verbose_name=_("证据材料")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("移交时间"))
    # who took it over: "cases.case" / "12" / "闽药案〔2026〕3号" / its page
    taken_by_type = models.CharField(_("接收记录类型"), max_length=60, blank=True)
    taken_by_id = models.CharField(_("接收记录编号"), max_length=64, blank=True)
    taken_by_label = models.CharField(_("接收记录"), max_length=200, blank=True)
    taken_by_url = models.CharField(_("接收记录链接"), max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_items",
        verbose_name=_("合并到"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_reason = models.TextField(_("处理说明"), blank=True)

    class Meta:
        verbose_name = _("移交事项")
        verbose_name_plural = _("移交事项")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "kind", "submitted_at"], name="intake_status_kind"),
            models.Index(fields=["org_unit", "status"], name="intake_unit_status"),
            models.Index(fields=["source_app", "source_kind", "source_id"], name="intake_source"),
        ]
        constraints = [
            # one live hand-off of a source per kind; a rejected one may be handed on again
            models.UniqueConstraint(
                fields=["kind", "source_app", "source_kind", "source_id"],
                condition=~Q(status="rejected"),
                name="intake_once_per_source_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} {self.source_label}"

    def get_absolute_url(self) -> str:
        return reverse("intake:item_detail", args=[self.pk])


class EntityEvent(models.Model):
    """A fact a module reports about an entity for the planning key list: a failed sample,
    a complaint, a penalty decided. Reported once per source record (a report repeated
    is the same event); withdrawn, not deleted, when the source is revoked."""

    kind = models.CharField(_("类别"), max_length=16, choices=EntityEventKind.choices)
    entity = models.ForeignKey("registry.Entity", on_delete=models.PROTECT, related_name="events")
    occurred_on = models.DateField(_("发生日期"))
    source_app = models.CharField(_("来源模块"), max_length=40)
    source_kind = models.CharField(_("来源类型"), max_length=40)
    source_id = models.CharField(_("来源编号"), max_length=64)
    source_label = models.CharField(_("来源"), max_length=200)
    detail = models.CharField(_("说明"), max_length=200, blank=True)
    reported_at = models.DateTimeField(_("报送时间"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("撤回原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("监管对象事件")
        verbose_name_plural = _("监管对象事件")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["kind", "occurred_on"], name="intake_event_kind_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["source_app", "source_kind", "source_id", "kind"],
                name="intake_event_once_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on} {self.source_label}"
