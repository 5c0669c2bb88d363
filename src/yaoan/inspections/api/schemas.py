"""JSON shapes of the inspections API (the field descriptions are the OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from yaoan.common.api.paging import PageMeta
from yaoan.common.api.schemas import RowId, choices_text
from yaoan.common.api_fields import text_field
from yaoan.inspections.enums import InspectionKind, InspectionStatus, ItemResult
from yaoan.inspections.models import Inspection, ItemRecord, RectificationOrder

# a coordinate or an accuracy as the device reports it ("31.230416"); a one-time code
COORDINATE_MAX_LENGTH = 32
CODE_MAX_LENGTH = 16


class TeamMemberOut(Schema):
    user_id: int = Field(description="检查人员用户编号")
    name: str = Field(description="姓名")
    confirmed_at: dt.datetime | None = Field(description="确认时间（服务器时间）")
    confirmed_by_code: bool = Field(description="是否以动态口令确认（否为纸质记录补录）")


class ItemRecordOut(Schema):
    item_id: int = Field(description="检查项目编号")
    number: str = Field(description="检查表中的序号")
    result: str = Field(description=choices_text("结果", ItemResult))
    note: str = Field(description="说明")


class FindingOut(Schema):
    id: int
    item_number: str | None = Field(description="对应检查项目序号")
    description: str = Field(description="问题描述")
    severity: str = Field(description="缺陷等级：critical/major/minor")
    escalated: bool = Field(description="是否已移交线索或风险")


class InspectionOut(Schema):
    id: int
    number: str = Field(description="检查编号（提交后生成）")
    entity_id: int = Field(description="监管对象编号")
    entity_name: str = Field(description="监管对象名称")
    station_id: int = Field(description="所属市场监管所")
    kind: str = Field(description=choices_text("检查类型", InspectionKind))
    status: str = Field(description=choices_text("状态", InspectionStatus))
    scheduled_for: dt.date = Field(description="计划检查日期")
    checklist: str = Field(description="检查表")
    result: str = Field(description="检查结论：compliant/rectify/serious；未提交时为空")
    submitted_at: dt.datetime | None = Field(description="提交时间")
    publication_due: dt.date | None = Field(description="公示期限（双随机抽查）")
    published_at: dt.datetime | None = Field(description="公示时间")


class InspectionActionOut(Schema):
    """A transition this user may take now (the same as the page's buttons)."""

    action: str = Field(description="操作代码，如 start、submit、cancel")
    label: str = Field(description="按钮文字")
    reason_required: bool = Field(description="是否须填写理由")


class InspectionDetailOut(InspectionOut):
    summary: str = Field(description="检查情况")
    latitude: Decimal | None = Field(description="纬度")
    longitude: Decimal | None = Field(description="经度")
    team: list[TeamMemberOut] = Field(description="检查人员")
    records: list[ItemRecordOut] = Field(description="已填写的检查项目")
    findings: list[FindingOut] = Field(description="发现的问题")
    rectification_id: int | None = Field(description="整改通知编号")
    actions: list[InspectionActionOut] = Field(description="当前用户现在可执行的操作")


class InspectionPage(PageMeta):
    results: list[InspectionOut] = Field(description="本页的检查")


class ScheduleIn(Schema):
    entity_id: RowId = Field(description="监管对象编号")
    kind: str = text_field(
        Inspection,
        "kind",
        description="检查类型：planned/complaint/campaign/flying（双随机抽查只能由抽取产生）",
    )
    scheduled_for: dt.date = Field(description="计划检查日期")
    inspector_ids: list[RowId] = Field(description="检查人员用户编号，至少两名")
    reason: str = text_field(
        Inspection, "reason", "", description="检查事由（投诉举报核查和飞行检查必填）"
    )
    campaign: str = text_field(Inspection, "campaign", "", description="专项名称（专项检查必填）")


class RecordIn(Schema):
    item_id: RowId
    result: str = text_field(ItemRecord, "result", description=choices_text("结果", ItemResult))
    note: str = text_field(ItemRecord, "note", "")


class DraftIn(Schema):
    records: list[RecordIn] = Field(description="本次保存的检查项目（未列出的保持不变）")
    summary: str | None = text_field(Inspection, "summary", None, description="检查情况")
    latitude: str = Field("", max_length=COORDINATE_MAX_LENGTH, description="设备定位纬度")
    longitude: str = Field("", max_length=COORDINATE_MAX_LENGTH, description="设备定位经度")
    accuracy_m: str = Field("", max_length=COORDINATE_MAX_LENGTH, description="定位精度（米）")


class SubmitIn(Schema):
    co_inspector_id: RowId = Field(description="同行检查人员用户编号")
    co_code: str = Field(max_length=CODE_MAX_LENGTH, description="同行检查人员当前的 6 位动态口令")


class RectificationOut(Schema):
    id: int
    number: str = Field(description="责令改正通知书文号")
    inspection_id: int
    entity_id: int
    entity_name: str
    status: str = Field(description="状态：open/responded/closed")
    issued_on: dt.date
    deadline: dt.date | None = Field(description="整改期限（期限记录，按工作日计算）")
    deadline_provisional: bool = Field(description="期限是否为暂定（次年工作日历尚未载入）")
    overdue: bool = Field(description="是否逾期未整改")
    rounds: int = Field(description="整改轮次")
    response: str
    reinspection_note: str
    actions: list[InspectionActionOut] = Field(description="当前用户现在可执行的操作")


class RectificationPage(PageMeta):
    results: list[RectificationOut]


class ResponseIn(Schema):
    response: str = text_field(RectificationOrder, "response", description="企业整改情况")


class ReinspectionIn(Schema):
    passed: bool = Field(description="整改是否到位（到位则销号）")
    note: str = text_field(RectificationOrder, "reinspection_note", description="复查情况")
    new_deadline: dt.date | None = Field(
        None, description="整改不到位时必填其一：新的整改期限（不早于明天）"
    )
    working_days: int | None = Field(
        None, ge=1, le=120, description="整改不到位时必填其一：自今日起的整改工作日数"
    )


class CorrectionOut(Schema):
    corrected_on: dt.date = Field(description="更正日期")
    reason: str = Field(description="更正原因")


class PublicResultOut(Schema):
    entity_name: str = Field(description="被检查对象")
    uscc: str = Field(description="统一社会信用代码")
    inspected_on: dt.date = Field(description="检查日期")
    result: str = Field(description="检查结论")
    rectification: str = Field(description="整改情况：none/open/responded/closed")
    published_on: dt.date = Field(description="公示日期")
    corrections: list[CorrectionOut] = Field(
        description="公示后经批准的更正说明（日期和原因），按时间先后"
    )


class PublicResultPage(PageMeta):
    results: list[PublicResultOut]
