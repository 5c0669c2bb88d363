"""The demo district's year: from the first quarter the district was live to the present,
each quarter opened on its first working day — the chief commits and executes the
quarter's 双随机 draw and schedules each station's quarter of the approved plan — and every
visit of the past done on its day, with its follow-ups (inspections.demo.visits)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial

from django.core.exceptions import ValidationError
from django.utils import timezone

from yaoan.core.demo import clock
from yaoan.core.models import OrgUnit
from yaoan.draws import demo as draws_demo
from yaoan.draws import services as draw_services
from yaoan.inspections import plan_visits, scheduling
from yaoan.inspections.demo.timeline import Timeline
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
    """Put every quarter's opening on the timeline, then run it to the present."""
    today = timezone.localdate()
    timeline = history.timeline
    live = clock.history_day(today, OPENS_AFTER)
    for year, quarter in quarters(live, today):
        start = max(plan_visits.quarter_span(year, quarter)[0], live)
        if quarter == 1 and year > live.year:  # a later year's plan, in its first week
            plan_day = timeline.first_workday(start)
            timeline.add(plan_day, partial(_approve_plan, timeline, year, plan_day), 0)
            start = plan_day + dt.timedelta(days=3)
        day = timeline.first_workday(start)
        timeline.add(day, partial(_open_quarter, history, year, quarter), 0)
    timeline.run()


def _approve_plan(timeline: Timeline, year: int, day: dt.date) -> None:
    if not AnnualPlan.objects.filter(year=year, status=PlanStatus.APPROVED).exists():
        plans_demo.approve_year(year, day, timeline.workdays_after(day, 1))


def _open_quarter(history: History, year: int, quarter: int) -> None:
    chief = history.chief
    draw = draw_services.commit_draw(actor=chief, spec=draws_demo.random_draw_spec(year, quarter))
    scheduling.execute_draw(actor=chief, draw=draw)
    health = OrgUnit.objects.filter(code=HEALTH_CODE).first()
    for station in OrgUnit.objects.filter(code__in=STATIONS).order_by("code"):
        try:
            plan_visits.schedule_from_plan(
                actor=chief, year=year, quarter=quarter, station=station, joint_department=health
            )
        except ValidationError:
            break  # no approved plan for the year: nothing to schedule from
    present = timezone.localdate(history.timeline.present)
    for inspection in Inspection.objects.filter(
        scheduled_for__range=plan_visits.quarter_span(year, quarter),
        scheduled_for__lt=present,  # today's visits are today's work
        status=InspectionStatus.SCHEDULED,
    ).order_by("scheduled_for", "pk"):
        history.visit(inspection)
    history.tally.quarters.append(f"{year}Q{quarter}")
