"""The demo's clock: its history is loaded the way it would have happened, by running the
normal services with the clock set to past dates (``time_machine``), in chronological
order so the audit log reads like the year it records.

``at(day, minutes)`` travels to ``day`` at 08:30 local time plus ``minutes``; the clock
ticks on from there, so the rows of one step keep their order. Nothing outside the demo
travels: the loader returns to the present when each step is done."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import time_machine
from django.utils import timezone

WORKDAY_START = dt.time(8, 30)


def moment(day: dt.date, minutes: int = 0) -> dt.datetime:
    start = dt.datetime.combine(day, WORKDAY_START, tzinfo=timezone.get_current_timezone())
    return start + dt.timedelta(minutes=minutes)


@contextmanager
def travel(when: dt.datetime) -> Iterator[dt.datetime]:
    """Run the block as if it were ``when``, a moment of the past; a moment still to come
    runs now instead (the demo records what happened, not what will)."""
    if when >= timezone.now():
        yield timezone.now()
        return
    with time_machine.travel(when, tick=True):
        yield when


def at(day: dt.date, minutes: int = 0) -> contextlib.AbstractContextManager[dt.datetime]:
    """``travel`` to ``day`` at the start of the working day plus ``minutes``."""
    return travel(moment(day, minutes))


def go_live(today: dt.date) -> dt.date:
    """The district goes live on the first Monday of the year whose plan the history
    follows: this year, or last year while this one is under a quarter old (so that the
    dashboard always shows at least a quarter of done work)."""
    year = today.year if today.month > 3 else today.year - 1
    first = dt.date(year, 1, 2)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7)


def history_day(today: dt.date, days: int) -> dt.date:
    """A day of the history's first weeks, ``days`` after the district went live: each demo
    step has its own, so that the steps (run one after another) stay in date order."""
    return go_live(today) + dt.timedelta(days=days)
