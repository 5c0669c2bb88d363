"""JSON shapes of the clues API (the field descriptions are the OpenAPI document)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from yaoan.clues.enums import (
    ClosureReason,
    ClueSource,
    ClueStatus,
    FeedbackOutcome,
    TransferKind,
)
from yaoan.common.api.paging import PageMeta
from yaoan.common.api.schemas import choices_text


class ClueActionOut(Schema):
    action: str = Field(
        description="操作代码，如 assign、verify、close、file_case、transfer、feedback"
    )
    label: str = Field(description="按钮文字")
    reason_required: bool = Field(description="是否须填写理由")


class PushOut(Schema):
    reference: str = Field(description="推送编号")
    monitored_on: dt.date = Field(description="监测日期")
    platform: str = Field(description="交易平台")
    shop_name: str = Field(description="网店名称")
    shop_url: str = Field(description="网店或商品链接")
    product: str = Field(description="涉及产品")
    suspected_issue: str = Field(description="疑似违法违规情形")
    prompt_number: str = Field(description="工作提示单文号")
    feedback_outcome: str = Field(description=choices_text("办理结果", FeedbackOutcome))
    feedback: str = Field(description="反馈情况")


class ClueOut(Schema):
    id: int
    number: str = Field(description="线索编号")
    status: str = Field(description=choices_text("状态", ClueStatus))
    source: str = Field(description=choices_text("来源", ClueSource))
    source_label: str = Field(description="来源说明")
    entity_id: int | None = Field(description="监管对象编号（未匹配为空）")
    subject_name: str = Field(description="涉及对象")
    summary: str = Field(description="线索内容")
    received_on: dt.date = Field(description="收到日期")
    org_unit_id: int = Field(description="承办单位编号")
    assignee_id: int | None = Field(description="承办人编号")
    due_on: dt.date | None = Field(description="进行中的期限（最早的一个）")
    overdue: bool = Field(description="是否逾期")
    findings: str = Field(description="核查情况")
    violation_found: bool | None = Field(description="是否发现违法行为")
    closure_reason: str = Field(description=choices_text("办结原因", ClosureReason))
    transfer_kind: str = Field(description=choices_text("移送对象类别", TransferKind))
    transferred_to: str = Field(description="移送至")
    decision_note: str = Field(description="处理意见")
    push: PushOut | None = Field(description="网络监测推送（仅网络监测来源）")
    actions: list[ClueActionOut] = Field(description="当前用户此时可执行的操作")


class CluePage(PageMeta):
    results: list[ClueOut]


class ClueIn(Schema):
    source: ClueSource = Field(
        description="来源：agency 其他部门移送、district 外地区移送、higher 上级交办、other 其他"
    )
    source_label: str = Field(min_length=1, max_length=200, description="来源说明（如移送函文号）")
    summary: str = Field(min_length=1, max_length=4000, description="线索内容")
    received_on: dt.date | None = Field(None, description="收到日期，默认今天")
    entity_id: int | None = Field(None, description="监管对象编号")
    subject_name: str = Field(
        "", max_length=200, description="涉及对象名称（未关联监管对象时必填）"
    )
    org_unit_id: int | None = Field(
        None, description="承办单位编号（默认监管对象所在网格的监管所）"
    )


class PushIn(Schema):
    reference: str = Field(min_length=1, max_length=60, description="推送编号")
    monitored_on: dt.date = Field(description="监测日期")
    platform: str = Field(min_length=1, max_length=100, description="交易平台")
    shop_name: str = Field(min_length=1, max_length=200, description="网店名称")
    shop_url: str = Field("", max_length=300, description="网店或商品链接")
    product: str = Field(min_length=1, max_length=200, description="涉及产品")
    suspected_issue: str = Field(min_length=1, max_length=2000, description="疑似违法违规情形")
    entity_id: int | None = Field(None, description="监管对象编号")
    station_id: int | None = Field(None, description="承办所编号（未关联监管对象时必填）")


class FromIntakeIn(Schema):
    assignee_id: int | None = Field(None, description="同时分派的承办人编号（可选）")


class StepIn(Schema):
    """The fields of every step; each step reads the ones it needs."""

    reason: str = Field("", max_length=2000, description="理由（改派、退回、移送、延期申请）")
    assignee_id: int | None = Field(None, description="承办人编号（分派、改派）")
    findings: str = Field("", max_length=4000, description="核查情况（核查完毕）")
    violation_found: bool = Field(False, description="是否发现违法行为（核查完毕）")
    closure_reason: str = Field(
        "", max_length=20, description=choices_text("办结原因（办结）", ClosureReason)
    )
    note: str = Field("", max_length=2000, description="处理意见（办结、移送立案）")
    transfer_kind: str = Field(
        "", max_length=10, description=choices_text("移送对象类别（移送）", TransferKind)
    )
    transferred_to: str = Field("", max_length=200, description="接收机关（移送）")
    outcome: str = Field(
        "", max_length=16, description=choices_text("办理结果（反馈）", FeedbackOutcome)
    )
    feedback: str = Field("", max_length=4000, description="反馈情况（反馈）")
