"""Scheduling a station's quarter of the approved annual plan (按计划安排检查): planned
inspections spread over the quarter's working days and over two-person teams."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.common.errors import INVALID, invalid
from yaoan.core import audit
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit, User
from yaoan.inspections.enums import InspectionKind, InspectionStatus
from yaoan.inspections.models import Inspection
from yaoan.inspections.queries import active_inspectors
from yaoan.inspections.rules import can_supervise_inspections
from yaoan.inspections.scheduling import conflicted_inspectors, schedule_inspection, visit_days
from yaoan.plans.enums import PlanStatus
from yaoan.plans.keylist import live_entities
from yaoan.plans.models import AnnualPlan
from yaoan.registry.models import Entity


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_span(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end - dt.timedelta(days=1)


def _station_teams(station: OrgUnit) -> list[list[User]]:
    """Two-person teams for a station's plan visits: its own inspectors paired with each
    other, or with the bureau's inspectors when the station has only one."""
    local = list(active_inspectors().filter(org_unit=station).order_by("username"))
    district = list(
        active_inspectors()
        .filter(org_unit__kind__in=[OrgUnitKind.BUREAU, OrgUnitKind.SECTION])
        .order_by("username")
    )
    if len(local) >= 2:
        return [[local[i], local[(i + 1) % len(local)]] for i in range(len(local))]
    if local:
        return [[local[0], other] for other in district if other.pk != local[0].pk]
    return []


def _team_for(entity: Entity, teams: list[list[User]], n: int) -> list[User]:
    """The n-th team in rotation, skipping teams with a recorded conflict (回避)."""
    for k in range(len(teams)):
        team = teams[(n + k) % len(teams)]
        if not conflicted_inspectors(entity, team):
            return team
    raise invalid(
        INVALID,
        _("%(e)s：所有检查组都有应当回避的人员，请手工安排") % {"e": entity.name},
        field="station",
    )


def _partner_inspectors(department: OrgUnit | None, visits: list[Any]) -> list[User]:
    if department is None or not any(item.joint for item in visits):
        return []
    partners = list(active_inspectors().filter(org_unit=department).order_by("username"))
    if not partners:
        raise invalid(
            INVALID,
            _("%(d)s没有检查人员，无法安排联合检查") % {"d": department.name},
            field="joint_department",
        )
    return partners


@dataclass(frozen=True)
class PlanScheduling:
    """What schedule_from_plan did: visits scheduled, and the plan's entities it skipped
    (deleted or cancelled since the plan was approved), named for the chief."""

    scheduled: int
    skipped: tuple[str, ...] = ()


def _split_inspectable(items: list[Any]) -> tuple[list[Any], list[str]]:
    """The items whose entity can still be inspected, and the names of the others: one
    entity deregistered after approval must not hold up the station's whole quarter."""
    live = set(
        live_entities().filter(pk__in=[i.entity_id for i in items]).values_list("pk", flat=True)
    )
    skipped = [
        _("%(e)s（%(why)s）")
        % {
            "e": i.entity.name,
            "why": _("已删除") if i.entity.is_deleted else i.entity.get_status_display(),
        }
        for i in items
        if i.entity_id not in live
    ]
    return [i for i in items if i.entity_id in live], skipped


@transaction.atomic
def schedule_from_plan(
    *,
    actor: User,
    year: int,
    quarter: int,
    station: OrgUnit,
    joint_department: OrgUnit | None = None,
) -> PlanScheduling:
    """Turn a station's quarter of the approved annual plan into planned inspections, spread
    over the quarter's working days and over two-person teams; visits already scheduled
    are not repeated, entities deleted or cancelled since are skipped and named. Items the
    plan marks for a joint inspection (e.g. with 卫健委) carry ``joint_department``."""
    if not can_supervise_inspections(actor):
        raise PermissionDenied(_("只有股室负责人可以按计划安排检查"))
    if quarter not in (1, 2, 3, 4):
        raise invalid(INVALID, _("季度应为 1～4"), field="quarter")
    # the lock makes a second run (a double click) wait and then find the visits made
    plan = (
        AnnualPlan.objects.select_for_update().filter(year=year, status=PlanStatus.APPROVED).first()
    )
    if plan is None:
        raise invalid(INVALID, _("%(y)s 年度重点检查清单尚未批准") % {"y": year}, field="year")
    teams = _station_teams(station)
    if not teams:
        raise invalid(
            INVALID,
            _("%(s)s 没有可安排的检查员（至少两人）") % {"s": station.name},
            field="station",
        )
    start, end = quarter_span(year, quarter)
    first_day = max(start, timezone.localdate())
    if first_day > end:
        raise invalid(INVALID, _("该季度已结束"), field="quarter")
    items, skipped = _split_inspectable(
        list(
            plan.items.filter(station=station, **{f"q{quarter}__gt": 0})
            .select_related("entity__subdistrict__station")
            .order_by("entity_id")
        )
    )
    existing = dict(
        Inspection.objects.filter(
            plan_year=year,
            kind=InspectionKind.PLANNED,
            scheduled_for__range=(start, end),
            entity_id__in=[i.entity_id for i in items],
        )
        .exclude(status=InspectionStatus.CANCELLED)
        .values("entity_id")
        .annotate(n=Count("id"))
        .values_list("entity_id", "n")
    )
    if joint_department is None and any(item.joint for item in items):
        raise invalid(
            INVALID, _("本季度清单中有联合检查对象，请选择联合检查部门"), field="joint_department"
        )
    visits = [
        item
        for item in items
        for _n in range(max(0, getattr(item, f"q{quarter}") - existing.get(item.entity_id, 0)))
    ]
    partners = _partner_inspectors(joint_department, visits)
    days = visit_days(first_day, end, len(visits)) if visits else []
    for n, (item, day) in enumerate(zip(visits, days, strict=True)):
        team = _team_for(item.entity, teams, n)
        if item.joint:
            team = [*team, partners[n % len(partners)]]
        schedule_inspection(
            actor=actor,
            entity=item.entity,
            kind=InspectionKind.PLANNED,
            scheduled_for=day,
            inspectors=team,
            reason="；".join(str(r.get("text", "")) for r in item.reasons)[:500],
            plan_year=year,
            joint_department=joint_department if item.joint else None,
        )
    audit.record(
        "inspections.plan.scheduled",
        actor=actor,
        obj=plan,
        after={
            "quarter": quarter,
            "station": station.pk,
            "inspections": len(visits),
            "skipped": list(skipped),
        },
    )
    return PlanScheduling(len(visits), tuple(skipped))
