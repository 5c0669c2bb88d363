"""Request and response shapes of the plans API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from yaoan.common.api.paging import PageMeta
from yaoan.common.api_fields import QueryText, Reason, text_field
from yaoan.core.transitions import allowed_actions
from yaoan.plans.enums import PlanAction, PlanStatus
from yaoan.plans.models import MAX_VISITS, FrequencyRule, KeyListRule
from yaoan.plans.services import PLAN_GUARDS
from yaoan.plans.workflow import PLAN

# a rule's parameters are a handful of named numbers and codes
MAX_PARAMETERS = 20


class FrequencyRuleOut(Schema):
    id: int
    entity_type: str = Field(description="对象类型代码；空字符串表示任意")
    risk_grade: str = Field(description="风险等级 A–D；none=未评级；空字符串表示任意")
    credit_class: str = Field(description="信用分类 A–D；none=未评定；空字符串表示任意")
    min_visits: int = Field(description="每年最少检查次数")
    source: str = Field(description="依据（文件原文出处）")
    updated_at: dt.datetime


class FrequencyRulePatch(Schema):
    min_visits: int | None = Field(None, ge=0, le=MAX_VISITS)
    source: str | None = text_field(FrequencyRule, "source", None)
    reason: Reason = Field(description="修改原因（必填，记入审计）")


class KeyListRuleOut(Schema):
    code: str
    label: str
    enabled: bool
    min_visits: int
    parameters: dict[str, Any]
    source: str
    connected: bool = Field(description="数据来源是否已接入")
    source_status: str = Field(description="数据来源说明")


class KeyListRulePatch(Schema):
    enabled: bool | None = None
    min_visits: int | None = Field(None, ge=1, le=MAX_VISITS)
    parameters: dict[QueryText, Any] | None = Field(None, max_length=MAX_PARAMETERS)
    source: str | None = text_field(KeyListRule, "source", None)
    reason: Reason = Field(description="修改原因（必填，记入审计）")


class GenerateIn(Schema):
    year: int = Field(ge=2000, le=2100, description="年度")
    note: str = Field(
        "", max_length=200, description="说明"
    )  # shorter than the column: a one-line note


class PlanReasonIn(Schema):
    reason: Reason = Field("", description="原因（退回时必填）")


class PlanOut(Schema):
    id: int
    year: int
    version: int
    status: PlanStatus
    document_number: str
    generated_at: dt.datetime
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    approved_by: str | None = None
    based_on_id: int | None
    note: str
    items: int = Field(0, description="本人管辖范围内的对象数")
    actions: list[str] = Field(
        default_factory=list,
        description="当前用户现在可执行的操作：submit=提交审批；approve=批准；return=退回修改",
    )

    @staticmethod
    def resolve_actions(obj: Any, context: Any) -> list[str]:
        user = context["request"].user
        allowed = allowed_actions(PLAN, obj, user, guards=PLAN_GUARDS)
        return [t.action for t in allowed if t.action != PlanAction.SUPERSEDE]

    @staticmethod
    def resolve_approved_by(obj: Any) -> str | None:
        user = obj.approved_by
        return (user.display_name or user.username) if user else None

    @staticmethod
    def resolve_items(obj: Any) -> int:
        return int(getattr(obj, "item_count", 0) or 0)


class ReasonOut(Schema):
    code: str
    text: str


class PlanItemOut(Schema):
    id: int
    entity_id: int
    entity_name: str
    entity_type: str
    station_id: int
    station: str
    required_count: int
    quarters: list[int] = Field(description="一至四季度的检查次数")
    reasons: list[ReasonOut]
    joint: bool
    edited_note: str

    @staticmethod
    def resolve_entity_name(obj: Any) -> str:
        return str(obj.entity.name)

    @staticmethod
    def resolve_entity_type(obj: Any) -> str:
        return str(obj.entity.entity_type)

    @staticmethod
    def resolve_station(obj: Any) -> str:
        return str(obj.station.short_name or obj.station.name)

    @staticmethod
    def resolve_quarters(obj: Any) -> list[int]:
        return list(obj.quarters)


class PlanItemPage(PageMeta):
    results: list[PlanItemOut]
