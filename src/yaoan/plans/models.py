"""Frequency rules, key-list rules, annual plans (versioned), their items and item history."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yaoan.plans.enums import (
    OPEN_STATUSES,
    RULE_CREDIT_CHOICES,
    RULE_RISK_CHOICES,
    ItemChangeKind,
    PlanStatus,
)
from yaoan.registry.enums import EntityType

MAX_VISITS = 52  # one a week: anything above is a typing error, not a plan

FREQUENCY_RULE_FIELDS = ("entity_type", "risk_grade", "credit_class", "min_visits", "source")
KEY_LIST_RULE_FIELDS = ("enabled", "min_visits", "parameters", "source")


class FrequencyRule(models.Model):
    """Minimum inspections a year for entity type × risk grade × credit class; a blank
    dimension matches any value (precedence: analytics.planning.frequency)."""

    entity_type = models.CharField(
        _("对象类型"), max_length=24, blank=True, choices=[("", _("任意")), *EntityType.choices]
    )
    risk_grade = models.CharField(
        _("风险等级"), max_length=4, blank=True, choices=RULE_RISK_CHOICES
    )
    credit_class = models.CharField(
        _("信用分类"), max_length=4, blank=True, choices=RULE_CREDIT_CHOICES
    )
    min_visits = models.PositiveSmallIntegerField(
        _("每年最少检查次数"), validators=[MaxValueValidator(MAX_VISITS)]
    )
    source = models.TextField(_("依据"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("检查频次规则")
        verbose_name_plural = _("检查频次规则")
        ordering = ["entity_type", "risk_grade", "credit_class", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entity_type", "risk_grade", "credit_class"],
                name="plans_frequency_rule_once",
                violation_error_message=_("相同条件的频次规则已存在"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.condition_label}：{self.min_visits}"

    @property
    def condition_label(self) -> str:
        return "·".join(
            [
                str(self.get_entity_type_display()) if self.entity_type else str(_("任意类型")),
                str(self.get_risk_grade_display()) if self.risk_grade else str(_("任意风险")),
                str(self.get_credit_class_display()) if self.credit_class else str(_("任意信用")),
            ]
        )


class KeyListRule(models.Model):
    """A rule that puts entities on the year's key list with a stated reason."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    label = models.CharField(_("名称"), max_length=100)
    enabled = models.BooleanField(_("启用"), default=True)
    parameters = models.JSONField(_("参数"), default=dict, blank=True)
    min_visits = models.PositiveSmallIntegerField(
        _("每年最少检查次数"), validators=[MinValueValidator(1), MaxValueValidator(MAX_VISITS)]
    )
    source = models.TextField(_("依据"))
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("重点清单规则")
        verbose_name_plural = _("重点清单规则")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label


class AnnualPlan(models.Model):
    """One version of a year's key inspection list (年度重点检查清单)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveSmallIntegerField(_("版本"))
    status = models.CharField(
        _("状态"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("修订自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisions",
    )
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    superseded_at = models.DateTimeField(_("替代时间"), null=True, blank=True)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    rules_snapshot = models.JSONField(_("生成时的规则"), default=dict, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("年度重点检查清单")
        verbose_name_plural = _("年度重点检查清单")
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="plans_plan_year_version"),
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(status__in=OPEN_STATUSES),
                name="plans_plan_one_open_version",
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(status=PlanStatus.APPROVED),
                name="plans_plan_one_approved",
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("%(year)s年度重点检查清单（第%(v)s版）") % {"year": self.year, "v": self.version}
        )

    def get_absolute_url(self) -> str:
        return reverse("plans:plan_detail", args=[self.pk])


class PlanItem(models.Model):
    """One entity on the list: how many visits, in which quarters, why, by which station."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="items")
    entity = models.ForeignKey(
        "registry.Entity", verbose_name=_("监管对象"), on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("负责所"), on_delete=models.PROTECT, related_name="+"
    )
    required_count = models.PositiveSmallIntegerField(
        _("检查次数"), validators=[MinValueValidator(1), MaxValueValidator(MAX_VISITS)]
    )
    q1 = models.PositiveSmallIntegerField(_("一季度"), default=0)
    q2 = models.PositiveSmallIntegerField(_("二季度"), default=0)
    q3 = models.PositiveSmallIntegerField(_("三季度"), default=0)
    q4 = models.PositiveSmallIntegerField(_("四季度"), default=0)
    reasons = models.JSONField(_("列入理由"), default=list)
    # ",vaccine_unit,special_drug," — filterable with a plain LIKE on every database
    reason_codes = models.CharField(max_length=400, blank=True)
    joint = models.BooleanField(_("联合检查"), default=False)
    frequency_rule_id = models.PositiveIntegerField(null=True, blank=True)
    edited_note = models.TextField(_("修改说明"), blank=True)

    class Meta:
        verbose_name = _("清单条目")
        verbose_name_plural = _("清单条目")
        ordering = ["station_id", "entity_id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "entity"], name="plans_item_entity_once"),
            models.CheckConstraint(
                condition=Q(
                    required_count=models.F("q1") + models.F("q2") + models.F("q3") + models.F("q4")
                ),
                name="plans_item_quarters_sum",
                violation_error_message=_("各季度次数之和须等于检查次数"),
            ),
        ]
        indexes = [models.Index(fields=["plan", "station"], name="plans_item_station")]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.entity_id}"

    @property
    def quarters(self) -> tuple[int, int, int, int]:
        return (self.q1, self.q2, self.q3, self.q4)


class PlanItemChange(models.Model):
    """Every manual change of an item, with its reason. Kept when a draft is regenerated
    (the item link is then cleared; entity and snapshots stay)."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.PROTECT, related_name="item_changes")
    # no database constraint: regenerating a draft deletes its items in one statement
    item = models.ForeignKey(
        PlanItem,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="changes",
    )
    entity = models.ForeignKey(
        "registry.Entity", verbose_name=_("监管对象"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("变更"), max_length=10, choices=ItemChangeKind.choices)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    reason = models.TextField(_("原因"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("清单条目变更")
        verbose_name_plural = _("清单条目变更")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.entity_id} {self.kind}"
