"""How a due date is computed from its parts: start + rule, + each approved extension by
its rule, + the days the clock stood still, each counted in its unit (working days through
the official calendar, provisional for a year without a schedule)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yaoan.core.calendar import WorkingCalendar
from yaoan.core.enums import DeadlineState, DeadlineUnit, ExtensionStatus
from yaoan.core.models import Deadline, DeadlineExtension, DeadlineRule


class UnknownDeadlineRuleError(KeyError):
    pass


def _rule(code: str) -> DeadlineRule:
    rule = DeadlineRule.objects.filter(code=code).first()
    if rule is None:
        raise UnknownDeadlineRuleError(code)
    return rule


def _add(unit: str, start: dt.date, amount: int, calendar: WorkingCalendar) -> dt.date:
    if unit == DeadlineUnit.IMMEDIATE:
        return start
    if unit == DeadlineUnit.CALENDAR_DAYS:
        return start + dt.timedelta(days=amount)
    return calendar.add_working_days(start, amount)


def compute_deadline(code: str, start: dt.date, calendar: WorkingCalendar | None = None) -> dt.date:
    """The official due date; raises CalendarYearUnknownError for a year without a schedule."""
    rule = _rule(code)
    return _add(rule.unit, start, rule.amount, calendar or WorkingCalendar())


def compute_due(rule_code: str, start: dt.date) -> tuple[dt.date, bool]:
    """The due date and whether it is provisional (counted through a year whose official
    holiday schedule is not loaded). Never refuses for want of a calendar."""
    calendar = WorkingCalendar(provisional=True)
    rule = _rule(rule_code)
    return _add(rule.unit, start, rule.amount, calendar), calendar.provisional_used


def today() -> dt.date:
    return timezone.localdate()


def _recalculate(deadline: Deadline, calendar: WorkingCalendar) -> None:
    """Set base_due_on, due_on and provisional from the deadline's parts."""
    due = _add(deadline.unit, deadline.started_on, deadline.amount, calendar)
    deadline.base_due_on = due
    approved = (
        DeadlineExtension.objects.filter(
            deadline=deadline, status=ExtensionStatus.APPROVED
        ).order_by("decided_at", "id")
        if deadline.pk
        else []
    )
    for extension in approved:
        due = _add(extension.unit, due, extension.amount, calendar)
    deadline.due_on = _add(deadline.unit, due, deadline.suspended_units, calendar)
    deadline.provisional = calendar.provisional_used


def _mark_open_or_overdue(deadline: Deadline) -> None:
    deadline.state = DeadlineState.OVERDUE if deadline.due_on < today() else DeadlineState.OPEN


def _units_between(unit: str, start: dt.date, end: dt.date, calendar: WorkingCalendar) -> int:
    """Days in [start, end) counted in the rule's unit: the clock stood still on them."""
    if unit == DeadlineUnit.IMMEDIATE or end <= start:
        return 0
    if unit == DeadlineUnit.CALENDAR_DAYS:
        return (end - start).days
    one = dt.timedelta(days=1)
    return calendar.working_days_between(start - one, end - one)
