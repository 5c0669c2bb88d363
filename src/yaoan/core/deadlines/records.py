"""A subject's Deadline records: opened, read, met or cancelled, and recomputed once an
official holiday schedule is loaded; atomic and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from yaoan.common.errors import REASON_REQUIRED, invalid
from yaoan.core import audit
from yaoan.core.calendar import WorkingCalendar
from yaoan.core.deadlines.dates import _mark_open_or_overdue, _recalculate, _rule, today
from yaoan.core.enums import DeadlineState, DeadlineUnit
from yaoan.core.models import Deadline, OrgUnit, User

LIVE = (DeadlineState.OPEN, DeadlineState.SUSPENDED, DeadlineState.OVERDUE)


def subject_key(subject: models.Model) -> tuple[str, str]:
    return f"{subject._meta.app_label}.{subject._meta.model_name}", str(subject.pk)


def _facts(deadline: Deadline) -> dict[str, object]:
    return audit.snapshot(deadline, ["rule_id", "state", "due_on", "provisional", "closed_on"])


@transaction.atomic(savepoint=False)  # part of the caller's change: nothing to undo alone
def open_deadline(
    *,
    actor: User,
    subject: models.Model,
    rule_code: str,
    org_unit: OrgUnit | None,
    assignee: User | None,
    start: dt.date | None = None,
    label: str = "",
    url: str = "",
    due_on: dt.date | None = None,
) -> Deadline:
    """``due_on``: a date an official set instead of the rule's count (e.g. 重新限期整改).
    ``actor``: whose action opens it (the audit row names them)."""
    subject_type, subject_id = subject_key(subject)
    rule = _rule(rule_code)
    deadline = Deadline(
        subject_type=subject_type,
        subject_id=subject_id,
        rule=rule,
        amount=rule.amount,
        unit=rule.unit,
        org_unit=org_unit,
        assignee=assignee,
        started_on=start or today(),
        label=(label or str(subject))[:200],
        url=url[:300],
    )
    if due_on is not None:
        # kept as calendar days from the start, so a recalculation (a suspension, a
        # provisional year loaded) starts from the official's date, not the rule's count
        deadline.amount = max(0, (due_on - deadline.started_on).days)
        deadline.unit = DeadlineUnit.CALENDAR_DAYS
    _recalculate(deadline, WorkingCalendar(provisional=True))
    _mark_open_or_overdue(deadline)
    deadline.save()
    audit.record("core.deadline.opened", actor=actor, obj=deadline, after=_facts(deadline))
    return deadline


def deadlines_for(subject: models.Model) -> QuerySet[Deadline]:
    subject_type, subject_id = subject_key(subject)
    return Deadline.objects.filter(subject_type=subject_type, subject_id=subject_id).select_related(
        "rule"
    )


def current_deadline(subject: models.Model, code: str) -> Deadline | None:
    """The latest deadline of this rule on the subject, whatever its state."""
    return deadlines_for(subject).filter(rule__code=code).order_by("-id").first()


def _live(subject: models.Model, codes: Iterable[str] | None) -> QuerySet[Deadline]:
    found = deadlines_for(subject).filter(state__in=LIVE)
    wanted = None if codes is None else set(codes)
    if wanted is not None and "*" not in wanted:
        found = found.filter(rule__code__in=wanted)
    return found.select_for_update()


def _close(
    actor: User, subject: models.Model, codes: Iterable[str] | None, state: str, on: dt.date
) -> int:
    closed = 0
    for deadline in _live(subject, codes):
        before = _facts(deadline)
        deadline.met_late = state == DeadlineState.MET and (
            on > deadline.due_on or deadline.state == DeadlineState.OVERDUE
        )
        deadline.state, deadline.closed_on = state, on
        deadline.save(update_fields=["state", "closed_on", "met_late"])
        deadline.suspensions.filter(ended_on__isnull=True).update(ended_on=on)
        audit.record(
            f"core.deadline.{state}",
            actor=actor,
            obj=deadline,
            before=before,
            after=_facts(deadline),
        )
        closed += 1
    return closed


@transaction.atomic
def meet_deadlines(
    subject: models.Model,
    codes: Iterable[str] | None = None,
    *,
    actor: User,
    on: dt.date | None = None,
) -> int:
    """Mark the subject's running deadlines (of these rules; None or "*" = all) met."""
    return _close(actor, subject, codes, DeadlineState.MET, on or today())


@transaction.atomic
def cancel_deadlines(
    subject: models.Model, codes: Iterable[str] | None = None, *, actor: User
) -> int:
    return _close(actor, subject, codes, DeadlineState.CANCELLED, today())


def _need_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise invalid(REASON_REQUIRED, _("请填写理由"), field=field)
    return reason


def _locked(deadline: Deadline) -> Deadline:
    return Deadline.objects.select_for_update().select_related("rule").get(pk=deadline.pk)


def recompute_provisional(*, actor: User) -> int:
    """Recompute every live provisional deadline (after an official schedule is loaded);
    returns how many changed. Call inside the loading transaction."""
    calendar = WorkingCalendar(provisional=True)
    changed = 0
    found = Deadline.objects.filter(provisional=True, state__in=LIVE).select_related("rule")
    for deadline in found.select_for_update().iterator(chunk_size=500):
        before = _facts(deadline)
        calendar.provisional_used = False
        _recalculate(deadline, calendar)
        if deadline.state != DeadlineState.SUSPENDED:
            _mark_open_or_overdue(deadline)
        if deadline.due_on != before["due_on"] or not deadline.provisional:
            deadline.reminded_for = None
        deadline.save(
            update_fields=["base_due_on", "due_on", "provisional", "state", "reminded_for"]
        )
        audit.record(
            "core.deadline.recomputed",
            actor=actor,
            obj=deadline,
            before=before,
            after=_facts(deadline),
        )
        changed += 1
    return changed


@transaction.atomic
def reassign_deadlines(
    subject: models.Model,
    codes: Iterable[str] | None = None,
    *,
    actor: User,
    assignee: User | None,
    org_unit: OrgUnit | None = None,
) -> int:
    """The subject's running deadlines (of ``codes``, or all) now answer to ``assignee``
    and, when given, to ``org_unit``: a clue assigned to an officer, a complaint whose
    transfer the receiving unit confirmed. The reminders and overdue lists follow the work.
    Audited per deadline."""
    moved = 0
    for deadline in _live(subject, codes):
        unit_id = org_unit.pk if org_unit is not None else deadline.org_unit_id
        if deadline.assignee_id == (assignee.pk if assignee else None) and (
            deadline.org_unit_id == unit_id
        ):
            continue
        before = audit.snapshot(deadline, ["org_unit_id", "assignee_id"])
        deadline.assignee = assignee
        if org_unit is not None:
            deadline.org_unit = org_unit
        deadline.reminded_for = None
        deadline.save(update_fields=["org_unit", "assignee", "reminded_for"])
        audit.record(
            "core.deadline.reassigned",
            actor=actor,
            obj=deadline,
            before=before,
            after=audit.snapshot(deadline, ["org_unit_id", "assignee_id"]),
        )
        moved += 1
    return moved
