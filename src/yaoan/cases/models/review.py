"""案卷评查: a reviewer other than the case's officers scores a closed case's file against
the checklist (review_enums.CHECKLIST); a round groups the reviews of the yearly 回头看
(yeji 附件6: last year's ordinary-procedure cases) or of a routine review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yaoan.cases.review_enums import ReviewGrade, ReviewStatus, RoundKind


class ReviewRound(models.Model):
    kind = models.CharField(_("评查类型"), max_length=16, choices=RoundKind.choices)
    year = models.PositiveSmallIntegerField(_("评查年度"))
    title = models.CharField(_("名称"), max_length=100)
    # the organizer's unit; empty for a leader who belongs to none
    org_unit = models.ForeignKey(
        "core.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("组织单位"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评查批次")
        verbose_name_plural = _("评查批次")
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=Q(kind="lookback"), name="case_review_one_lookback"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:review_round", args=[self.pk])


class CaseReview(models.Model):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="reviews", verbose_name=_("案件")
    )
    round = models.ForeignKey(
        ReviewRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("评查批次"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_reviews",
        verbose_name=_("评查人"),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.ASSIGNED
    )
    score = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)
    grade = models.CharField(_("评定等次"), max_length=16, choices=ReviewGrade.choices, blank=True)
    vetoes = models.JSONField(_("否决项"), default=list, blank=True)
    findings = models.TextField(_("评查意见"), max_length=4000, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("分配时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("案卷评查")
        verbose_name_plural = _("案卷评查")
        constraints = [
            models.UniqueConstraint(fields=["round", "case"], name="case_review_once_per_round")
        ]
        indexes = [models.Index(fields=["reviewer", "status"], name="case_review_mine")]

    def __str__(self) -> str:
        return f"{self.case} · {self.reviewer}"

    def get_absolute_url(self) -> str:
        return reverse("cases:review_detail", args=[self.pk])


class CaseReviewScore(models.Model):
    """One checklist item of a submitted review; label and full marks are copied so a later
    change of the checklist leaves past reviews as they were scored."""

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="scores")
    item = models.CharField(_("评查项目"), max_length=32)
    label = models.CharField(_("项目名称"), max_length=50)
    full_marks = models.PositiveSmallIntegerField(_("满分"))
    points = models.PositiveSmallIntegerField(_("得分"))
    note = models.CharField(_("扣分理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("评查得分")
        verbose_name_plural = _("评查得分")
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="case_review_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.points}/{self.full_marks}"
