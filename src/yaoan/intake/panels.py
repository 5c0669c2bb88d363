"""The intake panel on the dashboard: how many items wait for the decider, the urgent
ones apart."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from yaoan.intake.enums import IntakeStatus, Urgency
from yaoan.intake.queries import intake_visible_to
from yaoan.intake.rules import can_decide_intake


def dashboard_panel(request: HttpRequest, obj: Any) -> str | None:
    user: Any = request.user
    if not can_decide_intake(user):
        return None
    waiting = intake_visible_to(user).filter(status=IntakeStatus.NEW)
    return render_to_string(
        "intake/_dashboard_panel.html",
        {
            "waiting": waiting.count(),
            "urgent": waiting.exclude(urgency=Urgency.NORMAL).count(),
        },
        request=request,
    )
