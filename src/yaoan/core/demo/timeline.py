"""A timeline of the demo's history: events (a visit done, an order answered, a quarter
opened …) run in date order, each with the clock set to its moment (core.demo.clock), so
the audit log, deadlines and documents read like the year they record. An event may add
later ones; an event of today or later does not happen (today's work is the user's, and
the history is the same whatever the hour it is loaded at)."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from yaoan.core.calendar import WorkingCalendar
from yaoan.core.demo import clock
from yaoan.core.sweep import sweep_deadlines

FIRST_SLOT = 60  # minutes into the working day
SLOT = 40


@dataclass(order=True)
class Event:
    when: dt.datetime
    seq: int
    run: Callable[[], None] = field(compare=False)


class Timeline:
    def __init__(self) -> None:
        self._events: list[Event] = []
        self._seq = 0
        self._slots: Counter[dt.date] = Counter()
        # taken before any travel: the history ends with yesterday
        self.today = timezone.localdate()
        self.calendar = WorkingCalendar(provisional=True)

    def add(self, day: dt.date, run: Callable[[], None], minutes: int | None = None) -> None:
        """``run`` on ``day``: at ``minutes`` into the working day, or in the day's next
        free slot from an hour in (40 minutes apart, so no two visits share a one-time
        code's 30 s and each starts after whatever opened the day has finished)."""
        if minutes is None:
            minutes = FIRST_SLOT + SLOT * self._slots[day]
            self._slots[day] += 1
        if day < self.today:
            self._seq += 1
            heapq.heappush(self._events, Event(clock.moment(day, minutes), self._seq, run))

    def workdays_after(self, day: dt.date, days: int) -> dt.date:
        return self.calendar.add_working_days(day, days)

    def first_workday(self, day: dt.date) -> dt.date:
        while not self.calendar.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def run(self) -> int:
        """Run the events in order; one that falls at the same moment as the one before
        starts where that one ended, so the audit log's times never go backwards."""
        done = 0
        ended: dt.datetime | None = None
        while self._events:
            event = heapq.heappop(self._events)
            with clock.travel(event.when if ended is None else max(event.when, ended)):
                event.run()
                ended = timezone.now()
            done += 1
        return done


Moment = tuple[dt.date, int]  # a step's day and minutes into the working day
Story = Iterator[Moment]  # yields the moment of its next step, then takes it


def schedule_story(story: Story, add: Callable[[dt.date, Callable[[], None], int], None]) -> None:
    """Put the story's next step on a timeline (``Timeline.add`` or a DemoHistory's
    ``add``): running it takes the step and puts the one after. A step of today or later
    is not run, and the story ends there."""
    moment = next(story, None)
    if moment is not None:
        day, minutes = moment
        add(day, lambda: schedule_story(story, add), minutes)


def run_stories(stories: Iterable[Story]) -> int:
    """A module's stories run on their own, in date order (when its history was not put
    on the inspections' timeline, e.g. its demo step loaded alone); the steps run."""
    timeline = Timeline()
    for story in stories:
        schedule_story(story, timeline.add)
    return timeline.run()


def weekday_before(today: dt.date, days_ago: int) -> dt.date:
    """``days_ago`` days before ``today``, moved back to a Friday from a weekend (staff act
    on working days; a story's dates need not follow the official calendar)."""
    day = today - dt.timedelta(days=days_ago)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def weekday_after(day: dt.date, days: int) -> dt.date:
    """``days`` days after ``day``, moved on to a Monday from a weekend."""
    later = day + dt.timedelta(days=days)
    while later.weekday() >= 5:
        later += dt.timedelta(days=1)
    return later


class StoryHistory:
    """A module's demo history told as stories, for its DemoHistory and its DemoStep:
    ``schedule`` puts them on the demo's one timeline; ``load`` then only sums up, or, when
    the timeline did not run them in this process (the step loaded on its own), runs them
    here in date order. ``stories()`` gives None when the district lacks what they need or
    already has them (so a second load changes nothing)."""

    def __init__(
        self,
        stories: Callable[[], Iterable[Story] | None],
        exists: Callable[[], bool],
        summary: Callable[[], str],
    ) -> None:
        self.stories, self.exists, self.summary = stories, exists, summary
        self.scheduled = False

    def schedule(self, add: Callable[[dt.date, Callable[[], None], int], None]) -> None:
        stories = self.stories()
        if stories is None:
            return
        for story in stories:
            schedule_story(story, add)
        self.scheduled = True

    def load(self) -> str:
        on_timeline, self.scheduled = self.scheduled, False
        if on_timeline and self.exists():
            return self.summary()
        stories = self.stories()
        if stories is None:
            return ""
        with transaction.atomic():
            run_stories(stories)
        sweep_deadlines()
        return self.summary()
