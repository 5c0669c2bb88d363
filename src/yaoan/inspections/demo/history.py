"""The demo district's year: from the first quarter the district was live to the present,
each quarter opened on its first working day — the chief commits and executes the
quarter's 双随机 draw and schedules each station's quarter of the approved plan — and every
visit of the past done on its day, with its follow-ups (inspections.demo.visits)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from functools import partial

from django.core.exceptions import ValidationError

from yaoan.common.demo_steps import DEMO_HISTORIES
from yaoan.core.demo import clock
from yaoan.core.demo.timeline import Timeline
from yaoan.core.models import OrgUnit, User
from yaoan.draws import demo as draws_demo
from yaoan.inspections import plan_visits, scheduling
from yaoan.inspections.demo.visits import History
from yaoan.inspections.enums import InspectionStatus
from yaoan.inspections.models import Inspection
from yaoan.plans import demo as plans_demo
from yaoan.plans.enums import PlanStatus
from yaoan.plans.models import AnnualPlan

HEALTH_CODE = "qj-dept-health"  # the demo's 卫健委, partner of the plan's joint inspections
STATIONS = ("qj-station-guihua", "qj-station-jiangcheng", "qj-station-shimen")
OPENS_AFTER = 4  # days after the district went live: after the plans and draws steps


def quarters(first: dt.date, last: dt.date) -> Iterator[tuple[int, int]]:
    year, quarter = first.year, plan_visits.quarter_of(first)
    while (year, quarter) <= (last.year, plan_visits.quarter_of(last)):
        yield year, quarter
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def load_history(history: History) -> None:
    """Put every quarter's opening on the timeline, then run it to the present; a quarter
    that opens today (or a plan due today) is opened now, after the history."""
    timeline = history.timeline
    live = clock.history_day(timeline.today, OPENS_AFTER)
    now: list[Callable[[], None]] = []
    for year, quarter in quarters(live, timeline.today):
        start = max(plan_visits.quarter_span(year, quarter)[0], live)
        if quarter == 1 and year > live.year:  # a later year's plan, in its first week
            plan_day = timeline.first_workday(start)
            approve = partial(_approve_plan, timeline, year, plan_day)
            _past_or_now(timeline, plan_day, approve, now)
            start = plan_day + dt.timedelta(days=3)
        day = timeline.first_workday(start)
        _past_or_now(timeline, day, partial(_open_quarter, history, year, quarter), now)
    for other in DEMO_HISTORIES:  # the other modules' past, in the same date order
        other.schedule(timeline.add)
    timeline.run()
    for run in now:
        run()


def _past_or_now(
    timeline: Timeline, day: dt.date, run: Callable[[], None], now: list[Callable[[], None]]
) -> None:
    if day < timeline.today:
        timeline.add(day, run, 0)
    else:
        now.append(run)


def _approve_plan(timeline: Timeline, year: int, day: dt.date) -> None:
    if not AnnualPlan.objects.filter(year=year, status=PlanStatus.APPROVED).exists():
        plans_demo.approve_year(year, day, timeline.workdays_after(day, 1))


def _draw_quarter(chief: User, year: int, quarter: int) -> None:
    """The quarter's random draw, executed (drawn again while infeasible)."""
    spec = draws_demo.random_draw_spec(year, quarter)
    draws_demo.draw_until_feasible(
        chief, spec, lambda draw: scheduling.execute_draw(actor=chief, draw=draw)
    )


def _open_quarter(history: History, year: int, quarter: int) -> None:
    chief = history.chief
    _draw_quarter(chief, year, quarter)
    health = OrgUnit.objects.filter(code=HEALTH_CODE).first()
    for station in OrgUnit.objects.filter(code__in=STATIONS).order_by("code"):
        try:
            plan_visits.schedule_from_plan(
                actor=chief, year=year, quarter=quarter, station=station, joint_department=health
            )
        except ValidationError:
            break  # no approved plan for the year: nothing to schedule from
    for inspection in Inspection.objects.filter(
        scheduled_for__range=plan_visits.quarter_span(year, quarter),
        scheduled_for__lt=history.timeline.today,  # today's visits are today's work
        status=InspectionStatus.SCHEDULED,
    ).order_by("scheduled_for", "pk"):
        history.visit(inspection)
    history.tally.quarters.append(f"{year}Q{quarter}")
