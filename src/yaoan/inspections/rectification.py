"""Following a rectification order up (整改跟进): the business's response and the
re-inspection — passed closes the order and meets its deadline, failed (重新限期整改)
reopens it with the new deadline the inspector sets. The order itself, with its first
deadline, is issued by the inspection's submission (services._complete)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.common.errors import INVALID, invalid
from yaoan.core.calendar import WorkingCalendar
from yaoan.core.models import User
from yaoan.core.transitions import take
from yaoan.inspections.models import RectificationOrder
from yaoan.inspections.services import _open_order_deadline
from yaoan.inspections.workflow import RECTIFICATION


def record_rectification_response(
    *, actor: User, order: RectificationOrder, response: str
) -> RectificationOrder:
    """The business's written account of what it put right (entered by staff until the
    business portal exists)."""
    if not response.strip():
        raise invalid(INVALID, _("请填写企业整改情况"), field="response")

    def responded(locked: Any) -> list[str]:
        locked.response = response.strip()
        locked.responded_at = timezone.now()
        return ["response", "responded_at"]

    done = take(RECTIFICATION, order, "respond", actor=actor, update=responded)
    assert isinstance(done, RectificationOrder)
    return done


MAX_RECTIFICATION_DAYS = 120
REINSPECTION_FIELDS = ("reinspected_at", "reinspected_by", "reinspection_note")


def new_rectification_deadline(
    today: dt.date, *, new_deadline: dt.date | None = None, working_days: int | None = None
) -> dt.date:
    """The deadline a failed re-inspection sets: a date, or a number of working days from
    today; one of the two, not in the past."""
    if new_deadline is None and working_days is None:
        raise invalid(
            "required",
            _("整改不到位的，须给出新的整改期限（日期或工作日数）"),
            field="new_deadline",
        )
    if new_deadline is not None and working_days is not None:
        raise invalid(INVALID, _("新的整改期限请只填写日期或工作日数之一"), field="new_deadline")
    if working_days is not None:
        if not 1 <= working_days <= MAX_RECTIFICATION_DAYS:
            raise invalid(
                INVALID,
                _("整改工作日数须在 1 到 %(m)d 之间") % {"m": MAX_RECTIFICATION_DAYS},
                field="working_days",
            )
        # into a year whose schedule is not loaded: weekends and statutory holidays
        return WorkingCalendar(provisional=True).add_working_days(today, working_days)
    assert new_deadline is not None
    if new_deadline <= today:
        raise invalid(
            "in_the_past",
            _("新的整改期限（%(d)s）须晚于今天") % {"d": new_deadline.isoformat()},
            field="new_deadline",
        )
    return new_deadline


@transaction.atomic
def record_reinspection(
    *,
    actor: User,
    order: RectificationOrder,
    passed: bool,
    note: str,
    new_deadline: dt.date | None = None,
    working_days: int | None = None,
) -> RectificationOrder:
    """Re-inspection: passed closes the order (销号) and meets its deadline; failed reopens
    it with the new deadline the inspector sets (重新限期整改: a date or a number of
    working days), which replaces the old one."""
    if not note.strip():
        raise invalid(INVALID, _("请填写复查情况"), field="note")
    now = timezone.now()
    due = None
    if not passed:
        due = new_rectification_deadline(
            timezone.localdate(now), new_deadline=new_deadline, working_days=working_days
        )

    def reinspected(locked: Any) -> list[str]:
        locked.reinspected_at, locked.reinspected_by = now, actor
        locked.reinspection_note = note.strip()
        if passed:
            locked.closed_at, locked.closed_by = now, actor
            return [*REINSPECTION_FIELDS, "closed_at", "closed_by"]
        locked.rounds += 1
        return [*REINSPECTION_FIELDS, "rounds"]

    action = "reinspect_passed" if passed else "reinspect_failed"
    details = {"deadline": due.isoformat()} if due else {}
    done = take(RECTIFICATION, order, action, actor=actor, update=reinspected, details=details)
    assert isinstance(done, RectificationOrder)
    if due is not None:
        _open_order_deadline(actor, done, due_on=due)
    return done
