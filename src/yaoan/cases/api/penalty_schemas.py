"""JSON shapes of the discretion API: the suggestion, a case's assessment and penalties,
a person's penalty and the 严重失信主体名单 (schema names prefixed: components are global)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from yaoan.cases.penalty_enums import Band, ListingStatus, PenaltyKind, PenaltyTarget, PersonRole
from yaoan.common.api.paging import PageMeta
from yaoan.common.api.schemas import choices_text

Money = Decimal
Code = Annotated[str, Field(max_length=60)]


class PenaltySuggestionOut(Schema):
    band: str = Field(description=choices_text("建议裁量档次", Band))
    kinds: list[str] = Field(description="建议的单位处罚种类")
    legal_minimum: Decimal | None = Field(description="法定罚款下限（元）")
    legal_maximum: Decimal | None = Field(description="法定罚款上限（元）")
    band_minimum: Decimal | None = Field(description="建议罚款幅度下限（元）")
    band_maximum: Decimal | None = Field(description="建议罚款幅度上限（元）")
    fine: Decimal | None = Field(description="建议罚款（元）")
    notes: list[str] = Field(description="裁量说明")


class PenaltyRowOut(Schema):
    id: int
    target: str = Field(description=choices_text("处罚对象", PenaltyTarget))
    kind: str = Field(description=choices_text("处罚种类", PenaltyKind))
    amount: Decimal | None = Field(description="金额（元）")
    goods: str = Field(description="没收物品")
    licence_id: int | None = Field(description="许可证件")
    term_months: int | None = Field(description="期限（月）")
    for_life: bool = Field(description="终身")
    person_name: str = Field(description="姓名（已遮蔽）")
    person_role: str = Field(description=choices_text("人员身份", PersonRole))
    starts_on: dt.date | None = Field(description="起始日期")
    ends_on: dt.date | None = Field(description="截止日期")


class PenaltyAssessmentOut(Schema):
    violation: str | None = Field(description="违法行为编码（未裁量时为空）")
    circumstances: list[str] = Field(description="勾选的情节编码")
    goods_value: Decimal | None
    illegal_income: Decimal | None
    suggestion: PenaltySuggestionOut | None
    departs: bool = Field(description="是否偏离裁量建议")
    departure_reason: str = Field(description="偏离理由")
    penalties: list[PenaltyRowOut]


class PenaltyFactsIn(Schema):
    violation: str = Field(max_length=60, description="违法行为编码（裁量基准）")
    circumstances: list[Code] = Field(default=[], max_length=50, description="勾选的情节编码")
    goods_value: Money | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    illegal_income: Money | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)


class PenaltyAssessmentIn(PenaltyFactsIn):
    kinds: list[PenaltyKind] = Field(default=[], max_length=10, description="拟处罚种类（单位）")
    fine: Money | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    confiscated_income: Money | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    confiscated_goods: str = Field(default="", max_length=300)
    suspension_months: int | None = Field(default=None, ge=1, le=120)
    licence_id: int | None = None
    departure_reason: str = Field(default="", max_length=2000, description="偏离裁量建议的理由")


class PenaltyPersonIn(Schema):
    kind: PenaltyKind = Field(description="罚款、没收违法所得或限制从业")
    name: str = Field(max_length=50)
    id_number: str = Field(max_length=18, description="居民身份证号码")
    role: PersonRole
    amount: Money | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    term_months: int | None = Field(default=None, ge=1, le=1200)
    for_life: bool = False


class PenaltyListingActionOut(Schema):
    action: str
    label: str
    reason_required: bool


class PenaltyListingOut(Schema):
    id: int
    entity_id: int
    entity_name: str
    case_id: int
    case_number: str
    status: str = Field(description=choices_text("状态", ListingStatus))
    grounds: str
    basis: str
    proposed_at: dt.datetime
    listed_on: dt.date | None
    repaired_at: dt.datetime | None
    actions: list[PenaltyListingActionOut]


class PenaltyListingPage(PageMeta):
    results: list[PenaltyListingOut]


class PenaltyListingIn(Schema):
    grounds: str = Field(max_length=2000, description="列入事由")
    basis: str = Field(default="", max_length=200, description="列入依据")


class PenaltyReasonIn(Schema):
    reason: str = Field(default="", max_length=2000)
