"""Complaints on the dashboard (the reader's own overdue and near-due complaints, and the
unit's overdue count) and on an entity's profile (the complaints about the business:
number, kind, state — never who reported it)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from yaoan.complaints.enums import OPEN_STATUSES
from yaoan.complaints.queries import (
    complaints_visible_to,
    near_due_condition,
    overdue_condition,
    with_next_due,
)
from yaoan.complaints.rules import can_read_complaint

NEAR_DUE_DAYS = 5
SHOWN = 10


def dashboard_panel(request: HttpRequest, obj: Any) -> str | None:
    user: Any = request.user
    if not can_read_complaint(user):
        return None
    visible = complaints_visible_to(user).filter(status__in=OPEN_STATUSES)
    mine = with_next_due(visible.filter(assignee=user)).order_by("next_due_on", "id")
    overdue_mine = list(mine.filter(overdue_condition()).select_related("org_unit")[:SHOWN])
    near_mine = list(
        mine.filter(near_due_condition(NEAR_DUE_DAYS))
        .exclude(overdue_condition())
        .select_related("org_unit")[:SHOWN]
    )
    return render_to_string(
        "complaints/_dashboard_panel.html",
        {
            "overdue_mine": overdue_mine,
            "near_mine": near_mine,
            "overdue_all": visible.filter(overdue_condition()).count(),
            "waiting": visible.filter(status=OPEN_STATUSES[0]).count(),
        },
        request=request,
    )


def entity_panel(request: HttpRequest, entity: Any) -> str | None:
    """What the regulator knows about the business's complaints; the reporter's identity
    stays on the complaint's own page, behind its scope and the reveal."""
    user: Any = request.user
    if not can_read_complaint(user):
        return None
    about = complaints_visible_to(user).filter(entity=entity)
    return render_to_string(
        "complaints/_entity_panel.html",
        {
            "entity": entity,
            "complaints": list(about.order_by("-received_at", "-id")[:20]),
            "total": about.count(),
        },
        request=request,
    )
