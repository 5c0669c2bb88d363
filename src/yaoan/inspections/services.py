"""The only writers of inspections: one function per business action, each atomic and
audited. Pages, the API, commands and the draw listener all call these."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from yaoan.analytics.inspection_risk import GradingRule, InspectionHistory, grade_from_history
from yaoan.core import audit
from yaoan.core.calendar import CalendarYearUnknownError, WorkingCalendar
from yaoan.core.deadlines import compute_deadline
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import Attachment, OrgUnit, User
from yaoan.core.numbering import next_document_number
from yaoan.core.rules import data_scope
from yaoan.draws.models import InspectorConflict
from yaoan.inspections.enums import (
    PUBLISHED_KINDS,
    EscalationTarget,
    InspectionError,
    InspectionKind,
    InspectionResult,
    InspectionStatus,
    ItemResult,
    RectificationStatus,
    Severity,
)
from yaoan.inspections.models import (
    Checklist,
    ChecklistItem,
    Finding,
    Inspection,
    InspectionInspector,
    ItemRecord,
    RectificationOrder,
)
from yaoan.inspections.queries import active_inspectors
from yaoan.inspections.rules import (
    can_follow_up_rectification,
    can_inspect,
    can_schedule_inspections,
    can_supervise_inspections,
)
from yaoan.inspections.workflow import next_inspection_status, next_rectification_status
from yaoan.intake.enums import IntakeKind, IntakeStatus, Urgency
from yaoan.intake.models import IntakeItem
from yaoan.intake.queries import items_from_source
from yaoan.intake.services import submit_intake
from yaoan.plans.enums import PlanStatus
from yaoan.plans.keylist import live_entities
from yaoan.plans.models import AnnualPlan
from yaoan.registry import services as registry_services
from yaoan.registry.enums import RatingKind
from yaoan.registry.models import Entity

INSPECTION_PREFIX = "药检记"
RECTIFICATION_PREFIX = "责改通"
RECTIFICATION_RULE = "rectification"
PUBLICATION_RULE = "random_inspection_publication"
GRADING_RULE = GradingRule()
MIN_TEAM = 2


def _error(code: InspectionError, field: str | None = None, message: str = "") -> ValidationError:
    text = message or str(code.label)
    error = ValidationError(text, code=code.value)
    return ValidationError({field: error}) if field else error


def _deadline(code: str, start: dt.date) -> dt.date:
    """A working-day deadline; a year the calendar does not know yet is a clear message
    naming what the administrator must do, not a server error (S20)."""
    try:
        return compute_deadline(code, start)
    except CalendarYearUnknownError as exc:
        raise ValidationError(str(exc), code="calendar_unknown_year") from exc


def _require_scope(actor: User, entity: Entity) -> None:
    if not data_scope(actor).covers(entity.subdistrict.station_id):
        raise PermissionDenied(_("该监管对象不在您的管辖范围内"))


def _on_team(actor: User, inspection: Inspection) -> bool:
    return inspection.team.filter(inspector=actor).exists()


def _transition(inspection: Inspection, action: str) -> str:
    new = next_inspection_status(inspection.status, action)
    if new is None:
        raise _error(
            InspectionError.ILLEGAL_TRANSITION,
            message=_("“%(s)s”状态的检查不能%(a)s")
            % {"s": inspection.get_status_display(), "a": ACTION_LABELS.get(action, action)},
        )
    return new


ACTION_LABELS = {
    "start": _("开始检查"),
    "submit": _("提交"),
    "cancel": _("取消"),
    "respond": _("登记整改回复"),
    "reinspect_passed": _("复查销号"),
    "reinspect_failed": _("复查不合格"),
}


# --- checklists ----------------------------------------------------------------------------


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
    inspectors: Sequence[User], joint_department: OrgUnit | None, entity: Entity
) -> None:
    if len({u.pk for u in inspectors}) < MIN_TEAM:
        raise _error(
            InspectionError.CONFIRMATION_MISSING,
            "inspectors",
            _("每次检查至少安排两名检查人员"),
        )
    not_inspectors = [u.display_name or u.username for u in inspectors if not can_inspect(u)]
    if not_inspectors:
        raise ValidationError(
            {"inspectors": _("以下人员不是检查员：%(n)s") % {"n": "、".join(not_inspectors)}}
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
    draw: Any = None,
    joint_department: OrgUnit | None = None,
    plan_year: int | None = None,
    system: bool = False,
) -> Inspection:
    """Schedule one inspection. ``system`` is for the draw listener, which acts for the
    chief who executed the draw and has already checked scope and roles."""
    if not system:
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
    # a drawn team too: a conflict recorded after the draw's commitment is not in its inputs
    _check_team(inspectors, joint_department, entity)
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


@transaction.atomic
def cancel_inspection(
    *, actor: User, inspection: Inspection, reason: str, by_redraw: bool = False
) -> Inspection:
    """Cancel with a reason. An inspection a draw chose is cancelled only by a redraw: a
    published draw cannot be quietly thinned out."""
    if not can_supervise_inspections(actor):
        raise PermissionDenied(_("只有股室负责人可以取消检查"))
    _require_scope(actor, inspection.entity)
    if inspection.draw_id and not by_redraw:
        raise _error(
            InspectionError.ILLEGAL_TRANSITION,
            message=_("双随机抽取产生的检查不能单独取消；确需调整的，请重新抽取并说明原因"),
        )
    if not reason.strip():
        raise ValidationError({"reason": _("取消检查须填写原因")})
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    before = inspection.status
    inspection.status = _transition(inspection, "cancel")
    inspection.save(update_fields=["status", "updated_at"])
    audit.record(
        "inspections.inspection.cancelled",
        actor=actor,
        obj=inspection,
        reason=reason.strip(),
        before={"status": before},
        after={"status": inspection.status},
    )
    return inspection


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
    raise ValidationError(
        {"station": _("%(e)s：所有检查组都有应当回避的人员，请手工安排") % {"e": entity.name}}
    )


def _partner_inspectors(department: OrgUnit | None, visits: list[Any]) -> list[User]:
    if department is None or not any(item.joint for item in visits):
        return []
    partners = list(active_inspectors().filter(org_unit=department).order_by("username"))
    if not partners:
        raise ValidationError(
            {"joint_department": _("%(d)s没有检查人员，无法安排联合检查") % {"d": department.name}}
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


def _visit_days(first_day: dt.date, end: dt.date, count: int) -> list[dt.date]:
    """``count`` dates spread evenly from ``first_day`` to ``end``, each moved to the next
    working day (at the quarter's end, back to its last one). A year the calendar does
    not know is the administrator's to load, not a weekend-only guess (S20)."""
    calendar = WorkingCalendar()
    span = (end - first_day).days
    try:
        workdays = [
            day
            for day in (first_day + dt.timedelta(days=i) for i in range(span + 1))
            if calendar.is_workday(day)
        ]
    except CalendarYearUnknownError as exc:
        raise ValidationError(
            _("无法按工作日安排检查日期：%(e)s") % {"e": exc}, code="calendar_unknown_year"
        ) from exc
    if not workdays:
        raise ValidationError({"quarter": _("该季度剩余的日子里没有工作日")})
    days = []
    for n in range(count):
        spread = first_day + dt.timedelta(days=span * n // max(1, count))
        days.append(workdays[min(bisect_left(workdays, spread), len(workdays) - 1)])
    return days


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
        raise ValidationError({"quarter": _("季度应为 1～4")})
    # the lock makes a second run (a double click) wait and then find the visits made
    plan = (
        AnnualPlan.objects.select_for_update().filter(year=year, status=PlanStatus.APPROVED).first()
    )
    if plan is None:
        raise ValidationError({"year": _("%(y)s 年度重点检查清单尚未批准") % {"y": year}})
    teams = _station_teams(station)
    if not teams:
        raise ValidationError(
            {"station": _("%(s)s 没有可安排的检查员（至少两人）") % {"s": station.name}}
        )
    start, end = quarter_span(year, quarter)
    first_day = max(start, timezone.localdate())
    if first_day > end:
        raise ValidationError({"quarter": _("该季度已结束")})
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
        raise ValidationError(
            {"joint_department": _("本季度清单中有联合检查对象，请选择联合检查部门")}
        )
    visits = [
        item
        for item in items
        for _n in range(max(0, getattr(item, f"q{quarter}") - existing.get(item.entity_id, 0)))
    ]
    partners = _partner_inspectors(joint_department, visits)
    days = _visit_days(first_day, end, len(visits)) if visits else []
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


# --- on site -------------------------------------------------------------------------------


def _require_inspector_on_team(actor: User, inspection: Inspection) -> None:
    if not can_inspect(actor) or not _on_team(actor, inspection):
        raise PermissionDenied(str(InspectionError.NOT_ASSIGNED.label))


@transaction.atomic
def start_inspection(*, actor: User, inspection: Inspection) -> Inspection:
    _require_inspector_on_team(actor, inspection)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    inspection.status = _transition(inspection, "start")
    inspection.started_at = timezone.now()
    inspection.save(update_fields=["status", "started_at", "updated_at"])
    audit.record(
        "inspections.inspection.started",
        actor=actor,
        obj=inspection,
        before={"status": InspectionStatus.SCHEDULED},
        after={"status": inspection.status},
    )
    return inspection


@dataclass(frozen=True)
class Location:
    latitude: Decimal
    longitude: Decimal
    accuracy_m: int | None


def parse_location(lat: str, lon: str, accuracy: str = "") -> Location | None:
    """A browser's geolocation reading, or None when there is none; bad values → error."""
    if not lat and not lon:
        return None
    try:
        latitude, longitude = Decimal(lat), Decimal(lon)
        accuracy_m = int(float(accuracy)) if accuracy else None
    except (InvalidOperation, ValueError, OverflowError):
        raise ValidationError({"location": _("定位数据无效")}) from None
    finite = latitude.is_finite() and longitude.is_finite()
    if not finite or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationError({"location": _("定位数据超出范围")})
    quantum = Decimal("0.000001")
    return Location(latitude.quantize(quantum), longitude.quantize(quantum), accuracy_m)


def _item_map(inspection: Inspection) -> dict[int, ChecklistItem]:
    return {i.pk: i for i in inspection.checklist.items.all()}


@transaction.atomic
def save_draft(
    *,
    actor: User,
    inspection: Inspection,
    records: Mapping[int, tuple[str, str]],
    summary: str | None = None,
    location: Location | None = None,
) -> Inspection:
    """Save what has been filled so far (the page saves after every change). Starts a
    scheduled inspection. Times are the server's; the location is the device's reading,
    stamped with the server time it arrived at (S18)."""
    _require_inspector_on_team(actor, inspection)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.status == InspectionStatus.SCHEDULED:
        inspection = start_inspection(actor=actor, inspection=inspection)
    if inspection.status != InspectionStatus.IN_PROGRESS:
        raise _error(
            InspectionError.REASON_REQUIRED,
            message=_("检查已提交，修改须走“提交后修改”并填写原因"),
        )
    items = _item_map(inspection)
    now = timezone.now()
    existing = {r.item_id: r for r in inspection.records.all()}
    changed: dict[str, Any] = {}
    for item_id, (result, note) in records.items():
        if item_id not in items:
            raise ValidationError({"records": _("检查项目 %(i)s 不属于本检查表") % {"i": item_id}})
        if result not in ItemResult.values:
            raise ValidationError(
                {"records": _("第 %(n)s 项的结果无效") % {"n": items[item_id].number}}
            )
        record = existing.get(item_id)
        if record is None:
            ItemRecord.objects.create(
                inspection=inspection,
                item_id=item_id,
                result=result,
                note=note.strip(),
                recorded_by=actor,
                recorded_at=now,
            )
        elif (record.result, record.note) != (result, note.strip()):
            record.result, record.note = result, note.strip()
            record.recorded_by, record.recorded_at = actor, now
            record.save(update_fields=["result", "note", "recorded_by", "recorded_at"])
        else:
            continue
        changed[items[item_id].number] = [result, note.strip()]
    fields = ["updated_at"]
    if summary is not None and summary.strip() != inspection.summary:
        inspection.summary = summary.strip()
        changed["summary"] = inspection.summary
        fields.append("summary")
    if location is not None:
        inspection.latitude, inspection.longitude = location.latitude, location.longitude
        inspection.location_accuracy_m = location.accuracy_m
        inspection.located_at = now
        changed["location"] = [str(location.latitude), str(location.longitude)]
        fields += ["latitude", "longitude", "location_accuracy_m", "located_at"]
    if changed:
        inspection.save(update_fields=fields)
        audit.record(
            "inspections.inspection.draft_saved", actor=actor, obj=inspection, after=changed
        )
    return inspection


def missing_items(inspection: Inspection) -> list[ChecklistItem]:
    answered = set(inspection.records.values_list("item_id", flat=True))
    return [i for i in inspection.checklist.items.all() if i.pk not in answered]


def _confirm_co_inspector(inspection: Inspection, actor: User, co: User | None, code: str) -> None:
    """The partner's one-time code, checked in its own transaction so that django-otp's
    failure counter (its throttle against guessing) and the audit of a failure are kept
    even though the submission itself is refused."""
    if co is None or co.pk == actor.pk or not co.is_active or not _on_team(co, inspection):
        raise _error(
            InspectionError.CONFIRMATION_MISSING,
            "co_inspector",
            _("请选择另一名本次检查的检查人员进行确认"),
        )
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=co, confirmed=True).first()
        # django-otp refuses a code already used (replay) and throttles repeated failures
        confirmed = device is not None and device.verify_token(code.strip())
        if not confirmed:
            audit.record(
                "inspections.inspection.confirmation_failed",
                actor=actor,
                obj=inspection,
                success=False,
                after={"co_inspector": co.username},
            )
    if not confirmed:
        raise _error(
            InspectionError.CONFIRMATION_MISSING,
            "co_code",
            _("%(n)s 的动态口令不正确或已使用") % {"n": co.display_name or co.username},
        )


def _result_of(findings: Iterable[Finding]) -> str:
    severities = {f.severity for f in findings}
    if Severity.CRITICAL in severities:
        return InspectionResult.SERIOUS
    return InspectionResult.RECTIFY if severities else InspectionResult.COMPLIANT


def _check_complete(inspection: Inspection) -> list[ItemRecord]:
    missing = missing_items(inspection)
    if missing:
        raise _error(
            InspectionError.INCOMPLETE_CHECKLIST,
            "records",
            _("还有 %(c)d 项未填写：%(n)s")
            % {"c": len(missing), "n": "、".join(i.number for i in missing[:10])},
        )
    records = list(inspection.records.select_related("item"))
    unexplained = [
        r.item.number for r in records if r.result == ItemResult.NON_COMPLIANT and not r.note
    ]
    if unexplained:
        raise ValidationError(
            {"records": _("不符合的项目须写明问题：%(n)s") % {"n": "、".join(unexplained)}}
        )
    return records


def submit_inspection(
    *,
    actor: User,
    inspection: Inspection,
    co_inspector: User | None,
    co_code: str,
    summary: str | None = None,
) -> Inspection:
    """Submit the record: every item answered, a note on each non-compliant one, the
    submitter and a second inspector confirming (the second by their own one-time code on
    the same phone). Findings, the rectification order and the publication deadline follow."""
    _require_inspector_on_team(actor, inspection)
    # what can be checked without the code first, so no code is spent on a record that
    # cannot be submitted; all of it is checked again under the lock below
    current = Inspection.objects.get(pk=inspection.pk)
    _transition(current, "submit")
    _check_complete(current)
    _confirm_co_inspector(current, actor, co_inspector, co_code)
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        new_status = _transition(inspection, "submit")
        if summary is not None:
            inspection.summary = summary.strip()
        records = _check_complete(inspection)
        return _complete(actor, inspection, new_status, records, co_inspector, by_code=True)


@transaction.atomic
def enter_paper_record(
    *, actor: User, inspection: Inspection, co_inspector: User, reason: str
) -> Inspection:
    """Back-entry (补录) of an inspection recorded on paper and signed there by both
    inspectors: the second confirmation is the paper signature, so a reason is required
    and the record says it was not confirmed by code."""
    _require_inspector_on_team(actor, inspection)
    if not reason.strip():
        raise _error(InspectionError.REASON_REQUIRED, "reason", _("补录纸质记录须写明原因"))
    if co_inspector.pk == actor.pk or not _on_team(co_inspector, inspection):
        raise _error(
            InspectionError.CONFIRMATION_MISSING,
            "co_inspector",
            _("请选择另一名本次检查的检查人员进行确认"),
        )
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    new_status = _transition(inspection, "submit")
    records = _check_complete(inspection)
    return _complete(
        actor, inspection, new_status, records, co_inspector, by_code=False, reason=reason
    )


def _complete(
    actor: User,
    inspection: Inspection,
    new_status: str,
    records: list[ItemRecord],
    co_inspector: User | None,
    *,
    by_code: bool,
    reason: str = "",
) -> Inspection:
    now = timezone.now()
    today = timezone.localdate(now)
    findings = Finding.objects.bulk_create(
        Finding(
            inspection=inspection,
            item=r.item,
            description=f"{r.item.text}：{r.note}",
            severity=r.item.severity,
            created_at=now,
        )
        for r in sorted(records, key=lambda r: r.item.position)
        if r.result == ItemResult.NON_COMPLIANT
    )
    inspection.team.filter(inspector=actor).update(confirmed_at=now)
    inspection.team.filter(inspector=co_inspector).update(
        confirmed_at=now, confirmed_by_code=by_code
    )
    inspection.status = new_status
    inspection.submitted_at = now
    inspection.number = next_document_number(INSPECTION_PREFIX, today.year)
    inspection.result = _result_of(findings)
    if inspection.kind in PUBLISHED_KINDS:
        inspection.publication_due = _deadline(PUBLICATION_RULE, today)
    inspection.save()
    order = _open_rectification(actor, inspection, today) if findings else None
    audit.record(
        "inspections.inspection.submitted",
        actor=actor,
        obj=inspection,
        reason=reason.strip(),
        before={"status": InspectionStatus.IN_PROGRESS},
        after={
            "status": inspection.status,
            "number": inspection.number,
            "result": inspection.result,
            "records": {r.item.number: [r.result, r.note] for r in records},
            "summary": inspection.summary,
            "findings": [[f.item.number if f.item else "", f.severity] for f in findings],
            "confirmed_by": sorted([actor.username, co_inspector.username if co_inspector else ""]),
            "confirmed_by_code": by_code,
            "rectification": order.number if order else None,
        },
    )
    return inspection


def _open_rectification(actor: User, inspection: Inspection, today: dt.date) -> RectificationOrder:
    order = RectificationOrder.objects.create(
        number=next_document_number(RECTIFICATION_PREFIX, today.year),
        inspection=inspection,
        entity=inspection.entity,
        station=inspection.station,
        issued_on=today,
        deadline=_deadline(RECTIFICATION_RULE, today),
    )
    audit.record(
        "inspections.rectification.opened",
        obj=order,
        actor=actor,
        after={"deadline": order.deadline.isoformat(), "inspection": inspection.number},
    )
    return order


EDITABLE_AFTER_SUBMISSION = ("summary",)


@transaction.atomic
def amend_inspection(
    *,
    actor: User,
    inspection: Inspection,
    reason: str,
    summary: str | None = None,
    notes: Mapping[int, str] | None = None,
    severities: Mapping[int, str] | None = None,
) -> Inspection:
    """Correct a submitted record: the summary, item notes and findings' severity. Results
    themselves are not changed after submission (a new inspection records a new fact).
    A reason is required and the before/after values are kept (S17)."""
    if not _on_team(actor, inspection):
        if not can_supervise_inspections(actor):
            raise PermissionDenied(str(InspectionError.NOT_ASSIGNED.label))
        _require_scope(actor, inspection.entity)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.status != InspectionStatus.SUBMITTED:
        raise _error(InspectionError.ILLEGAL_TRANSITION, message=_("只能修改已提交的检查"))
    if not reason.strip():
        raise _error(InspectionError.REASON_REQUIRED, "reason")
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if summary is not None and summary.strip() != inspection.summary:
        before["summary"], after["summary"] = inspection.summary, summary.strip()
        inspection.summary = summary.strip()
        inspection.save(update_fields=["summary", "updated_at"])
    for record in inspection.records.select_related("item").filter(item_id__in=list(notes or {})):
        new_note = (notes or {})[record.item_id].strip()
        if new_note != record.note:
            key = f"note {record.item.number}"
            before[key], after[key] = record.note, new_note
            record.note = new_note
            record.save(update_fields=["note"])
    for finding in inspection.findings.filter(pk__in=list(severities or {})):
        new_severity = (severities or {})[finding.pk]
        if new_severity not in Severity.values:
            raise ValidationError({"severity": _("缺陷等级无效")})
        if new_severity != finding.severity:
            key = f"finding {finding.pk} severity"
            before[key], after[key] = finding.severity, new_severity
            finding.severity = new_severity
            finding.save(update_fields=["severity"])
    if after:
        new_result = _result_of(inspection.findings.all())
        if new_result != inspection.result:
            before["result"], after["result"] = inspection.result, new_result
            inspection.result = new_result
            inspection.save(update_fields=["result", "updated_at"])
        audit.record(
            "inspections.inspection.amended",
            actor=actor,
            obj=inspection,
            reason=reason.strip(),
            before=before,
            after=after,
        )
    return inspection


# --- rectification -------------------------------------------------------------------------


def _require_follow_up(actor: User, order: RectificationOrder) -> None:
    if not can_follow_up_rectification(actor):
        raise PermissionDenied(_("只有检查员或股室负责人可以跟进整改"))
    _require_scope(actor, order.entity)


def _transition_order(order: RectificationOrder, action: str) -> str:
    new = next_rectification_status(order.status, action)
    if new is None:
        raise _error(
            InspectionError.ILLEGAL_TRANSITION,
            message=_("“%(s)s”的整改通知不能%(a)s")
            % {"s": order.get_status_display(), "a": ACTION_LABELS.get(action, action)},
        )
    return new


@transaction.atomic
def record_rectification_response(
    *, actor: User, order: RectificationOrder, response: str
) -> RectificationOrder:
    """The business's written account of what it put right (entered by staff until the
    business portal exists)."""
    _require_follow_up(actor, order)
    if not response.strip():
        raise ValidationError({"response": _("请填写企业整改情况")})
    order = RectificationOrder.objects.select_for_update().get(pk=order.pk)
    before = order.status
    order.status = _transition_order(order, "respond")
    order.response = response.strip()
    order.responded_at = timezone.now()
    order.save(update_fields=["status", "response", "responded_at"])
    audit.record(
        "inspections.rectification.responded",
        actor=actor,
        obj=order,
        before={"status": before},
        after={"status": order.status, "response": order.response},
    )
    return order


@transaction.atomic
def record_reinspection(
    *, actor: User, order: RectificationOrder, passed: bool, note: str
) -> RectificationOrder:
    """Re-inspection: passed closes the order (销号); failed reopens it with a new deadline."""
    _require_follow_up(actor, order)
    if not note.strip():
        raise ValidationError({"note": _("请填写复查情况")})
    order = RectificationOrder.objects.select_for_update().get(pk=order.pk)
    before = {"status": order.status, "deadline": order.deadline.isoformat()}
    order.status = _transition_order(order, "reinspect_passed" if passed else "reinspect_failed")
    now = timezone.now()
    order.reinspected_at, order.reinspected_by = now, actor
    order.reinspection_note = note.strip()
    if passed:
        order.closed_at, order.closed_by = now, actor
    else:
        order.rounds += 1
        order.deadline = _deadline(RECTIFICATION_RULE, timezone.localdate(now))
    order.save()
    audit.record(
        "inspections.rectification." + ("closed" if passed else "reopened"),
        actor=actor,
        obj=order,
        before=before,
        after={"status": order.status, "deadline": order.deadline.isoformat(), "note": note},
    )
    return order


# --- escalation and publication ------------------------------------------------------------


# an escalation target is the kind of intake item it becomes
ESCALATION_KINDS = {EscalationTarget.CLUE: IntakeKind.CLUE, EscalationTarget.RISK: IntakeKind.RISK}
FINDING_SOURCE = ("inspections", "finding")


def _finding_evidence(finding: Finding) -> list[Attachment]:
    """The photos of the finding's checklist item (all the visit's photos for a finding
    recorded without an item)."""
    photos = finding.inspection.photos.filter(attachment__deleted_at__isnull=True)
    if finding.item_id is not None:
        photos = photos.filter(item_id=finding.item_id)
    return [p.attachment for p in photos.select_related("attachment")]


@transaction.atomic
def escalate_finding(
    *, actor: User, finding: Finding, targets: Sequence[str], summary: str
) -> list[IntakeItem]:
    """Hand a serious finding on, in one step, as a case clue and/or a candidate risk:
    one intake item per target, with the photos of the item as evidence."""
    if not can_supervise_inspections(actor):
        raise PermissionDenied(_("只有股室负责人可以移交问题"))
    _require_scope(actor, finding.inspection.entity)
    if not targets or any(t not in EscalationTarget.values for t in targets):
        raise ValidationError({"targets": _("请选择移交去向")})
    if not summary.strip():
        raise ValidationError({"summary": _("请填写移交说明")})
    if finding.inspection.status != InspectionStatus.SUBMITTED:
        raise _error(InspectionError.ILLEGAL_TRANSITION, message=_("检查提交后才能移交问题"))
    finding = Finding.objects.select_for_update().get(pk=finding.pk)  # one at a time
    inspection = finding.inspection
    handed_on = items_from_source(*FINDING_SOURCE, str(finding.pk))
    done = set(handed_on.exclude(status=IntakeStatus.REJECTED).values_list("kind", flat=True))
    todo = [ESCALATION_KINDS[EscalationTarget(t)] for t in dict.fromkeys(targets)]
    if all(kind in done for kind in todo):
        raise ValidationError({"targets": _("该问题已移交过所选去向")})
    evidence = _finding_evidence(finding)
    created = [
        submit_intake(
            actor=actor,
            kind=kind,
            source_app=FINDING_SOURCE[0],
            source_kind=FINDING_SOURCE[1],
            source_id=finding.pk,
            source_label=f"{inspection.number} {finding.description[:60]}",
            source_url=inspection.get_absolute_url(),
            entity=inspection.entity,
            summary=summary.strip(),
            urgency=Urgency.URGENT if finding.severity == Severity.CRITICAL else Urgency.NORMAL,
            evidence=evidence,
            org_unit=inspection.station,
        )
        for kind in todo
        if kind not in done
    ]
    Finding.objects.filter(pk=finding.pk).update(escalated=True)
    audit.record(
        "inspections.finding.escalated",
        actor=actor,
        obj=inspection,
        after={"finding": finding.pk, "targets": [i.kind for i in created]},
        reason=summary.strip(),
    )
    return created


@transaction.atomic
def publish_results(*, actor: User, inspections: Iterable[Inspection]) -> int:
    """Publish random-inspection results on the portal (一公开); returns how many."""
    if not can_supervise_inspections(actor):
        raise PermissionDenied(_("只有股室负责人可以公示抽查结果"))
    now = timezone.now()
    published = 0
    for inspection in inspections:
        _require_scope(actor, inspection.entity)
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if locked.kind not in PUBLISHED_KINDS or locked.status != InspectionStatus.SUBMITTED:
            raise ValidationError(_("只能公示已提交的双随机抽查结果：%(n)s") % {"n": locked})
        if locked.published_at:
            continue
        locked.published_at = now
        locked.save(update_fields=["published_at", "updated_at"])
        audit.record(
            "inspections.result.published",
            actor=actor,
            obj=locked,
            after={"published_at": now.isoformat(), "due": str(locked.publication_due)},
        )
        published += 1
    return published


# --- risk grade ----------------------------------------------------------------------------


def inspection_history(entity: Entity, today: dt.date, rule: GradingRule) -> InspectionHistory:
    since = today - dt.timedelta(days=rule.window_months * 365 // 12)
    submitted = Inspection.objects.filter(
        entity=entity, status=InspectionStatus.SUBMITTED, submitted_at__date__gte=since
    )
    counts = Finding.objects.filter(inspection__in=submitted).aggregate(
        critical=Count("pk", filter=Q(severity=Severity.CRITICAL)),
        major=Count("pk", filter=Q(severity=Severity.MAJOR)),
        minor=Count("pk", filter=Q(severity=Severity.MINOR)),
    )
    orders = RectificationOrder.objects.filter(entity=entity, issued_on__gte=since)
    return InspectionHistory(
        inspections=submitted.count(),
        critical=counts["critical"],
        major=counts["major"],
        minor=counts["minor"],
        overdue_orders=orders.exclude(status=RectificationStatus.CLOSED)
        .filter(deadline__lt=today)
        .count(),
        failed_rounds=sum(o.rounds - 1 for o in orders),
    )


@transaction.atomic
def recompute_risk_grade(*, actor: User, entity: Entity) -> tuple[str | None, str]:
    """Apply the inspection-history rule; returns (new grade or None, the rule's basis)."""
    if not can_supervise_inspections(actor):
        raise PermissionDenied(_("只有股室负责人可以重新评定风险等级"))
    _require_scope(actor, entity)
    history = inspection_history(entity, timezone.localdate(), GRADING_RULE)
    grading = grade_from_history(history, GRADING_RULE)
    if grading.grade is not None and grading.grade != entity.risk_grade:
        registry_services.set_rating(
            actor=actor,
            entity=entity,
            kind=RatingKind.RISK,
            value=grading.grade,
            reason=_("按检查记录重新评定（%(b)s）") % {"b": grading.basis},
            source="inspections",
        )
    return grading.grade, grading.basis
