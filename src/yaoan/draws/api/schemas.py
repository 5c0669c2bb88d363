"""Request and response shapes of the draws API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from yaoan.common.api.paging import PageMeta
from yaoan.common.api.schemas import RowId
from yaoan.common.api_fields import QueryText, Reason, text_field
from yaoan.core.transitions import allowed_actions
from yaoan.draws.enums import AvoidanceRule, DrawKind, DrawStatus, SelectionMode
from yaoan.draws.models import Draw
from yaoan.draws.services import DRAW_GUARDS
from yaoan.draws.specs import MAX_SELECTION_VALUE
from yaoan.draws.workflow import DRAW

# as many filters as the entity list has, with room to spare
MAX_POOL_FILTERS = 30


class DrawSummaryOut(Schema):
    """A row of the list: no seed (the list never loads it) and no result."""

    id: int = Field(description="抽取编号")
    title: str = Field(description="名称")
    kind: DrawKind = Field(description="类别：random=双随机抽查；joint=联合抽查")
    partner_unit_id: int | None = Field(description="联合检查成员单位编号")
    status: DrawStatus = Field(
        description="状态：committed=已公示承诺值；drawn=已抽取；superseded=已被取代"
    )
    pool_filters: dict[str, str] = Field(
        description="对象库筛选条件（与监管对象列表的查询参数相同）"
    )
    selection_mode: SelectionMode = Field(description="ratio=按比例（万分比）；count=按数量")
    selection_value: int = Field(description="按比例时为万分比（500 = 5%），按数量时为户数")
    inspectors_per_entity: int
    visits_from: dt.date | None = Field(description="检查期限（起）：抽中对象的检查安排在此期间")
    visits_until: dt.date | None = Field(description="检查期限（止）")
    avoid_grid: bool
    avoid_conflict: bool = Field(
        description="利害关系回避：依法始终适用（本规则可关闭时创建的旧抽取可能为 false）"
    )
    avoid_last_inspection: bool
    last_inspection_data: bool = Field(description="抽取时是否已有上次检查记录")
    pool_size: int
    inspector_pool_size: int
    sample_size: int
    commitment: str = Field(description="承诺值：SM3(规范化输入 ‖ 种子)")
    created_at: dt.datetime
    drawn_at: dt.datetime | None
    redraw_of_id: int | None
    redraw_reason: str
    verified_ok: bool | None = Field(
        description="抽取时（或工作人员最近一次重新复核时）记录的复核结果；未记录为 null"
    )
    verified_at: dt.datetime | None = Field(description="记录复核结果的时间")
    document_digest: str = Field(description="抽取时复核的公布文件（不含 meta）的 SM3 摘要")


class DrawOut(DrawSummaryOut):
    seed: str | None = Field(description="随机种子（抽取后公布）")

    @staticmethod
    def resolve_seed(obj: Any) -> str | None:
        return obj.seed if obj.drawn_at is not None else None


class AssignmentOut(Schema):
    rank: int
    entity_id: int
    entity_key: str = Field(description="统一社会信用代码")
    inspector_codes: list[str] = Field(
        description="检查人员在本次抽取中的代号（公布文件中的代号，每次抽取不同），按岗位顺序"
    )
    inspector_ids: list[int] = Field(description="检查人员用户编号（仅工作人员可见）")

    @staticmethod
    def resolve_inspector_ids(obj: Any) -> list[int]:
        return sorted(u.pk for u in obj.inspectors.all())


class DrawActionOut(Schema):
    action: str = Field(description="操作代码：execute=执行抽取；supersede=重新抽取")
    label: str = Field(description="按钮文字")
    reason_required: bool


class DrawDetailOut(DrawOut):
    assignments: list[AssignmentOut] = Field(description="抽取结果，按抽中顺序")
    actions: list[DrawActionOut] = Field(description="当前用户现在可执行的操作")

    @staticmethod
    def resolve_actions(obj: Any, context: Any) -> list[dict[str, Any]]:
        user = context["request"].user
        return [
            {"action": t.action, "label": str(t.label), "reason_required": t.reason_required}
            for t in allowed_actions(DRAW, obj, user, guards=DRAW_GUARDS)
        ]

    @staticmethod
    def resolve_assignments(obj: Any) -> list[Any]:
        return list(obj.assignments.order_by("rank").prefetch_related("inspectors"))


class DrawPage(PageMeta):
    results: list[DrawSummaryOut] = Field(description="本页的抽取")


class DrawIn(Schema):
    title: str = text_field(Draw, "title", min_length=1)
    kind: DrawKind = DrawKind.RANDOM
    partner_unit_id: RowId | None = Field(None, description="联合抽查的成员单位编号")
    pool_filters: dict[QueryText, QueryText] = Field(
        default_factory=dict,
        max_length=MAX_POOL_FILTERS,
        description="对象库筛选条件，键与 /api/registry/entities 的查询参数相同",
    )
    selection_mode: SelectionMode
    selection_value: int = Field(
        ge=1,
        le=MAX_SELECTION_VALUE,
        description="按比例时为万分比（1～10000，500 = 5%），按数量时为户数",
    )
    inspectors_per_entity: int = Field(2, ge=2, le=10)
    rules: list[AvoidanceRule] = Field(
        default_factory=lambda: list(AvoidanceRule),
        description="启用的可选回避规则（grid、last_inspection）；"
        "利害关系回避（conflict）依法始终适用，列出与否都不能关闭",
    )
    inspector_unit_ids: list[RowId] = Field(min_length=1, description="检查人员来源单位编号")
    visits_from: dt.date | None = Field(None, description="检查期限（起），不早于今日；默认今日")
    visits_until: dt.date | None = Field(
        None, description="检查期限（止），默认开始日期所在季度的最后一天"
    )


class RedrawIn(Schema):
    reason: Reason = Field(min_length=1)
    visits_from: dt.date | None = Field(None, description="新的检查期限（起）；不填则沿用原期限")
    visits_until: dt.date | None = Field(None, description="新的检查期限（止）")


class ProblemOut(Schema):
    code: str
    message: str
    detail: dict[str, Any]


class VerifyOut(Schema):
    ok: bool
    entities_checked: int
    problems: list[ProblemOut]
