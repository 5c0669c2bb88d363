"""JSON shapes of the cases API (the field descriptions are the OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from yaoan.cases.enums import (
    CaseSource,
    CaseStatus,
    DecisionOutcome,
    DeliveryMethod,
    DisposalKind,
    EndReason,
    EvidenceKind,
    ExecutionMethod,
    Procedure,
    SeizureMeasure,
    SuspensionKind,
)
from yaoan.common.api.paging import PageMeta
from yaoan.common.api.schemas import choices_text
from yaoan.registry.enums import ProductClass


class CaseActionOut(Schema):
    action: str = Field(description="操作代码，如 approve_filing、serve_notice、decide")
    label: str = Field(description="按钮文字")
    reason_required: bool = Field(description="是否须填写理由")


class CaseEvidenceOut(Schema):
    id: int
    kind: str = Field(description=choices_text("证据种类", EvidenceKind))
    title: str = Field(description="证据名称")
    description: str = Field(description="证明对象")
    collected_on: dt.date = Field(description="取证日期")
    place: str = Field(description="取证地点")
    attachment_id: int | None = Field(description="文件编号")
    sm3: str | None = Field(description="文件的 SM3 摘要")
    withdrawn: bool = Field(description="是否已撤回")


class CaseSeizedItemOut(Schema):
    id: int
    measure: str = Field(description=choices_text("措施", SeizureMeasure))
    name: str = Field(description="物品名称")
    specification: str = Field(description="规格、批号")
    quantity: Decimal = Field(description="数量")
    quantity_unit: str = Field(description="单位")
    location: str = Field(description="存放地点")
    seized_on: dt.date = Field(description="查封扣押日期")
    until: dt.date = Field(description="查封扣押期限")
    disposal: str = Field(description=choices_text("处置方式", DisposalKind))
    disposed_on: dt.date | None = Field(description="处置日期")


class CaseClockOut(Schema):
    rule: str = Field(description="期限规则代码")
    label: str = Field(description="期限名称")
    state: str = Field(description="期限状态")
    started_on: dt.date = Field(description="起算日")
    due_on: dt.date = Field(description="到期日")
    suspended_days: int = Field(description="中止计时的天数（按规则单位）")
    provisional: bool = Field(description="是否暂定（节假日安排未公布）")


class CaseOut(Schema):
    id: int
    number: str = Field(description="案件编号")
    procedure: str = Field(description=choices_text("程序", Procedure))
    status: str = Field(description=choices_text("状态", CaseStatus))
    title: str = Field(description="案由")
    product_class: str = Field(description=choices_text("产品类别", ProductClass))
    entity_id: int | None = Field(description="监管对象编号（当事人为自然人时为空）")
    party_name: str = Field(description="当事人")
    org_unit_id: int = Field(description="承办单位编号")
    lead_officer_id: int = Field(description="主办执法人员编号")
    co_officer_id: int = Field(description="协办执法人员编号")
    clue_id: int | None = Field(description="线索编号")
    source: str = Field(description=choices_text("案件来源", CaseSource))
    is_serious: bool = Field(description="重大复杂案件")
    filed_at: dt.datetime | None = Field(description="立案时间")
    statement_due_on: dt.date | None = Field(description="陈述申辩期限")
    outcome: str = Field(description=choices_text("处理决定", DecisionOutcome))
    decided_at: dt.datetime | None = Field(description="决定时间")
    closed_at: dt.datetime | None = Field(description="结案时间")
    due_on: dt.date | None = Field(description="进行中的期限（最早的一个）")
    overdue: bool = Field(description="是否逾期")
    actions: list[CaseActionOut] = Field(description="当前用户此时可执行的操作")


class CaseDetailOut(CaseOut):
    facts: str = Field(description="简要案情")
    investigation_report: str = Field(description="调查终结报告")
    proposed_action: str = Field(description="处理建议")
    review_opinion: str = Field(description="审核意见")
    legal_opinion: str = Field(description="法制审核意见")
    decision_summary: str = Field(description="决定内容")
    clocks: list[CaseClockOut] = Field(description="办案期限")
    evidence: list[CaseEvidenceOut] = Field(description="证据清单")
    seized_items: list[CaseSeizedItemOut] = Field(description="查封扣押物品")


class CasePage(PageMeta):
    results: list[CaseOut]


class CaseIn(Schema):
    procedure: Procedure = Field(Procedure.ORDINARY, description="程序：ordinary 普通、simple 简易")
    title: str = Field(min_length=1, max_length=200, description="案由")
    facts: str = Field(min_length=1, max_length=8000, description="简要案情")
    source: CaseSource = Field(CaseSource.OTHER, description=choices_text("案件来源", CaseSource))
    source_label: str = Field("", max_length=200, description="来源说明")
    product_class: str = Field("", max_length=10, description="产品类别（默认按监管对象类型）")
    entity_id: int | None = Field(None, description="监管对象编号")
    party_name: str = Field("", max_length=200, description="当事人（未关联监管对象时必填）")
    party_is_person: bool = Field(
        False, description="当事人为自然人（姓名加密保存，列表中脱敏显示）"
    )
    person_id_number: str = Field("", max_length=30, description="当事人身份证件号码（自然人）")
    person_address: str = Field("", max_length=200, description="当事人住址（自然人）")
    org_unit_id: int | None = Field(None, description="承办单位编号（默认监管对象所在监管所）")
    lead_officer_id: int | None = Field(None, description="主办执法人员编号（默认本人）")
    co_officer_id: int = Field(description="协办执法人员编号")
    discovered_on: dt.date | None = Field(None, description="发现线索日期，默认今天")
    is_serious: bool = Field(False, description="重大复杂案件（须集体讨论）")


class CaseFromClueIn(Schema):
    co_officer_id: int = Field(description="协办执法人员编号")
    lead_officer_id: int | None = Field(None, description="主办执法人员编号（默认线索承办人）")
    title: str = Field("", max_length=200, description="案由（默认线索内容）")
    product_class: str = Field("", max_length=10, description="产品类别")
    is_serious: bool = Field(False, description="重大复杂案件")


class CaseStepIn(Schema):
    """The fields of every step; each step reads the ones it needs."""

    reason: str = Field(
        "", max_length=2000, description="理由（不予立案、退回、撤销、终止、移交、延期）"
    )
    note: str = Field("", max_length=2000, description="意见（立案、结案）")
    opinion: str = Field("", max_length=8000, description="审核或法制审核意见")
    report: str = Field("", max_length=8000, description="调查终结报告")
    proposal: str = Field("", max_length=8000, description="处理建议")
    summary: str = Field("", max_length=8000, description="决定内容、听证情况、集体讨论意见")
    statement: str = Field("", max_length=8000, description="陈述申辩意见")
    waived: bool = Field(False, description="当事人书面放弃陈述申辩和听证")
    end_reason: str = Field("", max_length=16, description=choices_text("终结原因", EndReason))
    to: str = Field("", max_length=200, description="接收机关（移交）")
    on: dt.date | None = Field(None, description="日期（送达、听证、执行等，默认今天）")
    method: str = Field(
        "",
        max_length=16,
        description=choices_text("送达方式", DeliveryMethod)
        + "；"
        + choices_text("执行方式", ExecutionMethod),
    )
    outcome: str = Field("", max_length=12, description=choices_text("处理决定", DecisionOutcome))
    fine: Decimal | None = Field(
        None, ge=0, max_digits=14, decimal_places=2, description="罚没款（元）"
    )
    execution_required: bool | None = Field(None, description="须执行（仅警告时为 false）")
    kind: str = Field("", max_length=16, description=choices_text("中止事由", SuspensionKind))


class CaseSeizedItemIn(Schema):
    measure: SeizureMeasure = Field(description="查封或扣押")
    name: str = Field(min_length=1, max_length=200, description="物品名称")
    specification: str = Field("", max_length=200, description="规格、批号")
    quantity: Decimal = Field(gt=0, max_digits=12, decimal_places=2, description="数量")
    quantity_unit: str = Field(min_length=1, max_length=20, description="单位")
    location: str = Field(min_length=1, max_length=200, description="存放地点")
    seized_on: dt.date | None = Field(None, description="查封扣押日期，默认今天")
    until: dt.date | None = Field(None, description="期限（不超过30日）")


class CaseDisposalIn(Schema):
    disposal: DisposalKind = Field(description=choices_text("处置方式", DisposalKind))
    note: str = Field("", max_length=300, description="处置说明")
    disposed_on: dt.date | None = Field(None, description="处置日期，默认今天")
