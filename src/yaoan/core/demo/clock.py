"""The demo's clock: its history is loaded the way it would have happened, by running the
normal services with the clock set to past dates (``time_machine``), in chronological
order so the audit log reads like the year it records.

``at(day, minutes)`` travels to ``day`` at 08:30 local time plus ``minutes``; the clock
ticks on from there, so the rows of one step keep their order. Nothing outside the demo
travels: the loader returns to the present when each step is done."""

from __future__ import annotations

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
def at(day: dt.date, minutes: int = 0) -> Iterator[dt.datetime]:
    """Run the block as if it were ``day`` (a past or present day, never the future: the
    demo records what happened, not what will)."""
    when = moment(day, minutes)
    if when > timezone.now():
        yield timezone.now()
        return
    with time_machine.travel(when, tick=True):
        yield when


def history_start(today: dt.date) -> dt.date:
    """The district goes live on the first Monday of the year whose plan the history
    follows: this year, or last year while this one is under a quarter old (so that the
    dashboard always shows at least a quarter of done work)."""
    year = today.year if today.month > 3 else today.year - 1
    first = dt.date(year, 1, 2)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7)
