"""Response shapes of the staff API: inspectors with their profile, certificates and
conflicts of interest, as the staff pages show them."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from yaoan.common.api.paging import PageMeta
from yaoan.common.api.schemas import RowId
from yaoan.common.api_fields import QueryText
from yaoan.staff.enums import (
    ConflictKind,
    QualificationKind,
    QualificationState,
    QualificationStatus,
)


class StaffFilters(Schema):
    q: QueryText = Field("", description="姓名、账号或证号（包含）")
    unit_id: RowId | None = Field(None, description="单位编号")
    qualification: QualificationState | None = Field(
        None,
        description="执法证：current=有效；expiring=60 天内到期；expired=已失效（过期或撤销）；"
        "missing=未登记执法证",
    )


class ProfileOut(Schema):
    badge_number: str = Field(description="执法证/检查员证号（仅工作人员可见）")
    home_subdistrict_id: int | None = Field(description="居住地镇街编号")
    posted_subdistrict_ids: list[int] = Field(description="包片镇街编号")


class StaffOut(Schema):
    id: int = Field(description="用户编号")
    username: str = Field(description="账号")
    display_name: str = Field(description="姓名")
    org_unit_id: int | None = Field(description="单位编号")
    profile: ProfileOut | None = Field(description="检查员档案；未建档为 null（不能参加抽取）")
    qualification_state: QualificationState = Field(
        description="执法证状态：current、expiring、expired（不参加抽取）、missing"
    )
    certificate_valid_until: dt.date | None = Field(description="有效执法证的最晚到期日")


class QualificationOut(Schema):
    id: int = Field(description="证书记录编号")
    kind: QualificationKind = Field(
        description="类别：enforcement=行政执法证；drug_inspector=药品检查员资格；other=其他"
    )
    certificate_number: str = Field(description="证书编号")
    issuing_authority: str = Field(description="发证机关")
    valid_from: dt.date = Field(description="有效期自")
    valid_until: dt.date = Field(description="有效期至")
    product_classes: list[str] = Field(description="适用产品类别：drug、device、cosmetic")
    status: QualificationStatus = Field(
        description="状态：active=有效（过期与否见有效期）；renewed=已换证；revoked=已撤销"
    )
    renewal_of_id: int | None = Field(description="换发自哪条证书记录")
    revoked_reason: str = Field(description="撤销原因")


class ConflictOut(Schema):
    id: int = Field(description="回避事由编号")
    entity_id: int = Field(description="监管对象编号")
    entity_name: str = Field(description="监管对象名称")
    kind: ConflictKind = Field(
        description="事由：relative=近亲属关系；former_employer=曾在该单位任职；other=其他"
    )
    note: str = Field(description="说明")
    recorded_at: dt.datetime = Field(description="登记时间")
    is_removed: bool = Field(description="已撤销")
    removed_reason: str = Field(description="撤销原因")


class StaffDetailOut(StaffOut):
    qualifications: list[QualificationOut] = Field(description="全部证书记录（含已换证、已撤销）")
    conflicts: list[ConflictOut] = Field(description="本人管辖范围内可见的回避事由")


class StaffPage(PageMeta):
    results: list[StaffOut] = Field(description="本页的检查员")
