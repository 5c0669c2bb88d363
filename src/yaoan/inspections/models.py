"""Checklists, inspections with their item results, findings, photos and rectification
orders (escalated findings become intake items). Thin: rules live in services.py and workflow.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from yaoan.core.deadlines import current_deadline
from yaoan.core.models import Deadline
from yaoan.inspections.enums import (
    AmendmentStatus,
    InspectionKind,
    InspectionResult,
    InspectionStatus,
    ItemResult,
    RectificationStatus,
    Severity,
)
from yaoan.inspections.workflow import PUBLICATION_RULE, RECTIFICATION_RULE


class Checklist(models.Model):
    """A versioned checklist; inspections keep the version they were done with."""

    code = models.CharField(_("代码"), max_length=40)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    title = models.CharField(_("名称"), max_length=100)
    entity_types = models.JSONField(_("适用对象类型"), default=list)
    campaign = models.CharField(_("适用专项"), max_length=60, blank=True)
    basis = models.TextField(_("依据"), blank=True)
    is_current = models.BooleanField(_("现行版本"), default=True)

    class Meta:
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="checklist_code_version")
        ]
        ordering = ["code", "-version"]

    def __str__(self) -> str:
        return f"{self.title}（v{self.version}）"


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="items")
    number = models.CharField(_("序号"), max_length=10)
    position = models.PositiveSmallIntegerField(_("排序"))
    section = models.CharField(_("检查环节"), max_length=40)
    text = models.TextField(_("检查内容"))
    basis = models.CharField(_("法规依据"), max_length=200, blank=True)
    severity = models.CharField(
        _("不符合时的缺陷等级"), max_length=10, choices=Severity.choices, default=Severity.MINOR
    )

    class Meta:
        verbose_name = _("检查项目")
        verbose_name_plural = _("检查项目")
        ordering = ["checklist", "position"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "number"], name="checklist_item_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:30]}"


class Inspection(models.Model):
    number = models.CharField(_("检查编号"), max_length=40, blank=True)
    entity = models.ForeignKey(
        "registry.Entity", on_delete=models.PROTECT, related_name="inspections"
    )
    station = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="inspections", verbose_name=_("所")
    )
    kind = models.CharField(_("检查类型"), max_length=16, choices=InspectionKind.choices)
    campaign = models.CharField(_("专项名称"), max_length=60, blank=True)
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=InspectionStatus.choices,
        default=InspectionStatus.SCHEDULED,
    )
    scheduled_for = models.DateField(_("计划检查日期"))
    plan_year = models.PositiveSmallIntegerField(_("计划年度"), null=True, blank=True)
    draw = models.ForeignKey(
        "draws.Draw",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("抽取批次"),
    )
    joint_department = models.ForeignKey(
        "core.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="joint_inspections",
        verbose_name=_("联合检查部门"),
    )
    reason = models.TextField(_("检查事由"), blank=True)
    inspectors: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="InspectionInspector",
        related_name="inspections",
        verbose_name=_("检查人员"),
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    location_accuracy_m = models.PositiveIntegerField(_("定位精度（米）"), null=True, blank=True)
    located_at = models.DateTimeField(_("定位时间"), null=True, blank=True)
    summary = models.TextField(_("检查情况"), blank=True)
    result = models.CharField(
        _("检查结论"), max_length=10, choices=InspectionResult.choices, blank=True
    )
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("监督检查")
        verbose_name_plural = _("监督检查")
        ordering = ["-scheduled_for", "-id"]
        indexes = [
            models.Index(fields=["station", "status", "scheduled_for"], name="insp_station_status"),
            models.Index(fields=["entity", "status"], name="insp_entity_status"),
            models.Index(fields=["kind", "published_at"], name="insp_kind_published"),
        ]

    def __str__(self) -> str:
        return f"{self.number or _('检查')} {self.entity.name}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:inspection_detail", args=[self.pk])

    @cached_property
    def publication_deadline(self) -> Deadline | None:
        """The 一公开 deadline (core.Deadline), opened when a random inspection is submitted."""
        return current_deadline(self, PUBLICATION_RULE)

    @property
    def publication_due(self) -> dt.date | None:
        deadline = self.publication_deadline
        return deadline.due_on if deadline else None


class InspectionAmendment(models.Model):
    """A change to a submitted record with its reason (S17). A published result, or a
    defect's grade, changes only when a section chief other than the proposer approves;
    an approved change of a published result is shown on the public page as 更正说明."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="amendments")
    status = models.CharField(_("状态"), max_length=10, choices=AmendmentStatus.choices)
    reason = models.TextField(_("修改原因"))
    # {"summary": str, "notes": {item id: note}, "severities": {finding id: severity}}
    changes = models.JSONField(_("修改内容"))
    before = models.JSONField(_("原值"), default=dict)
    after = models.JSONField(_("新值"), default=dict)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("提出时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    public_notice = models.BooleanField(_("公示更正说明"), default=False)

    class Meta:
        verbose_name = _("检查记录更正")
        verbose_name_plural = _("检查记录更正")
        ordering = ["inspection", "proposed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection"],
                condition=models.Q(status="pending"),
                name="one_pending_amendment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}: {self.get_status_display()}"


class InspectionInspector(models.Model):
    """An inspector on the team; ``confirmed_at`` is set when they confirm the record."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="team")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by_code = models.BooleanField(_("以动态口令确认"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inspection", "inspector"], name="inspection_inspector")
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.inspector_id}"


class ItemRecord(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="records")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("结果"), max_length=16, choices=ItemResult.choices)
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="item_record_once")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.result}"


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.TextField(_("问题描述"))
    severity = models.CharField(_("缺陷等级"), max_length=10, choices=Severity.choices)
    created_at = models.DateTimeField(_("记录时间"))
    escalated = models.BooleanField(_("已移交"), default=False)

    class Meta:
        verbose_name = _("检查发现")
        verbose_name_plural = _("检查发现")
        ordering = ["inspection", "id"]

    def __str__(self) -> str:
        return self.description[:40]


class InspectionPhoto(models.Model):
    """An evidence photo: the file is a core attachment whose subject is the inspection
    (stored outside the web root, SM3 digest checked on read: S21); this row places it on
    the checklist item it shows."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="photos")
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attachment = models.OneToOneField(
        "core.Attachment", on_delete=models.PROTECT, related_name="inspection_photo"
    )

    class Meta:
        ordering = ["inspection", "id"]

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.attachment_id}"


