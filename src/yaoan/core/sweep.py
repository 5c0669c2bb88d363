"""The daily deadline sweep: mark overdue deadlines and send the reminders, each once.

Set-based so it stays fast over a million open deadlines: UPDATE … RETURNING marks the
overdue ones, another records which due date a reminder was sent for, and the
notifications are bulk-inserted with dedupe keys. Each step works in chunks of
``CHUNK`` rows, each chunk one transaction with its notifications, so a day with a large
backlog (after an outage) neither holds a million rows in memory nor one long
transaction; an interrupted sweep is finished by the next. Running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.core import audit
from yaoan.core.actors import system_actor
from yaoan.core.calendar import WorkingCalendar
from yaoan.core.enums import DeadlineState, NotificationKind
from yaoan.core.models import Deadline, Notification
from yaoan.core.notifications import chief_ids_by_unit, deliver

DEFAULT_REMIND_DAYS = 3
CHUNK = 20_000
SWEEP_ACTOR = "deadline-sweep"  # the system actor (core.actors) named in the audit log


@dataclass(frozen=True)
class SweepResult:
    today: dt.date
    overdue: int
    reminded: int
    notifications: int


def remind_days() -> int:
    """Working days before the due date for the reminder (YAOAN_DEADLINE_REMIND_DAYS)."""
    try:
        return max(0, int(os.environ.get("YAOAN_DEADLINE_REMIND_DAYS", DEFAULT_REMIND_DAYS)))
    except ValueError:
        return DEFAULT_REMIND_DAYS


def sweep_deadlines(today: dt.date | None = None) -> SweepResult:
    today = today or timezone.localdate()
    until = WorkingCalendar(provisional=True).add_working_days(today, remind_days())
    overdue = reminded = sent = 0
    while True:
        with transaction.atomic():
            rows = _mark_overdue(today)
            sent += deliver(_overdue_notices(rows))
        overdue += len(rows)
        if len(rows) < CHUNK:
            break
    while True:
        with transaction.atomic():
            rows = _mark_reminded(today, until)
            sent += deliver(_reminder_notices(rows, today))
        reminded += len(rows)
        if len(rows) < CHUNK:
            break
    result = SweepResult(today, overdue, reminded, sent)
    if overdue or reminded:
        audit.record(
            "core.deadline.swept",
            actor=system_actor(SWEEP_ACTOR),
            object_type="core.deadline",
            after={"today": today, "overdue": overdue, "reminded": reminded, "notifications": sent},
        )
    return result


Row = tuple[int, int | None, int | None, str, str, dt.date]


def _returning(sql: str, params: list[str | int | dt.date]) -> list[Row]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [(r[0], r[1], r[2], r[3], r[4], _as_date(r[5])) for r in rows]


def _as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


TABLE = Deadline._meta.db_table
COLUMNS = "id, assignee_id, org_unit_id, label, url, due_on"


def _mark_overdue(today: dt.date) -> list[Row]:
    return _returning(
        f"UPDATE {TABLE} SET state = %s WHERE id IN ("  # noqa: S608 -- our table name
        f"SELECT id FROM {TABLE} WHERE state = %s AND due_on < %s ORDER BY due_on, id LIMIT %s"
        f") RETURNING {COLUMNS}",
        [DeadlineState.OVERDUE.value, DeadlineState.OPEN.value, today, CHUNK],
    )


def _mark_reminded(today: dt.date, until: dt.date) -> list[Row]:
    """Open deadlines due within the reminder window that have had no reminder for their
    current due date (an extension moves the date and earns a new reminder)."""
    return _returning(
        f"UPDATE {TABLE} SET reminded_for = due_on WHERE id IN ("  # noqa: S608 -- our table name
        f"SELECT id FROM {TABLE} WHERE state = %s AND due_on >= %s AND due_on <= %s "
        "AND (reminded_for IS NULL OR reminded_for <> due_on) ORDER BY due_on, id LIMIT %s"
        f") RETURNING {COLUMNS}",
        [DeadlineState.OPEN.value, today, until, CHUNK],
    )


def _notice(recipient: int, kind: str, row: Row, title: str, key: str) -> Notification:
    return Notification(
        recipient_id=recipient,
        kind=kind,
        title=title[:300],
        link=row[4],
        subject_type="core.deadline",
        subject_id=str(row[0]),
        dedupe_key=key,
    )


def _overdue_notices(rows: list[Row]) -> list[Notification]:
    chiefs = chief_ids_by_unit() if rows else {}
    notices = []
    for row in rows:
        deadline_id, assignee_id, unit_id, label, _url, due_on = row
        key = f"deadline:{deadline_id}:overdue:{due_on.isoformat()}"
        title = _("已逾期：%(label)s（期限 %(due)s）") % {"label": label, "due": due_on}
        recipients = {assignee_id, *chiefs.get(unit_id or 0, [])} - {None}
        notices += [_notice(r, NotificationKind.OVERDUE, row, title, key) for r in recipients if r]
    return notices


def _reminder_notices(rows: list[Row], today: dt.date) -> list[Notification]:
    calendar = WorkingCalendar(provisional=True)
    left: dict[dt.date, int] = {}
    notices = []
    for row in rows:
        deadline_id, assignee_id, _unit, label, _url, due_on = row
        if assignee_id is None:
            continue
        if due_on not in left:
            left[due_on] = calendar.working_days_between(today, due_on)
        title = _("即将到期：%(label)s，还剩 %(n)s 个工作日（期限 %(due)s）") % {
            "label": label,
            "n": left[due_on],
            "due": due_on,
        }
        key = f"deadline:{deadline_id}:due_soon:{due_on.isoformat()}"
        notices.append(_notice(assignee_id, NotificationKind.DUE_SOON, row, title, key))
    return notices
