"""Inspectors as the regulator keeps them: the profile a draw needs (badge number, home and
posted subdistricts), their qualifications (执法资格) and recorded conflicts of interest
(利害关系回避). Profiles and conflicts were the draws app's until the staff app took them
over with their tables (migrations 0001–0002)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from yaoan.core.models import Subdistrict, User
from yaoan.registry.enums import ProductClass
from yaoan.registry.models import Entity
from yaoan.staff.enums import ConflictKind, QualificationKind, QualificationStatus


class InspectorProfile(models.Model):
    """What a draw needs about an inspector. Nothing of it is published: the published
    document names an inspector by a per-draw pseudonymous code (docs/draws.md)."""

    user = models.OneToOneField(
        User, verbose_name=_("检查员"), on_delete=models.PROTECT, related_name="inspector_profile"
    )
    badge_number = models.CharField(
        _("执法证/检查员证号"),
        max_length=30,
        unique=True,
        help_text=_("仅工作人员可见；公开抽取结果中以每次抽取不同的代号表示检查人员"),
        error_messages={"unique": _("该证号已被其他检查员使用")},
    )
    home_subdistrict = models.ForeignKey(
        Subdistrict,
        verbose_name=_("居住地镇街"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    posted_subdistricts = models.ManyToManyField(
        Subdistrict, verbose_name=_("包片镇街"), blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("检查员档案")
        verbose_name_plural = _("检查员档案")
        ordering = ["badge_number"]

    def __str__(self) -> str:
        return self.badge_number


class Qualification(models.Model):
    """A certificate an inspector holds (执法资格). Never deleted: a renewal is a new row
    that replaces the old one (``renewal_of``), a revocation keeps the row with its reason."""

    holder = models.ForeignKey(
        User, verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="qualifications"
    )
    kind = models.CharField(
        _("证书类别"),
        max_length=20,
        choices=QualificationKind.choices,
        default=QualificationKind.ENFORCEMENT,
    )
    certificate_number = models.CharField(_("证书编号"), max_length=40)
    issuing_authority = models.CharField(_("发证机关"), max_length=100)
    valid_from = models.DateField(_("有效期自"))
    valid_until = models.DateField(_("有效期至"))
    # ProductClass values (registry.enums): the product classes the certificate covers
    product_classes = models.JSONField(_("适用产品类别"), default=list, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=QualificationStatus.choices,
        default=QualificationStatus.ACTIVE,
    )
    renewal_of = models.OneToOneField(
        "self",
        verbose_name=_("换发自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewed_as",
    )
    recorded_by = models.ForeignKey(
        User, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"))
    revoked_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("执法资格")
        verbose_name_plural = _("执法资格")
        ordering = ["holder", "kind", "-valid_until", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "certificate_number"],
                condition=models.Q(status="active"),
                name="staff_qualification_number_once",
                violation_error_message=_("该证书编号已登记"),
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="staff_qualification_dates",
                violation_error_message=_("有效期至不能早于有效期自"),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_until"], name="staff_qualification_expiry")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.certificate_number}"

    @property
    def product_class_labels(self) -> list[str]:
        labels = dict(ProductClass.choices)
        return [str(labels.get(code, code)) for code in self.product_classes]

    def is_current(self, on: dt.date) -> bool:
        return (
            self.status == QualificationStatus.ACTIVE and self.valid_from <= on <= self.valid_until
        )


class InspectorConflict(models.Model):
    """A recorded conflict of interest (回避事由). Removed only with a reason; the row stays."""

    inspector = models.ForeignKey(
        User, verbose_name=_("检查员"), on_delete=models.PROTECT, related_name="conflicts"
    )
    entity = models.ForeignKey(
        Entity, verbose_name=_("监管对象"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("回避事由"), max_length=20, choices=ConflictKind.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"))
    is_removed = models.BooleanField(_("已撤销"), default=False)
    removed_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    removed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("回避事由")
        verbose_name_plural = _("回避事由")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "entity"],
                condition=models.Q(is_removed=False),
                name="staff_conflict_once",
                violation_error_message=_("该检查员与该对象的回避事由已登记"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspector_id}↔{self.entity_id} {self.kind}"
