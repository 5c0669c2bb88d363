"""Stopping a deadline's clock (中止计时) and restarting it: the due date moves by the
days the clock stood still, counted in the rule's unit; atomic and audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yaoan.common.errors import invalid
from yaoan.core import audit
from yaoan.core.calendar import WorkingCalendar
from yaoan.core.deadlines.dates import _mark_open_or_overdue, _recalculate, _units_between, today
from yaoan.core.deadlines.records import _facts, _locked, _need_reason
from yaoan.core.enums import DeadlineState
from yaoan.core.models import Deadline, DeadlineSuspension, User


@transaction.atomic
def suspend_deadline(
    deadline: Deadline, *, actor: User, reason: str, start: dt.date | None = None
) -> DeadlineSuspension:
    """Stop the clock from ``start`` (default today) until resumed."""
    reason = _need_reason(reason)
    deadline = _locked(deadline)
    start = start or today()
    if deadline.state != DeadlineState.OPEN:
        raise ValidationError(
            _("期限处于“%(state)s”状态，不能中止计时") % {"state": deadline.get_state_display()},
            code="not_open",
        )
    if start < deadline.started_on or start > deadline.due_on:
        raise invalid("out_of_range", _("中止日须在起算日与期限之间"), field="start")
    if deadline.suspensions.filter(ended_on__gt=start).exists():
        raise invalid("overlap", _("中止期间与已有的中止期间重叠"), field="start")
    suspension = DeadlineSuspension.objects.create(
        deadline=deadline, reason=reason, started_on=start, started_by=actor
    )
    before = _facts(deadline)
    deadline.state = DeadlineState.SUSPENDED
    deadline.save(update_fields=["state"])
    audit.record(
        "core.deadline.suspended",
        actor=actor,
        obj=deadline,
        before=before,
        after={**_facts(deadline), "suspended_from": start},
        reason=reason,
    )
    return suspension


@transaction.atomic
def resume_deadline(deadline: Deadline, *, actor: User, end: dt.date | None = None) -> Deadline:
    """Restart the clock on ``end`` (default today); the due date moves by the days the
    clock stood still, counted in the rule's unit."""
    deadline = _locked(deadline)
    suspension = deadline.suspensions.filter(ended_on__isnull=True).first()
    if deadline.state != DeadlineState.SUSPENDED or suspension is None:
        raise ValidationError(_("该期限未在中止计时中"), code="not_suspended")
    end = end or today()
    if end < suspension.started_on:
        raise invalid("out_of_range", _("恢复日不能早于中止日"), field="end")
    calendar = WorkingCalendar(provisional=True)
    before = _facts(deadline)
    suspension.units = _units_between(deadline.unit, suspension.started_on, end, calendar)
    suspension.ended_on, suspension.ended_by = end, actor
    suspension.save(update_fields=["units", "ended_on", "ended_by"])
    deadline.suspended_units += suspension.units
    _recalculate(deadline, calendar)
    _mark_open_or_overdue(deadline)
    deadline.save(
        update_fields=["suspended_units", "base_due_on", "due_on", "provisional", "state"]
    )
    audit.record(
        "core.deadline.resumed",
        actor=actor,
        obj=deadline,
        before=before,
        after={**_facts(deadline), "suspended_units": suspension.units},
    )
    return deadline
