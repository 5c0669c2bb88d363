"""Cases on the dashboard (the reader's own open cases with their nearest clock, the
overdue ones in scope, the 移送立案 clues waiting to be opened) and on a business's profile
(its cases: number, 案由, state, outcome)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string

from yaoan.cases.enums import OPEN_STATUSES
from yaoan.cases.queries import cases_about, cases_visible_to, overdue_condition, with_due
from yaoan.cases.rules import can_open_case, can_read_cases
from yaoan.clues.queries import clues_awaiting_case, clues_visible_to

SHOWN = 10


def dashboard_panel(request: HttpRequest, obj: Any) -> str | None:
    user: Any = request.user
    if not can_read_cases(user):
        return None
    visible = cases_visible_to(user)
    mine = with_due(
        visible.filter(Q(lead_officer=user) | Q(co_officer=user), status__in=OPEN_STATUSES)
    ).order_by("due_on", "id")
    awaiting = 0
    if can_open_case(user):
        awaiting = clues_visible_to(user).filter(pk__in=clues_awaiting_case().values("pk")).count()
    return render_to_string(
        "cases/_dashboard_panel.html",
        {
            "mine": list(mine[:SHOWN]),
            "mine_total": mine.count(),
            "overdue": visible.filter(overdue_condition()).count(),
            "awaiting": awaiting,
        },
        request=request,
    )


def entity_panel(request: HttpRequest, entity: Any) -> str | None:
    user: Any = request.user
    if not can_read_cases(user):
        return None
    about = cases_about(entity, user)
    return render_to_string(
        "cases/_entity_panel.html",
        {
            "entity": entity,
            "cases": list(about.order_by("-created_at", "-id")[:20]),
            "total": about.count(),
        },
        request=request,
    )
