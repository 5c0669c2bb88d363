"""Changes to a submitted inspection record (提交后修改). Every change needs a reason and
keeps the old and new values (S17). A change of a published result, or of a defect's
grade, is a pending amendment until a section chief other than the proposer approves it;
an approved change of a published result carries a correction notice (更正说明: date and
reason) on the public page. Other changes (the summary, a note) apply at once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.core import audit
from yaoan.core.enums import NotificationKind, Role
from yaoan.core.models import User
from yaoan.core.notifications import notify
from yaoan.core.transitions import Notice, take
from yaoan.inspections.enums import AmendmentStatus, InspectionError, InspectionStatus, Severity
from yaoan.inspections.models import Inspection, InspectionAmendment
from yaoan.inspections.rules import can_supervise_inspections, covers
from yaoan.inspections.services import _error, _on_team, _require_scope, _result_of
from yaoan.inspections.workflow import AMENDMENT


def _changes(
    inspection: Inspection,
    summary: str | None,
    notes: Mapping[int, str] | None,
    severities: Mapping[int, str] | None,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(changes to apply, before, after): only what differs from the record now."""
    changes: dict[str, Any] = {}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if summary is not None and summary.strip() != inspection.summary:
        changes["summary"] = summary.strip()
        before["summary"], after["summary"] = inspection.summary, summary.strip()
    wanted_notes = {k: v.strip() for k, v in (notes or {}).items()}
    for record in inspection.records.select_related("item").filter(item_id__in=list(wanted_notes)):
        if wanted_notes[record.item_id] != record.note:
            changes.setdefault("notes", {})[str(record.item_id)] = wanted_notes[record.item_id]
            key = f"note {record.item.number}"
            before[key], after[key] = record.note, wanted_notes[record.item_id]
    for finding in inspection.findings.filter(pk__in=list(severities or {})):
        new = (severities or {})[finding.pk]
        if new not in Severity.values:
            raise ValidationError({"severity": _("缺陷等级无效")})
        if new != finding.severity:
            changes.setdefault("severities", {})[str(finding.pk)] = new
            key = f"finding {finding.pk} severity"
            before[key], after[key] = finding.severity, new
    return changes, before, after


def _apply(inspection: Inspection, changes: Mapping[str, Any]) -> tuple[str, str]:
    """Write the changes; returns the result before and after."""
    if "summary" in changes:
        inspection.summary = changes["summary"]
    for item_id, note in changes.get("notes", {}).items():
        inspection.records.filter(item_id=int(item_id)).update(note=note)
    for finding_id, severity in changes.get("severities", {}).items():
        inspection.findings.filter(pk=int(finding_id)).update(severity=severity)
    old_result = inspection.result
    inspection.result = _result_of(inspection.findings.all())
    inspection.save(update_fields=["summary", "result", "updated_at"])
    return old_result, inspection.result


def _ask_chiefs(proposer: User, inspection: Inspection) -> None:
    """The section chiefs whose scope covers the record, but not the proposer, are asked."""
    chiefs = (
        User.objects.people()
        .filter(is_active=True, role_assignments__role=Role.SECTION_CHIEF)
        .exclude(pk=proposer.pk)
        .distinct()
    )
    for chief in chiefs:
        if covers(chief, inspection.entity):
            notify(
                chief,
                NotificationKind.APPROVAL_REQUESTED,
                _("待您审批的检查记录更正：%(i)s") % {"i": inspection},
                link=inspection.get_absolute_url(),
                subject=inspection,
            )


def needs_approval(inspection: Inspection, changes: Mapping[str, Any]) -> bool:
    return inspection.published_at is not None or bool(changes.get("severities"))


@transaction.atomic
def amend_inspection(
    *,
    actor: User,
    inspection: Inspection,
    reason: str,
    summary: str | None = None,
    notes: Mapping[int, str] | None = None,
    severities: Mapping[int, str] | None = None,
) -> InspectionAmendment | None:
    """Correct a submitted record: the summary, item notes and findings' severity (item
    results themselves are not changed: a new inspection records a new fact). Returns the
    pending amendment when the change waits for the chief's approval; None when it was
    applied at once (or nothing changed)."""
    if not _on_team(actor, inspection):
        if not can_supervise_inspections(actor):
            raise PermissionDenied(str(InspectionError.NOT_ASSIGNED.label))
        _require_scope(actor, inspection.entity)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.status != InspectionStatus.SUBMITTED:
        raise _error(InspectionError.ILLEGAL_TRANSITION, message=_("只能修改已提交的检查"))
    if not reason.strip():
        raise _error(InspectionError.REASON_REQUIRED, "reason")
    changes, before, after = _changes(inspection, summary, notes, severities)
    if not changes:
        return None
    if not needs_approval(inspection, changes):
        old, new = _apply(inspection, changes)
        if old != new:
            before["result"], after["result"] = old, new
        audit.record(
            "inspections.inspection.amended",
            actor=actor,
            obj=inspection,
            reason=reason.strip(),
            before=before,
            after=after,
        )
        return None
    if inspection.amendments.filter(status=AmendmentStatus.PENDING).exists():
        raise _error(
            InspectionError.AMENDMENT_PENDING,
            message=_("该检查已有待审批的更正，请待股室负责人审批后再修改"),
        )
    amendment = InspectionAmendment.objects.create(
        inspection=inspection,
        status=AmendmentStatus.PENDING,
        reason=reason.strip(),
        changes=changes,
        before=before,
        after=after,
        proposed_by=actor,
        proposed_at=timezone.now(),
    )
    _ask_chiefs(actor, inspection)
    audit.record(
        "inspections.inspection.amendment_proposed",
        actor=actor,
        obj=inspection,
        reason=reason.strip(),
        before=before,
        after={**after, "amendment": amendment.pk},
    )
    return amendment


def _outcome_notice(
    amendment: InspectionAmendment, inspection: Inspection, approve: bool
) -> Notice:
    kind = NotificationKind.APPROVED if approve else NotificationKind.RETURNED
    text = _("更正已批准：%(i)s") if approve else _("更正被驳回：%(i)s")
    return Notice(
        amendment.proposed_by, kind, text % {"i": inspection}, inspection.get_absolute_url()
    )


def decide_amendment(
    *, actor: User, amendment: InspectionAmendment, approve: bool, note: str = ""
) -> InspectionAmendment:
    """A section chief other than the proposer approves (the change is applied; a
    published result gets its correction notice) or rejects (with a reason) a pending
    amendment: the "inspections.inspectionamendment" workflow."""
    if not approve and not note.strip():
        raise ValidationError({"note": _("驳回更正须填写理由")})
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=amendment.inspection_id)

        def approved(locked: Any) -> list[str]:
            locked.decided_by, locked.decided_at = actor, timezone.now()
            locked.decision_note = note.strip()
            if approve:
                old, new = _apply(inspection, locked.changes)
                if old != new:
                    locked.before["result"], locked.after["result"] = old, new
                locked.public_notice = inspection.published_at is not None
            return ["decided_by", "decided_at", "decision_note", "before", "after", "public_notice"]

        decided = take(
            AMENDMENT,
            amendment,
            "approve" if approve else "reject",
            actor=actor,
            reason=note,
            update=approved,
            details={"inspection": inspection.pk},
            notify=[_outcome_notice(amendment, inspection, approve)],
        )
    assert isinstance(decided, InspectionAmendment)
    return decided
