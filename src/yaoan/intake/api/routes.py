"""Intake API: the inbox of clues and candidate risks, one item with its evidence and the
``actions`` the caller may take now, and the decisions (not accepted, merged, kept
waiting). The routes only validate and delegate to intake.services, like the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from yaoan.common.api.paging import PageParams, page_of
from yaoan.common.api.schemas import DETAIL_ERRORS, READ_ERRORS, WRITE_ERRORS, RowId
from yaoan.common.api_fields import QueryText
from yaoan.core.access import allowed_user, visible_or_404
from yaoan.core.attachments import may_see_attachment
from yaoan.core.models import User
from yaoan.core.transitions import allowed_actions
from yaoan.intake import services
from yaoan.intake.api.schemas import IntakeItemDetailOut, IntakeItemPage, IntakeReasonIn, MergeIn
from yaoan.intake.enums import IntakeKind, IntakeStatus
from yaoan.intake.models import IntakeItem
from yaoan.intake.queries import intake_visible_to
from yaoan.intake.rules import READ_INTAKE
from yaoan.intake.workflow import INTAKE

router = Router(tags=["移交事项"])
DENIED = "intake.access.denied"
# the decisions taken here; "accept" is the receiving module's service call
API_ACTIONS = ("reject", "merge", "keep")


class IntakeFilters(Schema):
    kind: IntakeKind | None = None
    status: IntakeStatus | None = None
    source_app: QueryText | None = None
    station_id: RowId | None = None


def _visible(user: User, pk: int) -> IntakeItem:
    return visible_or_404(
        intake_visible_to(user).select_related("entity"),
        pk,
        user=user,
        action=DENIED,
        object_type="intake.intakeitem",
    )


def _actions(item: IntakeItem, user: User) -> list[dict[str, Any]]:
    return [
        {"action": t.action, "label": str(t.label), "reason_required": t.reason_required}
        for t in allowed_actions(INTAKE, item, user)
        if t.action in API_ACTIONS
    ]


def _out(item: IntakeItem, user: User) -> dict[str, Any]:
    return {
        "id": item.pk,
        "kind": item.kind,
        "status": item.status,
        "urgency": item.urgency,
        "source_app": item.source_app,
        "source_kind": item.source_kind,
        "source_id": item.source_id,
        "source_label": item.source_label,
        "source_url": item.source_url,
        "entity_id": item.entity_id,
        "entity_name": item.entity.name if item.entity else "",
        "org_unit_id": item.org_unit_id,
        "summary": item.summary,
        "submitted_at": item.submitted_at,
        "actions": _actions(item, user),
    }


def _detail(item: IntakeItem, user: User) -> dict[str, Any]:
    evidence = [
        {
            "id": a.pk,
            "name": str(a),
            "content_type": a.content_type,
            "size": a.size,
            "sm3": a.sm3,
            "url": a.get_absolute_url(),
        }
        for a in item.evidence.all()
        if may_see_attachment(user, a)
    ]
    return _out(item, user) | {
        "product_id": item.product_id,
        "batch": item.batch,
        "evidence": evidence,
        "taken_by_type": item.taken_by_type,
        "taken_by_id": item.taken_by_id,
        "taken_by_label": item.taken_by_label,
        "taken_by_url": item.taken_by_url,
        "merged_into_id": item.merged_into_id,
        "decision_reason": item.decision_reason,
        "decided_at": item.decided_at,
    }


@router.get("/", response={200: IntakeItemPage, **READ_ERRORS}, summary="移交事项列表")
def list_items(
    request: HttpRequest, filters: Query[IntakeFilters], params: Query[PageParams]
) -> dict[str, Any]:
    user = allowed_user(request, READ_INTAKE)
    qs = intake_visible_to(user).select_related("entity")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.source_app:
        qs = qs.filter(source_app=filters.source_app)
    if filters.station_id:
        qs = qs.filter(org_unit_id=filters.station_id)
    return page_of(qs.order_by("-submitted_at", "-id"), params, lambda i: _out(i, user))


@router.get(
    "/{int:pk}", response={200: IntakeItemDetailOut, **DETAIL_ERRORS}, summary="移交事项详情"
)
def get_item(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = allowed_user(request, READ_INTAKE)
    return _detail(_visible(user, pk), user)


@router.post(
    "/{int:pk}/reject", response={200: IntakeItemDetailOut, **WRITE_ERRORS}, summary="不予接收"
)
def reject(request: HttpRequest, pk: int, payload: IntakeReasonIn) -> dict[str, Any]:
    user = allowed_user(request, READ_INTAKE)
    return _detail(services.reject_intake(_visible(user, pk), user, payload.reason), user)


@router.post(
    "/{int:pk}/keep", response={200: IntakeItemDetailOut, **WRITE_ERRORS}, summary="继续等待"
)
def keep(request: HttpRequest, pk: int, payload: IntakeReasonIn) -> dict[str, Any]:
    user = allowed_user(request, READ_INTAKE)
    return _detail(services.keep_waiting(_visible(user, pk), user, payload.reason), user)


@router.post(
    "/{int:pk}/merge", response={200: IntakeItemDetailOut, **WRITE_ERRORS}, summary="合并到另一事项"
)
def merge(request: HttpRequest, pk: int, payload: MergeIn) -> dict[str, Any]:
    user = allowed_user(request, READ_INTAKE)
    item = _visible(user, pk)
    into = intake_visible_to(user).filter(pk=payload.into_id).first()
    if into is None:
        raise Http404
    return _detail(services.merge_intake(item, into, user, payload.reason), user)
