"""JSON shapes of the complaints API (the field descriptions are the OpenAPI document).
Reporter data leaves only masked (张*, 139****5678); the full value is a reveal with a
reason (POST …/reveal), audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from yaoan.common.api.paging import PageMeta
from yaoan.common.api.schemas import RowId, choices_text
from yaoan.common.api_fields import Reason, Text, text_field
from yaoan.complaints.enums import (
    Channel,
    ComplaintKind,
    ComplaintStatus,
    Evaluation,
    MediationOutcome,
    NotAcceptedReason,
    RewardStatus,
)
from yaoan.complaints.models import Complaint, ComplaintReward
from yaoan.registry.enums import ProductClass


class ComplaintActionOut(Schema):
    action: str = Field(description="操作代码，如 accept、verify、reply；POST /{id}/{action}")
    label: str = Field(description="按钮文字")
    reason_required: bool = Field(description="是否须填写理由")


class DeadlineOut(Schema):
    rule: str = Field(description="期限规则代码")
    label: str = Field(description="期限名称")
    state: str = Field(description="期限状态")
    due_on: dt.date = Field(description="到期日")


class ComplaintOut(Schema):
    id: int
    number: str = Field(description="受理编号")
    kind: str = Field(description=choices_text("类别", ComplaintKind))
    channel: str = Field(description=choices_text("来源渠道", Channel))
    product_class: str = Field(description=choices_text("产品类别", ProductClass))
    status: str = Field(description=choices_text("状态", ComplaintStatus))
    subject_name: str = Field(description="被投诉举报对象（提交人所填）")
    entity_id: int | None = Field(description="匹配的监管对象编号（空为未匹配）")
    org_unit_id: int = Field(description="承办单位编号")
    anonymous: bool = Field(description="匿名")
    reporter_name: str = Field(description="投诉举报人姓名（脱敏）")
    reporter_phone: str = Field(description="联系电话（脱敏）")
    received_at: dt.datetime = Field(description="收到时间")
    actions: list[ComplaintActionOut] = Field(description="当前用户此时可执行的操作")


class RewardOut(Schema):
    id: int
    status: str = Field(description=choices_text("状态", RewardStatus))
    rule: str = Field(description="奖励等级代码")
    penalty_reference: str = Field(description="处罚决定书文号")
    fine_amount: Decimal = Field(description="罚没款金额（元）")
    amount: Decimal = Field(description="奖励金额（元）")
    paid_on: dt.date | None = Field(description="发放日期")
    actions: list[ComplaintActionOut] = Field(description="当前用户此时可执行的操作")


class ComplaintDetailOut(ComplaintOut):
    content: str = Field(description="投诉举报内容")
    subject_address: str = Field(description="对象地址")
    external_number: str = Field(description="转办单号")
    reporter_id_number: str = Field(description="身份证件号码（脱敏）")
    reporter_address: str = Field(description="联系地址（脱敏）")
    transfer_to_id: int | None = Field(description="转办至（待确认）")
    not_accepted_reason: str = Field(description="不予受理理由代码")
    findings: str = Field(description="核查情况")
    violation_found: bool | None = Field(description="发现违法行为")
    mediation_outcome: str = Field(description="调解结果")
    clue_item_id: int | None = Field(description="转成的案件线索（移交事项编号）")
    reply_text: str = Field(description="答复内容")
    replied_at: dt.datetime | None = Field(description="答复时间")
    evaluation: str = Field(description="评价")
    deadlines: list[DeadlineOut] = Field(description="期限")
    rewards: list[RewardOut] = Field(description="举报奖励")


class ComplaintPage(PageMeta):
    results: list[ComplaintOut]


class ComplaintIn(Schema):
    kind: ComplaintKind = Field(description=choices_text("类别", ComplaintKind))
    channel: Channel = Field(description=choices_text("来源渠道", Channel))
    product_class: ProductClass = Field(description=choices_text("产品类别", ProductClass))
    content: Text = Field(description="投诉举报内容")
    subject_name: str = text_field(Complaint, "subject_name", "", description="被投诉举报对象")
    subject_address: str = text_field(Complaint, "subject_address", "", description="对象地址")
    entity_id: RowId | None = Field(None, description="匹配的监管对象编号（不确定时留空）")
    org_unit_id: RowId | None = Field(None, description="承办单位（留空按对象所在网格分派）")
    anonymous: bool = Field(False, description="匿名（仅举报）")
    reporter_name: str = Field("", max_length=50, description="姓名")
    reporter_phone: str = Field("", max_length=20, description="联系电话")
    reporter_id_number: str = Field("", max_length=30, description="身份证件号码")
    reporter_address: str = Field("", max_length=200, description="联系地址")
    external_number: str = text_field(Complaint, "external_number", "", description="转办单号")


class ComplaintReceivedOut(ComplaintDetailOut):
    lookup_code: str = Field(description="查询码（只显示这一次，请转告投诉举报人）")


class NoteIn(Schema):
    note: Reason = Field("", description="说明")


class ComplaintReasonIn(Schema):
    reason: Reason = Field("", description="理由（须填写理由的操作必填）")


class NotAcceptIn(Schema):
    legal_reason: NotAcceptedReason = Field(description=choices_text("法定理由", NotAcceptedReason))
    reason: Reason = Field(description="说明（写入告知书）")


class TransferIn(Schema):
    to_unit_id: int = Field(description="接收单位编号")
    reason: Reason = Field(description="转办理由")


class VerifyIn(Schema):
    findings: Text = Field(description="核查情况")
    violation_found: bool = Field(description="是否发现违法行为")


class MediateIn(Schema):
    outcome: MediationOutcome = Field(description=choices_text("调解结果", MediationOutcome))
    note: Text = Field(description="调解情况")


class ComplaintClueIn(Schema):
    summary: Text = Field("", description="线索摘要（留空用核查情况）")


class ReplyIn(Schema):
    text: Text = Field(description="答复内容")
    channel: Channel = Field(description=choices_text("答复方式", Channel))


class EvaluateIn(Schema):
    evaluation: Evaluation = Field(description=choices_text("评价", Evaluation))
    comment: Text = Field("", description="评价意见")


class ExtensionIn(Schema):
    rule_code: str = Field(
        max_length=40, description="要延长的期限规则代码，如 report_verification"
    )
    reason: Reason = Field(description="延期理由")


class MatchIn(Schema):
    entity_id: RowId | None = Field(description="监管对象编号（空为取消匹配）")


class RevealIn(Schema):
    field: str = Field(max_length=40, description="reporter_name / reporter_phone / …")
    reason: Reason = Field(description="查看原因")


class RevealOut(Schema):
    field: str
    value: str


class RewardIn(Schema):
    rule_code: str = Field(max_length=24, description="奖励等级代码，如 grade1")
    penalty_reference: str = text_field(
        ComplaintReward, "penalty_reference", description="处罚决定书文号"
    )
    fine_amount: Decimal = Field(
        ge=0, max_digits=14, decimal_places=2, description="罚没款金额（元）"
    )
    reason: Reason = Field("", description="申请说明")


class PaymentIn(Schema):
    paid_on: dt.date = Field(description="发放日期")
    payment_reference: str = text_field(
        ComplaintReward, "payment_reference", description="发放凭证号"
    )
