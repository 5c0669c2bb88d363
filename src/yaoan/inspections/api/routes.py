"""Inspections API: read and schedule inspections, save the on-site record and submit it,
follow rectification orders; and the public results, which need no sign-in. The routes
only validate and delegate to inspections.services, like the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from yaoan.common.api.paging import PageParams, page_of
from yaoan.common.api.schemas import DETAIL_ERRORS, READ_ERRORS, WRITE_ERRORS
from yaoan.common.api_fields import QueryText
from yaoan.core.access import allowed_user, visible_or_404
from yaoan.core.models import User
from yaoan.core.transitions import allowed_actions
from yaoan.core.workflow import Workflow
from yaoan.inspections import rectification, scheduling, services
from yaoan.inspections.api.schemas import (
    DraftIn,
    InspectionDetailOut,
    InspectionOut,
    InspectionPage,
    PublicResultOut,
    PublicResultPage,
    RectificationOut,
    RectificationPage,
    ReinspectionIn,
    ResponseIn,
    RowId,
    ScheduleIn,
    SubmitIn,
)
from yaoan.inspections.enums import InspectionKind, InspectionStatus, RectificationStatus
from yaoan.inspections.models import Inspection, RectificationOrder
from yaoan.inspections.queries import (
    inspections_visible_to,
    overdue_rectifications,
    published_results,
    rectifications_visible_to,
    with_due,
)
from yaoan.inspections.rules import READ_INSPECTIONS
from yaoan.inspections.workflow import INSPECTION, PUBLICATION_RULE, RECTIFICATION
from yaoan.registry.queries import entities_visible_to

router = Router(tags=["监督检查"])
public_router = Router(tags=["公示"])


class InspectionFilters(Schema):
    status: InspectionStatus | None = None
    kind: InspectionKind | None = None
    entity_id: RowId | None = None
    mine: bool = False


DENIED = "inspections.access.denied"


def _visible(user: User, pk: int) -> Inspection:
    return visible_or_404(
        inspections_visible_to(user),
        pk,
        user=user,
        action=DENIED,
        object_type="inspections.inspection",
    )


def _out(i: Inspection) -> dict[str, Any]:
    return {
        "id": i.pk,
        "number": i.number,
        "entity_id": i.entity_id,
        "entity_name": i.entity.name,
        "station_id": i.station_id,
        "kind": i.kind,
        "status": i.status,
        "scheduled_for": i.scheduled_for,
        "checklist": i.checklist.title,
        "result": i.result,
        "submitted_at": i.submitted_at,
        # lists annotate the deadline (with_due); one record reads it from core.Deadline
        "publication_due": i.due_on if hasattr(i, "due_on") else i.publication_due,
        "published_at": i.published_at,
    }


def actions_out(workflow: Workflow, obj: Any, user: User) -> list[dict[str, Any]]:
    return [
        {"action": t.action, "label": str(t.label), "reason_required": t.reason_required}
        for t in allowed_actions(workflow, obj, user)
    ]


def _detail(i: Inspection, user: User) -> dict[str, Any]:
    order = RectificationOrder.objects.filter(inspection=i).only("pk").first()
    return _out(i) | {
        "actions": actions_out(INSPECTION, i, user),
        "summary": i.summary,
        "latitude": i.latitude,
        "longitude": i.longitude,
        "team": [
            {
                "user_id": m.inspector_id,
                "name": m.inspector.display_name or m.inspector.username,
                "confirmed_at": m.confirmed_at,
                "confirmed_by_code": m.confirmed_by_code,
            }
            for m in i.team.select_related("inspector")
        ],
        "records": [
            {"item_id": r.item_id, "number": r.item.number, "result": r.result, "note": r.note}
            for r in i.records.select_related("item").order_by("item__position")
        ],
        "findings": [
            {
                "id": f.pk,
                "item_number": f.item.number if f.item else None,
                "description": f.description,
                "severity": f.severity,
                "escalated": f.escalated,
            }
            for f in i.findings.select_related("item")
        ],
        "rectification_id": order.pk if order else None,
    }


@router.get("/", response={200: InspectionPage, **READ_ERRORS}, summary="检查列表")
def list_inspections(
    request: HttpRequest, filters: Query[InspectionFilters], params: Query[PageParams]
) -> dict[str, Any]:
    user = allowed_user(request, READ_INSPECTIONS)
    qs = with_due(
        inspections_visible_to(user).select_related("entity", "checklist"), PUBLICATION_RULE
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.entity_id:
        qs = qs.filter(entity_id=filters.entity_id)
    if filters.mine:
        qs = qs.filter(team__inspector=user)
    return page_of(qs.order_by("-scheduled_for", "-id"), params, _out)


@router.post("/", response={201: InspectionDetailOut, **WRITE_ERRORS}, summary="安排检查")
def schedule(request: HttpRequest, payload: ScheduleIn) -> Status:
    user = allowed_user(request, READ_INSPECTIONS)
    entity = entities_visible_to(user).select_related("subdistrict__station")
    found = entity.filter(pk=payload.entity_id).first()
    if found is None:
        raise Http404
    inspectors = list(User.objects.filter(pk__in=payload.inspector_ids, is_active=True))
    inspection = scheduling.schedule_inspection(
        actor=user,
        entity=found,
        kind=payload.kind,
        scheduled_for=payload.scheduled_for,
        inspectors=inspectors,
        reason=payload.reason,
        campaign=payload.campaign,
    )
    return Status(201, _detail(inspection, user))


@router.get("/{int:pk}", response={200: InspectionDetailOut, **DETAIL_ERRORS}, summary="检查详情")
def get_inspection(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = allowed_user(request, READ_INSPECTIONS)
    return _detail(_visible(user, pk), user)


@router.put(
    "/{int:pk}/draft", response={200: InspectionDetailOut, **WRITE_ERRORS}, summary="保存填写内容"
)
def save_draft(request: HttpRequest, pk: int, payload: DraftIn) -> dict[str, Any]:
    user = allowed_user(request, READ_INSPECTIONS)
    inspection = services.save_draft(
        actor=user,
        inspection=_visible(user, pk),
        records={r.item_id: (r.result, r.note) for r in payload.records},
        summary=payload.summary,
        location=services.parse_location(payload.latitude, payload.longitude, payload.accuracy_m),
    )
    return _detail(inspection, user)


@router.post(
    "/{int:pk}/submit", response={200: InspectionDetailOut, **WRITE_ERRORS}, summary="提交检查记录"
)
def submit(request: HttpRequest, pk: int, payload: SubmitIn) -> dict[str, Any]:
    user = allowed_user(request, READ_INSPECTIONS)
    inspection = _visible(user, pk)
    co = User.objects.filter(pk=payload.co_inspector_id).first()
    return _detail(
        services.submit_inspection(
            actor=user, inspection=inspection, co_inspector=co, co_code=payload.co_code
        ),
        user,
    )


# --- rectification -------------------------------------------------------------------------


def _order_out(o: RectificationOrder, user: User) -> dict[str, Any]:
    today = timezone.localdate()
    due = o.due_on if hasattr(o, "due_on") else o.deadline
    return {
        "id": o.pk,
        "number": o.number,
        "inspection_id": o.inspection_id,
        "entity_id": o.entity_id,
        "entity_name": o.entity.name,
        "status": o.status,
        "issued_on": o.issued_on,
        "deadline": due,
        "deadline_provisional": bool(getattr(o, "due_provisional", False)),
        "overdue": o.status != RectificationStatus.CLOSED and due is not None and due < today,
        "rounds": o.rounds,
        "response": o.response,
        "reinspection_note": o.reinspection_note,
        "actions": actions_out(RECTIFICATION, o, user),
    }


def _visible_order(user: User, pk: int) -> RectificationOrder:
    return visible_or_404(
        rectifications_visible_to(user).select_related("entity"),
        pk,
        user=user,
        action=DENIED,
        object_type="inspections.rectification",
    )


@router.get(
    "/rectifications/", response={200: RectificationPage, **READ_ERRORS}, summary="整改通知列表"
)
def list_rectifications(
    request: HttpRequest,
    params: Query[PageParams],
    status: RectificationStatus | None = None,
    overdue: bool = False,
) -> dict[str, Any]:
    user = allowed_user(request, READ_INSPECTIONS)
    # the actions' permission rules read each order's station (entity → grid): no N+1
    qs = rectifications_visible_to(user).select_related("entity__subdistrict")
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = overdue_rectifications(qs, timezone.localdate())
    return page_of(qs.order_by("due_on", "id"), params, lambda o: _order_out(o, user))


@router.post(
    "/rectifications/{int:pk}/response",
    response={200: RectificationOut, **WRITE_ERRORS},
    summary="登记企业整改回复",
)
def respond(request: HttpRequest, pk: int, payload: ResponseIn) -> dict[str, Any]:
    user = allowed_user(request, READ_INSPECTIONS)
    order = rectification.record_rectification_response(
        actor=user, order=_visible_order(user, pk), response=payload.response
    )
    return _order_out(order, user)


@router.post(
    "/rectifications/{int:pk}/reinspection",
    response={200: RectificationOut, **WRITE_ERRORS},
    summary="记录复查结果",
)
def reinspect(request: HttpRequest, pk: int, payload: ReinspectionIn) -> dict[str, Any]:
    user = allowed_user(request, READ_INSPECTIONS)
    order = rectification.record_reinspection(
        actor=user,
        order=_visible_order(user, pk),
        passed=payload.passed,
        note=payload.note,
        new_deadline=payload.new_deadline,
        working_days=payload.working_days,
    )
    return _order_out(order, user)


# --- public --------------------------------------------------------------------------------


def _public_out(i: Inspection) -> dict[str, Any]:
    order = getattr(i, "rectification", None)
    assert i.submitted_at is not None and i.published_at is not None
    return {
        "entity_name": i.entity.name,
        "uscc": i.entity.uscc,
        "inspected_on": timezone.localdate(i.started_at or i.submitted_at),
        "result": i.get_result_display(),
        "rectification": order.status if order else "none",
        "published_on": timezone.localdate(i.published_at),
        "corrections": [
            {"corrected_on": timezone.localdate(c.decided_at), "reason": c.reason}
            for c in getattr(i, "corrections", [])
        ],
    }


@public_router.get(
    "/inspection-results",
    response=PublicResultPage,
    auth=None,
    summary="双随机抽查结果公示（无需认证）",
)
def public_results(
    request: HttpRequest, params: Query[PageParams], q: QueryText = ""
) -> dict[str, Any]:
    return page_of(published_results(q), params, _public_out)


__all__ = ["InspectionOut", "PublicResultOut", "public_router", "router"]
