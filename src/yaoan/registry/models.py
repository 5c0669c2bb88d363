"""Regulated entities (监管对象), their licences and the products later modules need."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yaoan.common.validators import validate_approval_number, validate_uscc
from yaoan.core.models import Subdistrict, User
from yaoan.core.pii.fields import BlindIndexField, PersonalDataField
from yaoan.registry.enums import (
    CreditClass,
    DeviceClass,
    EntityStatus,
    EntityType,
    LicenceKind,
    LicenceStatus,
    MedicalLevel,
    ProductClass,
    RatingKind,
    RiskGrade,
    SpecialDrugKind,
)

# What a person fills in for an entity (form, import, API); ratings are set separately.
ENTITY_EDITABLE_FIELDS = (
    "name",
    "uscc",
    "entity_type",
    "medical_level",
    "device_class",
    "subdistrict",
    "address",
    "legal_representative",
    "quality_manager",
    "contact_phone",
    "status",
    "chain_headquarters",
    "handles_special_drugs",
    "in_volume_procurement",
    "offers_medical_beauty",
    "handles_cold_chain",
)


class Entity(models.Model):
    name = models.CharField(_("名称"), max_length=200)
    name_initials = models.CharField(_("拼音首字母"), max_length=200, db_index=True, editable=False)
    uscc = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        validators=[validate_uscc],
        error_messages={"unique": _("该统一社会信用代码已登记")},
    )
    entity_type = models.CharField(_("类型"), max_length=24, choices=EntityType.choices)
    medical_level = models.CharField(
        _("医疗机构级别"), max_length=2, blank=True, choices=MedicalLevel.choices
    )
    device_class = models.CharField(
        _("经营器械类别"), max_length=4, blank=True, choices=DeviceClass.choices
    )
    subdistrict = models.ForeignKey(
        Subdistrict, verbose_name=_("所在镇街"), on_delete=models.PROTECT, related_name="entities"
    )
    address = models.CharField(_("地址"), max_length=200)
    legal_representative = models.CharField(_("法定代表人/负责人"), max_length=50)
    quality_manager = models.CharField(_("质量负责人"), max_length=50, blank=True)
    contact_phone = PersonalDataField(_("联系电话"), kind="phone", max_length=20, blank=True)
    contact_phone_index = BlindIndexField(source="contact_phone")
    status = models.CharField(
        _("经营状态"), max_length=12, choices=EntityStatus.choices, default=EntityStatus.OPERATING
    )
    risk_grade = models.CharField(
        _("风险等级"),
        max_length=1,
        blank=True,
        choices=RiskGrade.choices,
        default=RiskGrade.UNGRADED,
    )
    credit_class = models.CharField(
        _("信用分类"),
        max_length=1,
        blank=True,
        choices=CreditClass.choices,
        default=CreditClass.UNRATED,
    )
    chain_headquarters = models.ForeignKey(
        "self",
        verbose_name=_("所属连锁总部"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chain_stores",
        limit_choices_to={"entity_type": EntityType.PHARMACY_CHAIN},
    )
    handles_special_drugs = models.BooleanField(_("经营/使用特殊药品"), default=False)
    in_volume_procurement = models.BooleanField(_("集采中选品种配送/使用"), default=False)
    offers_medical_beauty = models.BooleanField(_("开展医疗美容"), default=False)
    handles_cold_chain = models.BooleanField(_("经营/使用冷链药品"), default=False)
    is_deleted = models.BooleanField(_("已删除"), default=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("监管对象")
        verbose_name_plural = _("监管对象")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["subdistrict", "entity_type"], name="registry_entity_grid_type"),
            models.Index(fields=["entity_type", "name"], name="registry_entity_type_name"),
            models.Index(fields=["risk_grade"], name="registry_entity_risk"),
            models.Index(
                fields=["entity_type", "risk_grade", "subdistrict", "is_deleted"],
                name="registry_entity_type_risk",
            ),
            models.Index(fields=["credit_class"], name="registry_entity_credit"),
            # the list's default order: walk the index instead of sorting every row
            models.Index(fields=["name", "id"], name="registry_entity_name_id"),
            # counting the live entities (the list's total) reads this index, not the table
            models.Index(fields=["is_deleted", "subdistrict"], name="registry_entity_live_grid"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:entity_detail", args=[self.pk])


LICENCE_EDITABLE_FIELDS = (
    "kind",
    "number",
    "scope",
    "issued_on",
    "valid_from",
    "valid_until",
    "issuer",
    "status",
)


class SearchDocument(models.TextField):
    """The hidden column of an SQLite FTS5 table named like the table: ``__match`` on it
    is the table's MATCH operator."""


