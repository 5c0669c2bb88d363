"""The only writers of inspections: one function per business action, each atomic and
audited. This module holds the inspection on site: starting it, the autosaved draft, the
submission with a second inspector's confirmation (or the back-entry of a paper record),
and what the submission opens (the rectification order and the publication deadline).
Pages, the API and commands call these; scheduling.py and plan_visits.py hold scheduling,
amendments.py the corrections after submission, rectification.py the order's follow-up,
escalation.py the findings handed on, publication.py 一公开 and grading.py the risk
grade."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from yaoan.common.errors import INVALID, REASON_REQUIRED, invalid
from yaoan.core import audit
from yaoan.core.deadlines import open_deadline
from yaoan.core.models import Deadline, User
from yaoan.core.numbering import next_document_number
from yaoan.core.rules import data_scope
from yaoan.core.transitions import require_transition, take
from yaoan.inspections.enums import (
    PUBLISHED_KINDS,
    InspectionError,
    InspectionResult,
    InspectionStatus,
    ItemResult,
    Severity,
)
from yaoan.inspections.models import (
    ChecklistItem,
    Finding,
    Inspection,
    ItemRecord,
    RectificationOrder,
)
from yaoan.inspections.rules import can_inspect
from yaoan.inspections.workflow import (
    INSPECTION,
    PUBLICATION_RULE,
    RECTIFICATION_RULE,
)
from yaoan.registry.models import Entity

INSPECTION_PREFIX = "药检记"
RECTIFICATION_PREFIX = "责改通"


def _require_scope(actor: User, entity: Entity) -> None:
    if not data_scope(actor).covers(entity.subdistrict.station_id):
        raise PermissionDenied(_("该监管对象不在您的管辖范围内"))


def _on_team(actor: User, inspection: Inspection) -> bool:
    return inspection.team.filter(inspector=actor).exists()


# --- on site -------------------------------------------------------------------------------


def _require_inspector_on_team(actor: User, inspection: Inspection) -> None:
    if not can_inspect(actor) or not _on_team(actor, inspection):
        raise PermissionDenied(str(InspectionError.NOT_ASSIGNED.label))


def start_inspection(*, actor: User, inspection: Inspection) -> Inspection:
    def started(locked: Any) -> list[str]:
        locked.started_at = timezone.now()
        return ["started_at", "updated_at"]

    started_inspection = take(INSPECTION, inspection, "start", actor=actor, update=started)
    assert isinstance(started_inspection, Inspection)
    return started_inspection


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
        raise invalid(INVALID, _("定位数据无效"), field="location") from None
    finite = latitude.is_finite() and longitude.is_finite()
    if not finite or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise invalid(INVALID, _("定位数据超出范围"), field="location")
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
        raise invalid(REASON_REQUIRED, _("检查已提交，修改须走“提交后修改”并填写原因"))
    items = _item_map(inspection)
    now = timezone.now()
    existing = {r.item_id: r for r in inspection.records.all()}
    changed: dict[str, Any] = {}
    for item_id, (result, note) in records.items():
        if item_id not in items:
            raise invalid(
                INVALID, _("检查项目 %(i)s 不属于本检查表") % {"i": item_id}, field="records"
            )
        if result not in ItemResult.values:
            raise invalid(
                INVALID, _("第 %(n)s 项的结果无效") % {"n": items[item_id].number}, field="records"
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
        raise invalid(
            InspectionError.CONFIRMATION_MISSING,
            _("请选择另一名本次检查的检查人员进行确认"),
            field="co_inspector",
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
        raise invalid(
            InspectionError.CONFIRMATION_MISSING,
            _("%(n)s 的动态口令不正确或已使用") % {"n": co.display_name or co.username},
            field="co_code",
        )


def _result_of(findings: Iterable[Finding]) -> str:
    severities = {f.severity for f in findings}
    if Severity.CRITICAL in severities:
        return InspectionResult.SERIOUS
    return InspectionResult.RECTIFY if severities else InspectionResult.COMPLIANT


def _check_complete(inspection: Inspection) -> list[ItemRecord]:
    missing = missing_items(inspection)
    if missing:
        raise invalid(
            InspectionError.INCOMPLETE_CHECKLIST,
            _("还有 %(c)d 项未填写：%(n)s")
            % {"c": len(missing), "n": "、".join(i.number for i in missing[:10])},
            field="records",
        )
    records = list(inspection.records.select_related("item"))
    unexplained = [
        r.item.number for r in records if r.result == ItemResult.NON_COMPLIANT and not r.note
    ]
    if unexplained:
        raise invalid(
            INVALID,
            _("不符合的项目须写明问题：%(n)s") % {"n": "、".join(unexplained)},
            field="records",
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
    require_transition(INSPECTION, current.status, "submit")
    _check_complete(current)
    _confirm_co_inspector(current, actor, co_inspector, co_code)
    return _complete(actor, inspection, co_inspector, by_code=True, summary=summary)


@transaction.atomic
def enter_paper_record(
    *, actor: User, inspection: Inspection, co_inspector: User, reason: str
) -> Inspection:
    """Back-entry (补录) of an inspection recorded on paper and signed there by both
    inspectors: the second confirmation is the paper signature, so a reason is required
    and the record says it was not confirmed by code."""
    _require_inspector_on_team(actor, inspection)
    if not reason.strip():
        raise invalid(REASON_REQUIRED, _("补录纸质记录须写明原因"), field="reason")
    if co_inspector.pk == actor.pk or not _on_team(co_inspector, inspection):
        raise invalid(
            InspectionError.CONFIRMATION_MISSING,
            _("请选择另一名本次检查的检查人员进行确认"),
            field="co_inspector",
        )
    return _complete(actor, inspection, co_inspector, by_code=False, reason=reason)


def _complete(
    actor: User,
    inspection: Inspection,
    co_inspector: User | None,
    *,
    by_code: bool,
    reason: str = "",
    summary: str | None = None,
) -> Inspection:
    """The submit transition: under the row lock the record is checked again, findings
    are written, the team's confirmations stamped, the number and result set; the order
    (with its deadline) and the publication deadline follow."""
    details: dict[str, Any] = {}

    def complete(locked: Any) -> list[str]:
        records = _check_complete(locked)
        now = timezone.now()
        findings = Finding.objects.bulk_create(
            Finding(
                inspection=locked,
                item=r.item,
                description=f"{r.item.text}：{r.note}",
                severity=r.item.severity,
                created_at=now,
            )
            for r in sorted(records, key=lambda r: r.item.position)
            if r.result == ItemResult.NON_COMPLIANT
        )
        locked.team.filter(inspector=actor).update(confirmed_at=now)
        locked.team.filter(inspector=co_inspector).update(
            confirmed_at=now, confirmed_by_code=by_code
        )
        if summary is not None:
            locked.summary = summary.strip()
        locked.submitted_at = now
        locked.number = next_document_number(INSPECTION_PREFIX, timezone.localdate(now).year)
        locked.result = _result_of(findings)
        order = _open_rectification(actor, locked) if findings else None
        if locked.kind in PUBLISHED_KINDS:
            _open_publication_deadline(actor, locked)
        # the audit event of the transition carries the record as submitted
        details.update(
            records={r.item.number: [r.result, r.note] for r in records},
            findings=[[f.item.number if f.item else "", f.severity] for f in findings],
            confirmed_by=sorted([actor.username, co_inspector.username if co_inspector else ""]),
            confirmed_by_code=by_code,
            rectification=order.number if order else None,
        )
        return ["summary", "submitted_at", "number", "result", "updated_at"]

    submitted = take(
        INSPECTION,
        inspection,
        "submit",
        actor=actor,
        reason=reason,
        update=complete,
        details=details,
    )
    assert isinstance(submitted, Inspection)
    return submitted


def _open_publication_deadline(actor: User, inspection: Inspection) -> None:
    """一公开: a random inspection's result is published within the rule's working days."""
    open_deadline(
        actor=actor,
        subject=inspection,
        rule_code=PUBLICATION_RULE,
        org_unit=inspection.station,
        assignee=None,
        label=_("公示抽查结果：%(e)s") % {"e": inspection.entity.name},
        url=inspection.get_absolute_url(),
    )


def _open_rectification(actor: User, inspection: Inspection) -> RectificationOrder:
    """The order is issued with the inspection's submission; its 整改期限 is a Deadline
    of rule "rectification" assigned to the inspector who submitted."""
    today = timezone.localdate()
    order = RectificationOrder.objects.create(
        number=next_document_number(RECTIFICATION_PREFIX, today.year),
        inspection=inspection,
        entity=inspection.entity,
        station=inspection.station,
        issued_on=today,
    )
    deadline = _open_order_deadline(actor, order)
    audit.record(
        "inspections.rectificationorder.issued",
        obj=order,
        actor=actor,
        after={"deadline": deadline.due_on.isoformat(), "inspection": inspection.number},
    )
    return order


def _open_order_deadline(
    assignee: User, order: RectificationOrder, due_on: dt.date | None = None
) -> Deadline:
    """Assigned to the inspector whose action (submission, a new round) sets it."""
    return open_deadline(
        actor=assignee,
        subject=order,
        rule_code=RECTIFICATION_RULE,
        org_unit=order.station,
        assignee=assignee,
        label=_("整改期限：%(n)s %(e)s") % {"n": order.number, "e": order.entity.name},
        url=order.get_absolute_url(),
        due_on=due_on,
    )
