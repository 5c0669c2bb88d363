"""JSON shapes of the complaints API (the field descriptions are the OpenAPI document)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from yaoan.common.api.paging import PageMeta
from yaoan.common.api.schemas import choices_text
from yaoan.complaints.enums import ComplaintStatus


class ActionOut(Schema):
    action: str = Field(description="操作代码，如 submit、close")
    label: str = Field(description="按钮文字")
    reason_required: bool = Field(description="是否须填写理由")


class ComplaintOut(Schema):
    id: int
    number: str = Field(description="受理编号")
    status: str = Field(description=choices_text("状态", ComplaintStatus))
    org_unit_id: int = Field(description="所属单位编号")
    created_at: dt.datetime = Field(description="创建时间（服务器时间）")
    actions: list[ActionOut] = Field(description="当前用户此时可执行的操作")


class ComplaintPage(PageMeta):
    results: list[ComplaintOut]


class ComplaintIn(Schema):
    title: str = Field(min_length=1, max_length=200, description="标题")


class ActionIn(Schema):
    reason: str = Field("", max_length=2000, description="理由（须填写理由的操作必填）")
