"""Draws API (staff only): list, detail, commit, redraw, verify. Executing a draw also
schedules its visits, so its route (POST /api/draws/{id}/execute) is inspections'
(yaoan.inspections.api.draws). Routes validate
and delegate: reads through draws.queries (scoped, S9), writes through draws.services.
Paging is the registry's (``PageParams``, ``{count, page, page_size, results}``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from yaoan.common.api.paging import PageParams, page_of
from yaoan.common.api.schemas import WRITE_ERRORS
from yaoan.common.errors import INVALID, invalid
from yaoan.core.access import allowed_user
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit
from yaoan.draws import services
from yaoan.draws.api.schemas import (
    DrawDetailOut,
    DrawIn,
    DrawOut,
    DrawPage,
    RedrawIn,
    VerifyOut,
)
from yaoan.draws.forms import INSPECTOR_UNIT_KINDS
from yaoan.draws.messages import describe_problem
from yaoan.draws.models import Draw
from yaoan.draws.queries import LIST_DEFERRED, draws_visible_to, verify_draw
from yaoan.draws.rules import MANAGE_DRAWS, READ_DRAWS
from yaoan.draws.specs import DrawSpec
from yaoan.draws.views import visible_draw

router = Router(tags=["双随机抽取"])
ERRORS = WRITE_ERRORS


def _units(ids: list[int], kinds: tuple[str, ...], field: str) -> list[OrgUnit]:
    units = list(OrgUnit.objects.filter(pk__in=ids, kind__in=kinds))
    if len(units) != len(set(ids)):
        raise invalid(INVALID, _("单位不存在或类别不符。"), field=field)
    return units


@router.get(
    "/",
    response={200: DrawPage, **ERRORS},
    summary="抽取列表",
    description="仅返回本人管辖范围内的抽取；种子和抽取结果见抽取详情。",
)
def list_draws(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    return page_of(
        draws_visible_to(allowed_user(request, READ_DRAWS)).defer(*LIST_DEFERRED), paging
    )


@router.get("/{draw_id}", response={200: DrawDetailOut, **ERRORS}, summary="抽取详情（含抽取结果）")
def get_draw(request: HttpRequest, draw_id: int) -> Draw:
    return visible_draw(allowed_user(request, READ_DRAWS), draw_id)


@router.post(
    "/",
    response={201: DrawOut, **ERRORS},
    summary="发起抽取（冻结对象库并公示承诺值）",
    description="对象库为空、回避后检查人员不足等情况返回 422 及原因，不创建任何记录。",
)
def commit_draw(request: HttpRequest, payload: DrawIn) -> Status[Draw]:
    user = allowed_user(request, MANAGE_DRAWS)
    partner = None
    if payload.partner_unit_id is not None:
        partner = _units(
            [payload.partner_unit_id], (OrgUnitKind.MEMBER_DEPARTMENT,), "partner_unit_id"
        )[0]
    spec = DrawSpec(
        title=payload.title,
        kind=payload.kind,
        selection_mode=payload.selection_mode,
        selection_value=payload.selection_value,
        inspector_units=_units(
            payload.inspector_unit_ids, INSPECTOR_UNIT_KINDS, "inspector_unit_ids"
        ),
        pool_filters=dict(payload.pool_filters),
        inspectors_per_entity=payload.inspectors_per_entity,
        partner_unit=partner,
        rules=frozenset(str(r) for r in payload.rules),
        visits_from=payload.visits_from,
        visits_until=payload.visits_until,
    )
    return Status(201, services.commit_draw(actor=user, spec=spec))


@router.post(
    "/{draw_id}/redraw",
    response={201: DrawOut, **ERRORS},
    summary="重新抽取（原抽取保留并标记为已取代）",
    description="已被取代的抽取不能再重新抽取，返回 409。",
)
def redraw(request: HttpRequest, draw_id: int, payload: RedrawIn) -> Status[Draw]:
    user = allowed_user(request, MANAGE_DRAWS)
    new = services.redraw(
        actor=user,
        draw=visible_draw(user, draw_id),
        reason=payload.reason,
        visits_from=payload.visits_from,
        visits_until=payload.visits_until,
    )
    return Status(201, new)


@router.get(
    "/{draw_id}/verify",
    response={200: VerifyOut, **ERRORS},
    summary="复核抽取（由公布的输入和种子重新计算）",
    description="当场重新计算，不改变公开页面显示的复核结果（该结果在抽取时记录）。",
)
def verify(request: HttpRequest, draw_id: int) -> dict[str, Any]:
    report = verify_draw(visible_draw(allowed_user(request, READ_DRAWS), draw_id))
    return {
        "ok": report.ok,
        "entities_checked": report.entities_checked,
        "problems": [
            {"code": p.code, "message": describe_problem(p), "detail": p.detail}
            for p in report.problems
        ],
    }
