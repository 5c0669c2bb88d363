"""The plans panel on the dashboard: coverage of the mandated categories this year."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from yaoan.core.models import User
from yaoan.core.rules import data_scope
from yaoan.plans.extensions import done_counter
from yaoan.plans.queries import coverage
from yaoan.plans.rules import can_read_plans


def coverage_context(user: User, year: int) -> dict[str, Any]:
    """The coverage report with done counts from the registered counters (if any)."""
    counter = done_counter()
    joint_counter = done_counter(joint=True)
    report = coverage(
        year,
        counter(year) if counter else None,
        scope=data_scope(user),
        joint_done=joint_counter(year) if joint_counter else None,
    )
    return {"report": report, "year": year, "joint_available": joint_counter is not None}


def coverage_panel(request: HttpRequest, obj: Any) -> str | None:
    user: User = request.user  # type: ignore[assignment]
    if not can_read_plans(user):
        return None
    context = coverage_context(user, timezone.localdate().year)
    return render_to_string("plans/_coverage_panel.html", context, request=request)
