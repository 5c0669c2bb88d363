"""JSON shapes of the intake API (the field descriptions are the OpenAPI document)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from yaoan.common.api.paging import PageMeta
from yaoan.common.api.schemas import RowId, choices_text
from yaoan.intake.enums import IntakeKind, IntakeStatus, Urgency


class IntakeActionOut(Schema):
    action: str = Field(description="操作代码：reject/merge/keep")
    label: str = Field(description="按钮文字")
    reason_required: bool = Field(description="是否须填写理由")


class EvidenceOut(Schema):
    id: int
    name: str = Field(description="文件名或说明")
    content_type: str = Field(description="文件类型")
    size: int = Field(description="大小（字节）")
    sm3: str = Field(description="存储时的 SM3 摘要")
    url: str = Field(description="下载地址（按所属记录的查看权限提供）")


class IntakeItemOut(Schema):
    id: int
    kind: str = Field(description=choices_text("类别", IntakeKind))
    status: str = Field(description=choices_text("状态", IntakeStatus))
    urgency: str = Field(description=choices_text("紧急程度", Urgency))
    source_app: str = Field(description="来源模块，如 inspections")
    source_kind: str = Field(description="来源类型，如 finding")
    source_id: str = Field(description="来源记录编号")
    source_label: str = Field(description="来源说明")
    source_url: str = Field(description="来源记录的页面")
    entity_id: int | None = Field(description="监管对象编号")
    entity_name: str = Field(description="监管对象名称")
    org_unit_id: int | None = Field(description="所属单位（所）编号")
    summary: str = Field(description="情况摘要")
    submitted_at: dt.datetime = Field(description="移交时间（服务器时间）")
    actions: list[IntakeActionOut] = Field(description="当前用户此时可执行的操作")


class IntakeItemDetailOut(IntakeItemOut):
    product_id: int | None = Field(description="产品编号")
    batch: str = Field(description="批号")
    evidence: list[EvidenceOut] = Field(description="证据材料（仅列出本人可查看的）")
    taken_by_type: str = Field(description="接收记录类型，如 cases.case")
    taken_by_id: str = Field(description="接收记录编号")
    taken_by_label: str = Field(description="接收记录说明")
    taken_by_url: str = Field(description="接收记录的页面")
    merged_into_id: int | None = Field(description="合并到的事项编号")
    decision_reason: str = Field(description="处理说明（不予接收、合并、继续等待的理由）")
    decided_at: dt.datetime | None = Field(description="处理时间")


class IntakeItemPage(PageMeta):
    results: list[IntakeItemOut]


class IntakeReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=2000, description="理由")


class MergeIn(IntakeReasonIn):
    into_id: RowId = Field(description="合并到的事项编号")
