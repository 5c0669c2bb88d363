"""JSON shapes of the transfer and supervision API (the descriptions are the OpenAPI
document)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from yaoan.cases.beyond_enums import (
    AdministrativePart,
    ReconsiderationChannel,
    SupervisionLevel,
    SupervisionStatus,
    TransferOutcome,
    TransferStatus,
)
from yaoan.common.api.paging import PageMeta
from yaoan.common.api.schemas import choices_text


class BeyondActionOut(Schema):
    action: str = Field(description="操作代码，如 approve、transfer、police_accept、lift")
    label: str = Field(description="按钮文字")
    reason_required: bool = Field(description="是否须填写理由")


class TransferOut(Schema):
    id: int
    case_id: int = Field(description="案件编号（内部）")
    case_number: str = Field(description="案件编号")
    number: str = Field(description="涉嫌犯罪案件移送书文号（移送后编号）")
    status: str = Field(description=choices_text("状态", TransferStatus))
    suspected_offence: str = Field(description="涉嫌罪名")
    administrative_part: str = Field(description=choices_text("行政案件处理", AdministrativePart))
    police_unit: str = Field(description="接受移送的公安机关")
    proposed_at: dt.datetime = Field(description="提出时间")
    transferred_on: dt.date | None = Field(description="移送日期")
    police_decided_on: dt.date | None = Field(description="公安机关决定日期")
    police_reference: str = Field(description="公安机关通知书文号")
    outcome: str = Field(description=choices_text("办结情况", TransferOutcome))
    clock_suspended: bool = Field(description="是否已中止案件办案期限")


class TransferDetailOut(TransferOut):
    facts: str = Field(description="涉嫌犯罪的事实")
    investigation_report: str = Field(description="涉嫌犯罪案件情况的调查报告")
    evidence_ids: list[int] = Field(description="移送证据清单（证据编号）")
    seized_item_ids: list[int] = Field(description="涉案物品清单（物品编号）")
    actions: list[BeyondActionOut] = Field(description="调用者当前可执行的操作")


class TransferPage(PageMeta):
    results: list[TransferOut]


class CriminalTransferIn(Schema):
    case_id: int = Field(description="案件编号（内部）")
    suspected_offence: str = Field(max_length=100, description="涉嫌罪名")
    facts: str = Field(max_length=4000, description="涉嫌犯罪的事实")
    investigation_report: str = Field(max_length=4000, description="调查报告")
    evidence_ids: list[int] = Field(max_length=500, description="移送证据清单：至少一项本案证据")
    seized_item_ids: list[int] = Field([], max_length=500, description="涉案物品清单")
    test_reports: str = Field("", max_length=4000, description="检验报告或鉴定结论")
    police_unit: str = Field(max_length=100, description="接受移送的公安机关")
    administrative_part: AdministrativePart = Field(description="行政案件继续办理或中止")


class TransferStepIn(Schema):
    """The fields of every step; each step reads the ones it needs."""

    reason: str = Field("", max_length=2000, description="理由或意见")
    on: dt.date | None = Field(None, description="日期（移送、公安决定、提请、移交）")
    reference: str = Field("", max_length=60, description="公安机关通知书文号")
    receipt_by: str = Field("", max_length=50, description="公安机关签收人")
    channel: ReconsiderationChannel | None = Field(None, description="复议或监督途径")
    outcome: TransferOutcome | None = Field(None, description="办结情况（移交后办结）")
    note: str = Field("", max_length=2000, description="移交情况")


class SupervisionOut(Schema):
    id: int
    case_id: int
    case_number: str = Field(description="案件编号")
    status: str = Field(description=choices_text("状态", SupervisionStatus))
    level: str = Field(description=choices_text("督办层级", SupervisionLevel))
    supervising_unit: str = Field(description="督办单位")
    reference: str = Field(description="督办文号")
    flagged_on: dt.date = Field(description="挂牌日期")
    due_on: dt.date = Field(description="办结期限")
    next_report_on: dt.date | None = Field(description="下次进展报告日期")


class SupervisionDetailOut(SupervisionOut):
    requirements: str = Field(description="督办要求")
    actions: list[BeyondActionOut] = Field(description="调用者当前可执行的操作")


class SupervisionPage(PageMeta):
    results: list[SupervisionOut]


class SupervisionIn(Schema):
    case_id: int
    level: SupervisionLevel = Field(description="督办层级")
    supervising_unit: str = Field(max_length=100, description="督办单位")
    reference: str = Field(max_length=60, description="督办文号")
    requirements: str = Field(max_length=4000, description="督办要求")
    flagged_on: dt.date = Field(description="挂牌日期")
    due_on: dt.date = Field(description="办结期限")
    report_every_days: int = Field(30, ge=0, le=90, description="进展报告间隔（日），0为只报办结")


class SupervisionStepIn(Schema):
    reason: str = Field("", max_length=2000, description="理由或意见")
    reported_on: dt.date | None = Field(None, description="报送日期（进展、办结报告）")
    content: str = Field("", max_length=4000, description="报告内容")
    due_on: dt.date | None = Field(None, description="新的办结期限（退回时）")
