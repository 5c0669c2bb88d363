"""The clues panels: on the business's profile, its clues; on the dashboard, the clues
waiting for assignment, the user's own, and the overdue ones in the user's scope."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from yaoan.clues.enums import OPEN_STATUSES, ClueStatus
from yaoan.clues.queries import clues_about, clues_visible_to, overdue_clues
from yaoan.clues.rules import can_read_clues
from yaoan.common.panels import Panel, register_panel


def entity_panel(request: HttpRequest, entity: Any) -> str | None:
    user: Any = request.user
    if not can_read_clues(user):
        return None
    return render_to_string(
        "clues/_entity_panel.html",
        {"clues": list(clues_about(entity, user).order_by("-received_on", "-id")[:20])},
        request=request,
    )


def dashboard_panel(request: HttpRequest, obj: Any) -> str | None:
    user: Any = request.user
    if not can_read_clues(user):
        return None
    visible = clues_visible_to(user)
    return render_to_string(
        "clues/_dashboard_panel.html",
        {
            "waiting": visible.filter(status=ClueStatus.NEW).count(),
            "mine": visible.filter(assignee=user, status__in=OPEN_STATUSES).count(),
            "prompted": visible.filter(status=ClueStatus.PROMPTED).count(),
            "overdue": overdue_clues(user).count(),
        },
        request=request,
    )


def register() -> None:
    register_panel(Panel(36, "dashboard", dashboard_panel))
    register_panel(Panel(35, "entity_profile", entity_panel))
