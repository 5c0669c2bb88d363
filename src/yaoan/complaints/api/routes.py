"""complaints API: the list, one record with the ``actions`` the caller may take now, a new
record, and a step. The routes only validate and delegate to complaints.services, like the
pages; a step the table does not allow from the current state answers 409."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from yaoan.common.api.paging import PageParams, page_of
from yaoan.common.api.schemas import DETAIL_ERRORS, READ_ERRORS
from yaoan.complaints.api.schemas import ComplaintOut, ComplaintPage
from yaoan.complaints.enums import ComplaintStatus
from yaoan.complaints.models import Complaint
from yaoan.complaints.queries import complaints_visible_to
from yaoan.complaints.rules import GUARDS, READ_COMPLAINT
from yaoan.complaints.workflow import COMPLAINT
from yaoan.core.access import allowed_user, visible_or_404
from yaoan.core.models import User
from yaoan.core.transitions import allowed_actions

router = Router(tags=["投诉举报"])
DENIED = "complaints.access.denied"


def _visible(user: User, pk: int) -> Complaint:
    return visible_or_404(
        complaints_visible_to(user),
        pk,
        user=user,
        action=DENIED,
        object_type="complaints.complaint",
    )


def _out(obj: Complaint, user: User) -> dict[str, Any]:
    return {
        "id": obj.pk,
        "number": obj.number,
        "status": obj.status,
        "org_unit_id": obj.org_unit_id,
        "created_at": obj.created_at,
        "actions": [
            {"action": t.action, "label": str(t.label), "reason_required": t.reason_required}
            for t in allowed_actions(COMPLAINT, obj, user, guards=GUARDS)
        ],
    }


@router.get("/", response={200: ComplaintPage, **READ_ERRORS}, summary="投诉举报列表")
def list_complaint(
    request: HttpRequest, params: Query[PageParams], status: ComplaintStatus | None = None
) -> dict[str, Any]:
    user = allowed_user(request, READ_COMPLAINT)
    records = complaints_visible_to(user)
    if status:
        records = records.filter(status=status)
    return page_of(records.order_by("-received_at", "-id"), params, lambda o: _out(o, user))


@router.get("/{int:pk}", response={200: ComplaintOut, **DETAIL_ERRORS}, summary="投诉举报详情")
def get_complaint(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = allowed_user(request, READ_COMPLAINT)
    return _out(_visible(user, pk), user)
