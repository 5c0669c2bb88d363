"""Dashboard panels of core: the user's deadlines (and the unit's overdue ones for a chief),
and from 1 November the system administrator's warning that next year's official holiday
schedule is missing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from yaoan.core import rules
from yaoan.core.calendar import WorkingCalendar
from yaoan.core.enums import DeadlineState, Role
from yaoan.core.models import Deadline, User
from yaoan.core.sweep import remind_days

WARN_FROM = (11, 1)  # month, day: the State Council usually publishes in late October/November


def next_year_missing(today: dt.date) -> int | None:
    """The next year, when it is on or after 1 November and that year has no schedule."""
    if (today.month, today.day) < WARN_FROM:
        return None
    year = today.year + 1
    return None if WorkingCalendar().is_official(year) else year


def calendar_panel(request: HttpRequest, obj: Any) -> str | None:
    user = request.user
    if not rules.can_manage_calendar(user):  # type: ignore[arg-type]
        return None
    year = next_year_missing(timezone.localdate())
    if year is None:
        return None
    provisional = Deadline.objects.filter(
        provisional=True,
        state__in=(DeadlineState.OPEN, DeadlineState.SUSPENDED, DeadlineState.OVERDUE),
    ).count()
    return render_to_string(
        "core/_calendar_panel.html", {"year": year, "provisional": provisional}, request=request
    )


def deadlines_panel(request: HttpRequest, obj: Any) -> str | None:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_authenticated:
        return None
    today = timezone.localdate()
    soon = WorkingCalendar(provisional=True).add_working_days(today, remind_days())
    mine = Deadline.objects.filter(assignee=user)
    counts = {
        "overdue": mine.filter(state=DeadlineState.OVERDUE).count(),
        "soon": mine.filter(state=DeadlineState.OPEN, due_on__lte=soon).count(),
        "open": mine.filter(state__in=(DeadlineState.OPEN, DeadlineState.SUSPENDED)).count(),
    }
    unit_overdue = None
    if rules.can_see_unit_deadlines(user):
        unit_rows = Deadline.objects.filter(state=DeadlineState.OVERDUE)
        if not user.has_role(Role.LEADER):
            unit_rows = unit_rows.filter(org_unit_id=user.org_unit_id)
        unit_overdue = unit_rows.count()
    if not any(counts.values()) and not unit_overdue:
        return None
    return render_to_string(
        "core/_deadlines_panel.html",
        {"counts": counts, "unit_overdue": unit_overdue, "days": remind_days()},
        request=request,
    )
