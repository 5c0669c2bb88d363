"""POST /api/draws/{id}/execute, mounted beside the draws API: executing a draw schedules
its visits, which is inspections' work (draws sits below inspections and cannot call it).
The route validates and delegates to inspections.scheduling.execute_draw."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from yaoan.common.api.schemas import WRITE_ERRORS
from yaoan.core.access import allowed_user
from yaoan.draws.api.schemas import DrawOut
from yaoan.draws.models import Draw
from yaoan.draws.rules import MANAGE_DRAWS
from yaoan.draws.views import visible_draw
from yaoan.inspections import scheduling

draw_router = Router(tags=["双随机抽取"])
ERRORS = WRITE_ERRORS


@draw_router.post(
    "/{draw_id}/execute",
    response={200: DrawOut, **ERRORS},
    summary="执行抽取（公布种子和结果，并安排检查）",
    description="公布种子和抽取结果，并按抽取的检查期限在工作日内为每个抽中对象安排一次双随机检查"
    "（同一事务：任何一次检查无法安排时，抽取不执行）。已抽取或已被取代的抽取返回 409；"
    "检查期限已过、或公示承诺值后抽中人员又登记了利害关系的，返回 422 且不执行，须重新抽取。",
)
def execute_draw(request: HttpRequest, draw_id: int) -> Draw:
    user = allowed_user(request, MANAGE_DRAWS)
    return scheduling.execute_draw(actor=user, draw=visible_draw(user, draw_id))
