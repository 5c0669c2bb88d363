"""The discretion baseline (裁量基准), the assessment of one case, the penalties of a decision
(on the unit and 处罚到人), the credit rule and the 严重失信主体名单. Thin: the suggestion is
``cases.discretion``, every write ``cases.penalty_services``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yaoan.cases.discretion import FineRule, PersonRule, Provision
from yaoan.cases.penalty_enums import (
    Band,
    CreditCondition,
    Effect,
    FineBasis,
    ListingStatus,
    PenaltyKind,
    PenaltyTarget,
    PersonRole,
)
from yaoan.core.pii.fields import BlindIndexField, PersonalDataField
from yaoan.registry.enums import CreditClass, ProductClass

USER = settings.AUTH_USER_MODEL


def _amount(label: Any, **kwargs: Any) -> Any:
    return models.DecimalField(label, max_digits=14, decimal_places=2, **kwargs)


def _optional_amount(label: Any) -> Any:
    return _amount(label, null=True, blank=True)


class Violation(models.Model):
    """One row of the baseline: a violation type (one tier of a provision) with its legal
    basis, the penalty kinds and the fine's range."""

    code = models.CharField(_("编码"), max_length=60, unique=True)
    name = models.CharField(_("违法行为"), max_length=200)
    product_class = models.CharField(_("产品类别"), max_length=10, choices=ProductClass.choices)
    violated = models.CharField(_("违反条款"), max_length=200)
    basis = models.CharField(_("处罚依据"), max_length=200)
    kinds = models.JSONField(_("处罚种类"), default=list)
    fine_basis = models.CharField(
        _("罚款计算方式"), max_length=16, choices=FineBasis.choices, default=FineBasis.NONE
    )
    fine_minimum = _amount(_("罚款下限（元或倍数）"), default=Decimal(0))
    fine_maximum = _amount(_("罚款上限（元或倍数）"), default=Decimal(0))
    fine_floor = _amount(_("计算基数不足时按此计算（元）"), default=Decimal(0))
    small_below = _optional_amount(_("货值金额低于此数时按固定金额（元）"))
    small_minimum = _amount(_("固定金额下限（元）"), default=Decimal(0))
    small_maximum = _amount(_("固定金额上限（元）"), default=Decimal(0))
    # 处罚到人
    person_applies = models.BooleanField(_("处罚到人"), default=False)
    person_fine_basis = models.CharField(
        _("个人罚款计算方式"), max_length=16, choices=FineBasis.choices, default=FineBasis.NONE
    )
    person_fine_minimum = _amount(_("个人罚款下限（元或倍数）"), default=Decimal(0))
    person_fine_maximum = _amount(_("个人罚款上限（元或倍数）"), default=Decimal(0))
    ban_years = models.PositiveSmallIntegerField(_("从业禁止年限"), default=0)
    ban_for_life = models.BooleanField(_("终身从业禁止"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("裁量基准（违法行为）")
        verbose_name_plural = _("裁量基准（违法行为）")
        ordering = ["product_class", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.basis}）"

    def provision(self) -> Provision:
        """The row as the pure suggestion function reads it."""
        person = None
        if self.person_applies:
            person = PersonRule(
                FineRule(
                    self.person_fine_basis, self.person_fine_minimum, self.person_fine_maximum
                ),
                ban_years=self.ban_years,
                ban_for_life=self.ban_for_life,
            )
        fine = FineRule(
            self.fine_basis,
            self.fine_minimum,
            self.fine_maximum,
            floor=self.fine_floor,
            small_below=self.small_below,
            small_minimum=self.small_minimum,
            small_maximum=self.small_maximum,
        )
        return Provision(self.code, tuple(self.kinds), fine, person)


class Circumstance(models.Model):
    """A circumstance the officer may tick (从轻、减轻、从重、不予处罚、首违不罚); blank
    product class: it applies to every violation."""

    code = models.CharField(_("编码"), max_length=60, unique=True)
    name = models.CharField(_("情节"), max_length=300)
    effect = models.CharField(_("裁量效果"), max_length=16, choices=Effect.choices)
    basis = models.CharField(_("依据"), max_length=200)
    product_class = models.CharField(
        _("适用产品类别"), max_length=10, choices=ProductClass.choices, blank=True
    )
    is_active = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("裁量情节")
        verbose_name_plural = _("裁量情节")
        ordering = ["product_class", "effect", "code"]

    def __str__(self) -> str:
        return self.name


class Assessment(models.Model):
    """The discretion of one case: the violation, the ticked circumstances, the suggestion
    as it stood when assessed (the baseline may change later) and the officer's proposal;
    a proposal that departs from the suggestion carries its reason, shown at review."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="assessment", verbose_name=_("案件")
    )
    violation = models.ForeignKey(
        Violation, on_delete=models.PROTECT, related_name="+", verbose_name=_("违法行为")
    )
    circumstances = models.ManyToManyField(
        Circumstance, blank=True, related_name="+", verbose_name=_("裁量情节")
    )
    goods_value = _optional_amount(_("货值金额（元）"))
    illegal_income = _optional_amount(_("违法所得（元）"))
    # the suggestion
    band = models.CharField(_("建议裁量档次"), max_length=12, choices=Band.choices)
    suggested_kinds = models.JSONField(_("建议处罚种类"), default=list)
    suggested_fine = _optional_amount(_("建议罚款（元）"))
    legal_minimum = _optional_amount(_("法定罚款下限（元）"))
    legal_maximum = _optional_amount(_("法定罚款上限（元）"))
    band_minimum = _optional_amount(_("建议罚款幅度下限（元）"))
    band_maximum = _optional_amount(_("建议罚款幅度上限（元）"))
    notes = models.JSONField(_("裁量说明"), default=list)
    # the proposal (its penalties are Penalty rows)
    departs = models.BooleanField(_("偏离裁量建议"), default=False)
    departure_reason = models.TextField(_("偏离理由"), blank=True)
    assessed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("裁量人")
    )
    assessed_at = models.DateTimeField(_("裁量时间"))

    class Meta:
        verbose_name = _("处罚裁量")
        verbose_name_plural = _("处罚裁量")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.violation_id}"


class Penalty(models.Model):
    """One penalty of a case's proposal, fixed by the decision: on the unit, or 处罚到人 on
    a responsible person (name and ID number sealed), with its amount or term."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="penalties", verbose_name=_("案件")
    )
    target = models.CharField(_("处罚对象"), max_length=8, choices=PenaltyTarget.choices)
    kind = models.CharField(_("处罚种类"), max_length=20, choices=PenaltyKind.choices)
    amount = _optional_amount(_("金额（元）"))
    goods = models.CharField(_("没收物品"), max_length=300, blank=True)
    licence = models.ForeignKey(
        "registry.Licence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("许可证件"),
    )
    term_months = models.PositiveSmallIntegerField(_("期限（月）"), null=True, blank=True)
    for_life = models.BooleanField(_("终身"), default=False)
    person_name = PersonalDataField(_("姓名"), kind="name", max_length=50, blank=True)
    person_id_number = PersonalDataField(
        _("身份证件号码"), kind="id_number", max_length=30, blank=True
    )
    person_id_number_index = BlindIndexField(source="person_id_number")
    person_role = models.CharField(
        _("人员身份"), max_length=24, choices=PersonRole.choices, blank=True
    )
    # a ban's term, set when the decision is made
    starts_on = models.DateField(_("起始日期"), null=True, blank=True)
    ends_on = models.DateField(_("截止日期"), null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("处罚")
        verbose_name_plural = _("处罚")
        ordering = ["case_id", "target", "id"]
        indexes = [
            models.Index(fields=["kind", "ends_on"], name="cases_penalty_kind_ends"),
            models.Index(fields=["person_id_number_index"], name="cases_penalty_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_target_display()} {self.get_kind_display()}"


class CreditRule(models.Model):
    """The configurable credit rule: when a decision (or a listing) meets the condition,
    the business's credit class is lowered to at most ``credit_class``; never raised."""

    condition = models.CharField(_("条件"), max_length=20, choices=CreditCondition.choices)
    threshold = _optional_amount(_("金额门槛（元）"))
    credit_class = models.CharField(_("调整为不高于"), max_length=1, choices=CreditClass.choices)
    name = models.CharField(_("规则说明"), max_length=200)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("信用调整规则")
        verbose_name_plural = _("信用调整规则")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class DishonestyListing(models.Model):
    """A proposal to put a business on the 严重失信主体名单 for a case, its approval and,
    later, its credit repair (移出名单)."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="listings", verbose_name=_("案件")
    )
    entity = models.ForeignKey(
        "registry.Entity",
        on_delete=models.PROTECT,
        related_name="dishonesty_listings",
        verbose_name=_("失信主体"),
    )
    org_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("承办单位")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ListingStatus.choices, default=ListingStatus.PROPOSED
    )
    grounds = models.TextField(_("列入事由"))
    basis = models.CharField(_("列入依据"), max_length=200)
    proposed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("提出时间"))
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    listed_on = models.DateField(_("列入日期"), null=True, blank=True)
    # the credit class before the listing, given back (at best) on repair
    class_before = models.CharField(
        _("列入前信用分类"), max_length=1, choices=CreditClass.choices, blank=True
    )
    repaired_at = models.DateTimeField(_("信用修复时间"), null=True, blank=True)
    repair_reason = models.TextField(_("信用修复说明"), blank=True)

    class Meta:
        verbose_name = _("严重失信主体名单")
        verbose_name_plural = _("严重失信主体名单")
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["status", "listed_on"], name="cases_listing_status")]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.get_status_display()}"