class RectificationOrder(models.Model):
    number = models.CharField(_("责令改正通知书文号"), max_length=60, unique=True)
    inspection = models.OneToOneField(
        Inspection, on_delete=models.PROTECT, related_name="rectification"
    )
    entity = models.ForeignKey(
        "registry.Entity", on_delete=models.PROTECT, related_name="rectification_orders"
    )
    station = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状态"), max_length=12, choices=RectificationStatus.choices, default="open"
    )
    issued_on = models.DateField(_("下达日期"))
    response = models.TextField(_("企业整改情况"), blank=True)
    responded_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    reinspected_at = models.DateTimeField(_("复查时间"), null=True, blank=True)
    reinspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reinspection_note = models.TextField(_("复查情况"), blank=True)
    rounds = models.PositiveSmallIntegerField(_("整改轮次"), default=1)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("整改通知")
        verbose_name_plural = _("整改通知")
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["status", "issued_on"], name="rect_status_issued")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("inspections:rectification_detail", args=[self.pk])

    @cached_property
    def due(self) -> Deadline | None:
        """The current 整改期限 (core.Deadline of rule "rectification"): opened when the order
        is issued, met when it is closed, replaced on 重新限期整改."""
        return current_deadline(self, RECTIFICATION_RULE)

    @property
    def deadline(self) -> dt.date | None:
        """The due date, read-only (lists annotate it as ``due_on`` instead)."""
        due = self.due
        return due.due_on if due else None