@SearchDocument.register_lookup
class Match(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class EntitySearchRow(models.Model):
    """A row of the SQLite FTS5 trigram index over the entities' names, pinyin initials
    and credit codes (migrations 0003, 0005), joined on the entity's id: a search then
    streams the index's matches into the entity rows (queries.entities_matching). The
    table exists on SQLite only; nothing else reads or writes it through Django."""

    entity = models.OneToOneField(
        Entity,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="search_row",
    )
    document = SearchDocument(db_column="registry_entity_search")

    class Meta:
        managed = False
        db_table = "registry_entity_search"

    def __str__(self) -> str:
        return str(self.pk)


class Licence(models.Model):
    entity = models.ForeignKey(
        Entity, verbose_name=_("持证主体"), on_delete=models.PROTECT, related_name="licences"
    )
    kind = models.CharField(_("证照类型"), max_length=32, choices=LicenceKind.choices)
    number = models.CharField(_("证号/备案号"), max_length=60)
    scope = models.TextField(_("经营/执业范围"), blank=True)
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(
        _("有效期至"), null=True, blank=True, help_text=_("备案类无有效期，留空")
    )
    issuer = models.CharField(_("发证机关"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=LicenceStatus.choices, default=LicenceStatus.VALID
    )

    class Meta:
        verbose_name = _("许可/备案")
        verbose_name_plural = _("许可/备案")
        ordering = ["valid_until", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="registry_licence_number"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=F("valid_from")),
                name="registry_licence_dates_order",
                violation_error_message=_("有效期截止日期必须晚于起始日期"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def clean(self) -> None:
        # a licence without an end date would never be warned about (90/30 days)
        if self.kind and self.kind not in LicenceKind.filings() and self.valid_until is None:
            raise ValidationError({"valid_until": _("许可证须填写有效期至（备案类除外）")})


class Product(models.Model):
    product_class = models.CharField(_("产品类别"), max_length=10, choices=ProductClass.choices)
    name = models.CharField(_("产品名称"), max_length=200)
    generic_name = models.CharField(_("通用名称"), max_length=200, blank=True)
    approval_number = models.CharField(
        _("药品批准文号"),
        max_length=30,
        blank=True,
        validators=[validate_approval_number],
        help_text=_("如 国药准字H20000001"),
    )
    registration_number = models.CharField(
        _("注册证号/备案编号"),
        max_length=60,
        blank=True,
        help_text=_("医疗器械注册证号、化妆品注册证或备案编号"),
    )
    udi_di = models.CharField(_("UDI-DI"), max_length=40, blank=True)
    product_identifier = models.CharField(
        _("药品追溯码标识码"), max_length=7, blank=True, help_text=_("20位药品追溯码的前7位")
    )
    holder = models.CharField(_("上市许可持有人/注册人"), max_length=200, blank=True)
    dosage_form = models.CharField(_("剂型/型号"), max_length=60, blank=True)
    specification = models.CharField(_("规格"), max_length=100, blank=True)
    special_drug_kind = models.CharField(
        _("特殊药品类别"), max_length=16, blank=True, choices=SpecialDrugKind.choices
    )
    is_prescription = models.BooleanField(_("处方药"), default=False)
    is_vaccine = models.BooleanField(_("疫苗"), default=False)
    is_cold_chain = models.BooleanField(_("冷链储运"), default=False)
    in_volume_procurement = models.BooleanField(_("集采中选"), default=False)
    is_for_children = models.BooleanField(_("儿童化妆品"), default=False)

    class Meta:
        verbose_name = _("产品")
        verbose_name_plural = _("产品")
        ordering = ["product_class", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["approval_number", "specification"],
                condition=~Q(approval_number=""),
                name="registry_product_approval",
            ),
            models.UniqueConstraint(
                fields=["udi_di"], condition=~Q(udi_di=""), name="registry_product_udi_di"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.specification}".strip()

    @property
    def identifier(self) -> str:
        return self.approval_number or self.registration_number or self.udi_di


class EntityRatingChange(models.Model):
    """Every change of an entity's risk grade or credit class, with who, when and why."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="rating_changes")
    kind = models.CharField(_("类别"), max_length=8, choices=RatingKind.choices)
    old_value = models.CharField(_("原等级"), max_length=1, blank=True)
    new_value = models.CharField(_("新等级"), max_length=1, blank=True)
    reason = models.TextField(_("原因"))
    source = models.CharField(_("来源"), max_length=30, default="manual")
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    changed_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("等级变更")
        verbose_name_plural = _("等级变更")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.kind} {self.old_value}→{self.new_value}"

    def value_label(self, value: str) -> str:
        choices = RiskGrade if self.kind == RatingKind.RISK else CreditClass
        return str(dict(choices.choices).get(value, value))
