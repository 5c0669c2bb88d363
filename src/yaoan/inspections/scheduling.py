"""Scheduling visits: one inspection at a time, and the visits of an executed draw.

Executing a draw (执行抽取) is this module's ``execute_draw``: it reveals the draw's result
(``draws.services.execute_draw``) and schedules a random inspection for every assignment,
spread over the working days of the draw's inspection period, in one transaction — a visit
that cannot be scheduled leaves the draw unexecuted. The draw pages and the API call it.
Visits are never scheduled in the past."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.core import audit
from yaoan.core.actors import is_system_actor
from yaoan.core.calendar import WorkingCalendar
from yaoan.core.enums import NotificationKind
from yaoan.core.models import OrgUnit, User
from yaoan.core.notifications import notify
from yaoan.core.transitions import take
from yaoan.draws import services as draw_services
from yaoan.draws.models import Draw, InspectorConflict
from yaoan.draws.queries import superseded_chain
from yaoan.inspections.enums import InspectionError, InspectionKind, InspectionStatus
from yaoan.inspections.models import Checklist, Inspection, InspectionInspector
from yaoan.inspections.rules import (
    can_inspect,
    can_schedule_inspections,
    may_join_team,
)
from yaoan.inspections.services import _error, _require_scope
from yaoan.inspections.workflow import INSPECTION
from yaoan.registry.models import Entity

MIN_TEAM = 2


def require_not_past(day: dt.date, field: str, label: str) -> None:
    """A visit is planned for today or later: a date in the past is a typing error or an
    attempt to back-date, and is refused naming the field."""
    if day < timezone.localdate():
        raise ValidationError(
            {
                field: ValidationError(
                    _("%(f)s（%(d)s）不能早于今天") % {"f": label, "d": day.isoformat()},
                    code="in_the_past",
                )
            }
        )


def checklist_for(entity_type: str, campaign: str = "") -> Checklist:
    current = Checklist.objects.filter(is_current=True)
    for checklist in current.filter(campaign=campaign) if campaign else []:
        if entity_type in checklist.entity_types:
            return checklist
    for checklist in current.filter(campaign=""):
        if entity_type in checklist.entity_types:
            return checklist
    general = current.filter(code="general").first()
    if general is None:
        raise ValidationError(_("未配置适用于该类监管对象的检查表"))
    return general


# --- scheduling ----------------------------------------------------------------------------


def _check_team(
    inspectors: Sequence[User],
    joint_department: OrgUnit | None,
    entity: Entity,
    *,
    drawn: bool = False,
) -> None:
    if len({u.pk for u in inspectors}) < MIN_TEAM:
        raise _error(
            InspectionError.CONFIRMATION_MISSING,
            "inspectors",
            _("每次检查至少安排两名检查人员"),
        )
    not_inspectors = [
        u.display_name or u.username
        for u in inspectors
        if not can_inspect(u) or is_system_actor(u)  # a job visits nobody
    ]
    if not_inspectors:
        raise ValidationError(
            {"inspectors": _("以下人员不是检查员：%(n)s") % {"n": "、".join(not_inspectors)}}
        )
    if not drawn:
        # the form offers only these; the API and every other caller are held to the same
        # rule here (S9). A verifiable draw picks from its own published pool.
        outsiders = [
            u.display_name or u.username
            for u in inspectors
            if not may_join_team(u, entity.subdistrict.station_id)
        ]
        if outsiders:
            raise ValidationError(
                {
                    "inspectors": _(
                        "以下人员不属于该监管对象所在的监管所或区级单位，不能参加本次检查：%(n)s"
                    )
                    % {"n": "、".join(outsiders)}
                }
            )
    if joint_department is not None and all(
        u.org_unit_id != joint_department.pk for u in inspectors
    ):
        raise ValidationError(
            {"inspectors": _("联合检查须有%(d)s的检查人员参加") % {"d": joint_department.name}}
        )
    conflicted = conflicted_inspectors(entity, inspectors)
    if conflicted:
        raise ValidationError(
            {
                "inspectors": _("以下人员与该监管对象有登记的利害关系，应当回避：%(n)s")
                % {"n": "、".join(u.display_name or u.username for u in conflicted)}
            }
        )


def conflicted_inspectors(entity: Entity, inspectors: Iterable[User]) -> list[User]:
    """Inspectors with a recorded conflict of interest with the entity (回避)."""
    people = list(inspectors)
    ids = set(
        InspectorConflict.objects.filter(
            entity=entity, inspector__in=[u.pk for u in people], is_removed=False
        ).values_list("inspector_id", flat=True)
    )
    return [u for u in people if u.pk in ids]


@transaction.atomic
def schedule_inspection(
    *,
    actor: User,
    entity: Entity,
    kind: str,
    scheduled_for: dt.date,
    inspectors: Sequence[User],
    reason: str = "",
    campaign: str = "",
    draw: Draw | None = None,
    joint_department: OrgUnit | None = None,
    plan_year: int | None = None,
) -> Inspection:
    """Schedule one inspection, on today or a later day."""
    if not can_schedule_inspections(actor):
        raise PermissionDenied(_("只有股室负责人或检查员可以安排检查"))
    _require_scope(actor, entity)
    if kind not in InspectionKind.values or kind == InspectionKind.REINSPECTION:
        raise ValidationError({"kind": _("检查类型无效")})
    # 双随机 results are published as random: only a verifiable draw may choose them
    if kind == InspectionKind.RANDOM and draw is None:
        raise ValidationError({"kind": _("双随机抽查只能由双随机抽取产生，请使用“双随机抽取”")})
    if kind in (InspectionKind.COMPLAINT, InspectionKind.FLYING) and not reason.strip():
        raise ValidationError({"reason": _("投诉举报核查和飞行检查须写明检查事由")})
    if kind == InspectionKind.CAMPAIGN and not campaign.strip():
        raise ValidationError({"campaign": _("专项检查须填写专项名称")})
    if entity.is_deleted:
        raise ValidationError({"entity": _("该监管对象已删除")})
    require_not_past(scheduled_for, "scheduled_for", _("计划检查日期"))
    # a drawn team too: a conflict recorded after the draw's commitment is not in its inputs
    _check_team(inspectors, joint_department, entity, drawn=draw is not None)
    inspection = Inspection.objects.create(
        entity=entity,
        station=entity.subdistrict.station,
        kind=kind,
        campaign=campaign.strip(),
        checklist=checklist_for(entity.entity_type, campaign.strip()),
        scheduled_for=scheduled_for,
        plan_year=plan_year,
        draw=draw,
        joint_department=joint_department,
        reason=reason.strip(),
        created_by=actor,
    )
    InspectionInspector.objects.bulk_create(
        InspectionInspector(inspection=inspection, inspector=u)
        for u in {u.pk: u for u in inspectors}.values()
    )
    for inspector in {u.pk: u for u in inspectors}.values():
        notify(
            inspector,
            NotificationKind.ASSIGNED,
            _("分派给您的检查：%(e)s（%(d)s）")
            % {"e": entity.name, "d": scheduled_for.isoformat()},
            link=inspection.get_absolute_url(),
            subject=inspection,
        )
    audit.record(
        "inspections.inspection.scheduled",
        actor=actor,
        obj=inspection,
        after={
            "entity": entity.pk,
            "kind": kind,
            "scheduled_for": scheduled_for.isoformat(),
            "inspectors": sorted(u.username for u in inspectors),
            "reason": reason.strip(),
            "draw": getattr(draw, "pk", None),
        },
    )
    return inspection


def cancel_inspection(
    *, actor: User, inspection: Inspection, reason: str, by_redraw: bool = False
) -> Inspection:
    """Cancel with a reason. A drawn inspection is cancelled only when a redraw replacing
    its draw is executed (the "cancel_for_redraw" row of the table; its permission says so):
    a published draw cannot be quietly thinned out."""
    action = "cancel_for_redraw" if by_redraw else "cancel"
    cancelled = take(INSPECTION, inspection, action, actor=actor, reason=reason)
    assert isinstance(cancelled, Inspection)
    return cancelled


def visit_days(
    first_day: dt.date, end: dt.date, count: int, field: str = "quarter"
) -> list[dt.date]:
    """``count`` dates spread evenly from ``first_day`` to ``end``, each moved to the next
    working day (at the period's end, back to its last one). In a year whose official
    schedule is not loaded yet the provisional calendar (weekends and statutory holidays)
    places them: work never waits for the State Council's notice."""
    calendar = WorkingCalendar(provisional=True)
    span = (end - first_day).days
    workdays = [
        day
        for day in (first_day + dt.timedelta(days=i) for i in range(span + 1))
        if calendar.is_workday(day)
    ]
    if not workdays:
        raise ValidationError(
            {field: _("%(a)s 至 %(b)s 之间没有工作日") % {"a": first_day, "b": end}}
        )
    days = []
    for n in range(count):
        spread = first_day + dt.timedelta(days=span * n // max(1, count))
        days.append(workdays[min(bisect_left(workdays, spread), len(workdays) - 1)])
    return days


# --- the visits of a draw --------------------------------------------------------------------


def _draw_period(draw: Draw, today: dt.date) -> tuple[dt.date, dt.date]:
    """Where a draw's visits fall: its inspection period from today on. A draw made before
    draws had a period gets the day of its execution, as it always did."""
    if draw.visits_from is None or draw.visits_until is None:
        return today, today
    return max(draw.visits_from, today), draw.visits_until


def schedule_from_draw(*, actor: User, draw: Draw) -> list[Inspection]:
    """An executed draw's assignments become random inspections with the drawn teams,
    spread over the working days of the draw's inspection period. An executed redraw first
    cancels the inspections not yet started of every draw it replaces, back along the chain:
    a redraw of a redraw that never ran leaves the first draw's inspections to it, and
    nobody else may cancel a drawn inspection."""
    earlier = superseded_chain(draw)
    if earlier:
        reason = _("重新抽取：%(r)s") % {"r": draw.redraw_reason}
        for old in Inspection.objects.filter(
            draw_id__in=earlier, status=InspectionStatus.SCHEDULED
        ).order_by("pk"):
            cancel_inspection(actor=actor, inspection=old, reason=reason, by_redraw=True)
    assignments = list(
        draw.assignments.select_related("entity__subdistrict__station")
        .prefetch_related("inspectors")
        .order_by("rank")
    )
    start, end = _draw_period(draw, timezone.localdate())
    days = visit_days(start, end, len(assignments), field="visits_until") if assignments else []
    return [
        schedule_inspection(
            actor=actor,
            entity=assignment.entity,
            kind=InspectionKind.RANDOM,
            scheduled_for=day,
            inspectors=list(assignment.inspectors.all()),
            reason=_("双随机抽取：%(t)s") % {"t": draw.title},
            draw=draw,
            joint_department=draw.partner_unit,
        )
        for assignment, day in zip(assignments, days, strict=True)
    ]


@transaction.atomic
def execute_draw(*, actor: User, draw: Draw) -> Draw:
    """执行抽取: publish the seed and the result, then schedule the drawn visits."""
    draw = draw_services.execute_draw(actor=actor, draw=draw)
    schedule_from_draw(actor=actor, draw=draw)
    return draw
