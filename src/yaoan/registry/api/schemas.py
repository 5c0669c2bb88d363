"""Request and response shapes of the registry API. Enumerations travel as their codes;
each field's description lists the codes with their Chinese labels."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict

from yaoan.common.api.paging import PageMeta
from yaoan.common.api.schemas import choices_text
from yaoan.common.api_fields import text_field
from yaoan.common.masking import mask_phone
from yaoan.registry.enums import (
    CreditClass,
    DeviceClass,
    EntityStatus,
    EntityType,
    ExpiryWindow,
    LicenceKind,
    LicenceStatus,
    MedicalLevel,
    ProductClass,
    RiskGrade,
    SpecialDrugKind,
)
from yaoan.registry.models import Entity, Licence
from yaoan.registry.queries import licence_warning


class SubdistrictRef(Schema):
    id: int = Field(description="镇街编号")
    code: str = Field(description="镇街区划代码")
    name: str = Field(description="镇街名称")


class StationRef(Schema):
    id: int = Field(description="市场监管所（单位）编号")
    name: str = Field(description="市场监管所名称")


class EntityOut(Schema):
    id: int = Field(description="监管对象编号")
    name: str = Field(description="名称")
    uscc: str = Field(description="统一社会信用代码（18位，GB 32100）")
    entity_type: EntityType = Field(description=choices_text("类型", EntityType))
    medical_level: MedicalLevel | None = Field(
        description=choices_text("医疗机构级别（仅医疗机构）", MedicalLevel)
    )
    device_class: DeviceClass | None = Field(
        description=choices_text("经营器械类别（仅器械经营企业）", DeviceClass)
    )
    subdistrict: SubdistrictRef = Field(description="所在镇街（网格）")
    station: StationRef = Field(description="负责该镇街的市场监管所")
    address: str = Field(description="地址")
    legal_representative: str = Field(description="法定代表人/负责人")
    quality_manager: str = Field(description="质量负责人")
    contact_phone: str = Field(description="联系电话（始终脱敏显示，如 138****1234）")
    status: EntityStatus = Field(description=choices_text("经营状态", EntityStatus))
    risk_grade: RiskGrade = Field(description=choices_text("风险等级", RiskGrade))
    credit_class: CreditClass = Field(description=choices_text("信用分类", CreditClass))
    chain_headquarters_id: int | None = Field(description="所属连锁总部的监管对象编号")
    handles_special_drugs: bool = Field(description="经营/使用特殊药品")
    in_volume_procurement: bool = Field(description="集采中选品种配送/使用")
    offers_medical_beauty: bool = Field(description="开展医疗美容")
    handles_cold_chain: bool = Field(description="经营/使用冷链药品")
    created_at: dt.datetime = Field(description="登记时间")
    updated_at: dt.datetime = Field(description="更新时间")

    @staticmethod
    def resolve_medical_level(obj: Entity) -> str | None:
        return obj.medical_level or None

    @staticmethod
    def resolve_device_class(obj: Entity) -> str | None:
        return obj.device_class or None

    @staticmethod
    def resolve_station(obj: Entity) -> Any:
        return obj.subdistrict.station

    @staticmethod
    def resolve_contact_phone(obj: Entity) -> str:
        return mask_phone(obj.contact_phone)


class EntityIn(Schema):
    """A new regulated entity, as the registration form takes it."""

    model_config = ConfigDict(use_enum_values=True)

    name: str = text_field(Entity, "name", min_length=1, description="名称")
    uscc: str = text_field(Entity, "uscc", description="统一社会信用代码（18位，含校验位）")
    entity_type: EntityType = Field(description=choices_text("类型", EntityType))
    medical_level: MedicalLevel | None = Field(
        None, description=choices_text("医疗机构级别（仅医疗机构）", MedicalLevel)
    )
    device_class: DeviceClass | None = Field(
        None, description=choices_text("经营器械类别（仅器械经营企业）", DeviceClass)
    )
    subdistrict: int = Field(description="所在镇街编号（须在本人管辖范围内）")
    address: str = text_field(Entity, "address", min_length=1, description="地址")
    legal_representative: str = text_field(
        Entity, "legal_representative", min_length=1, description="法定代表人/负责人"
    )
    quality_manager: str = text_field(Entity, "quality_manager", "", description="质量负责人")
    contact_phone: str = text_field(Entity, "contact_phone", "", description="联系电话")
    status: EntityStatus = Field(
        EntityStatus.OPERATING, description=choices_text("经营状态", EntityStatus)
    )
    chain_headquarters: int | None = Field(None, description="所属连锁总部的监管对象编号")
    handles_special_drugs: bool = Field(False, description="经营/使用特殊药品")
    in_volume_procurement: bool = Field(False, description="集采中选品种配送/使用")
    offers_medical_beauty: bool = Field(False, description="开展医疗美容")
    handles_cold_chain: bool = Field(False, description="经营/使用冷链药品")


class EntityPatch(Schema):
    """Changed fields only; an omitted field keeps its value. The reason is required (S17)."""

    model_config = ConfigDict(use_enum_values=True)

    reason: str = Field(min_length=1, max_length=200, description="修改原因（必填，记入审计）")
    name: str | None = text_field(Entity, "name", None, min_length=1, description="名称")
    uscc: str | None = text_field(Entity, "uscc", None, description="统一社会信用代码")
    entity_type: EntityType | None = Field(None, description=choices_text("类型", EntityType))
    medical_level: MedicalLevel | None = Field(
        None, description=choices_text("医疗机构级别", MedicalLevel)
    )
    device_class: DeviceClass | None = Field(
        None, description=choices_text("经营器械类别", DeviceClass)
    )
    subdistrict: int | None = Field(None, description="所在镇街编号（须在本人管辖范围内）")
    address: str | None = text_field(Entity, "address", None, min_length=1, description="地址")
    legal_representative: str | None = text_field(
        Entity, "legal_representative", None, min_length=1, description="法定代表人/负责人"
    )
    quality_manager: str | None = text_field(
        Entity, "quality_manager", None, description="质量负责人"
    )
    contact_phone: str | None = text_field(Entity, "contact_phone", None, description="联系电话")
    status: EntityStatus | None = Field(None, description=choices_text("经营状态", EntityStatus))
    chain_headquarters: int | None = Field(
        None, description="所属连锁总部的监管对象编号；传 null 表示解除"
    )
    handles_special_drugs: bool | None = Field(None, description="经营/使用特殊药品")
    in_volume_procurement: bool | None = Field(None, description="集采中选品种配送/使用")
    offers_medical_beauty: bool | None = Field(None, description="开展医疗美容")
    handles_cold_chain: bool | None = Field(None, description="经营/使用冷链药品")


class LicenceOut(Schema):
    id: int = Field(description="证照编号")
    entity_id: int = Field(description="持证主体（监管对象）编号")
    entity_name: str = Field(description="持证主体名称")
    kind: LicenceKind = Field(description=choices_text("证照类型", LicenceKind))
    number: str = Field(description="证号/备案号")
    scope: str = Field(description="经营/执业范围")
    issued_on: dt.date | None = Field(description="发证日期")
    valid_from: dt.date = Field(description="有效期起")
    valid_until: dt.date | None = Field(description="有效期至（备案类为 null）")
    issuer: str = Field(description="发证机关")
    status: LicenceStatus = Field(description=choices_text("状态", LicenceStatus))
    expiry_warning: ExpiryWindow | None = Field(
        description=choices_text("到期提示（无提示为 null）", ExpiryWindow)
    )

    @staticmethod
    def resolve_entity_name(obj: Licence) -> str:
        return obj.entity.name

    @staticmethod
    def resolve_expiry_warning(obj: Licence) -> str | None:
        return licence_warning(obj, timezone.localdate()) or None


class LicenceIn(Schema):
    model_config = ConfigDict(use_enum_values=True)

    kind: LicenceKind = Field(description=choices_text("证照类型", LicenceKind))
    number: str = text_field(Licence, "number", min_length=1, description="证号/备案号")
    scope: str = text_field(Licence, "scope", "", description="经营/执业范围")
    issued_on: dt.date | None = Field(None, description="发证日期（YYYY-MM-DD）")
    valid_from: dt.date = Field(description="有效期起（YYYY-MM-DD）")
    valid_until: dt.date | None = Field(
        None, description="有效期至（YYYY-MM-DD，须晚于有效期起；备案类留空）"
    )
    issuer: str = text_field(Licence, "issuer", "", description="发证机关")
    status: LicenceStatus = Field(
        LicenceStatus.VALID, description=choices_text("状态", LicenceStatus)
    )


class ProductOut(Schema):
    id: int = Field(description="产品编号")
    product_class: ProductClass = Field(description=choices_text("产品类别", ProductClass))
    name: str = Field(description="产品名称")
    generic_name: str = Field(description="通用名称")
    approval_number: str = Field(description="药品批准文号，如 国药准字H20000001")
    registration_number: str = Field(description="医疗器械注册证号、化妆品注册证或备案编号")
    udi_di: str = Field(description="UDI-DI")
    product_identifier: str = Field(description="药品追溯码标识码（20位追溯码的前7位）")
    identifier: str = Field(description="主要标识：批准文号、注册/备案编号或 UDI-DI")
    holder: str = Field(description="上市许可持有人/注册人")
    dosage_form: str = Field(description="剂型/型号")
    specification: str = Field(description="规格")
    special_drug_kind: SpecialDrugKind = Field(
        description=choices_text("特殊药品类别", SpecialDrugKind)
    )
    is_prescription: bool = Field(description="处方药")
    is_vaccine: bool = Field(description="疫苗")
    is_cold_chain: bool = Field(description="冷链储运")
    in_volume_procurement: bool = Field(description="集采中选")
    is_for_children: bool = Field(description="儿童化妆品")


class EntityPage(PageMeta):
    results: list[EntityOut] = Field(description="本页的监管对象")


class LicencePage(PageMeta):
    results: list[LicenceOut] = Field(description="本页的证照")


class ProductPage(PageMeta):
    results: list[ProductOut] = Field(description="本页的产品")
