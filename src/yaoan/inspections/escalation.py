"""Handing a serious finding on: one intake item per target (a case clue, a candidate
risk), with the photos of its checklist item as evidence; atomic and audited like every
writer of inspections (``services`` holds the inspection itself)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from yaoan.common.errors import ILLEGAL_TRANSITION, INVALID, invalid
from yaoan.core import audit
from yaoan.core.models import Attachment, User
from yaoan.inspections.enums import EscalationTarget, InspectionStatus, Severity
from yaoan.inspections.models import Finding
from yaoan.inspections.rules import can_supervise_inspections
from yaoan.inspections.services import _require_scope
from yaoan.intake.enums import IntakeKind, IntakeStatus, Urgency
from yaoan.intake.models import IntakeItem
from yaoan.intake.queries import items_from_source
from yaoan.intake.services import submit_intake

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
        raise invalid(INVALID, _("请选择移交去向"), field="targets")
    if not summary.strip():
        raise invalid(INVALID, _("请填写移交说明"), field="summary")
    if finding.inspection.status != InspectionStatus.SUBMITTED:
        raise invalid(ILLEGAL_TRANSITION, _("检查提交后才能移交问题"))
    finding = Finding.objects.select_for_update().get(pk=finding.pk)  # one at a time
    inspection = finding.inspection
    handed_on = items_from_source(*FINDING_SOURCE, str(finding.pk))
    done = set(handed_on.exclude(status=IntakeStatus.REJECTED).values_list("kind", flat=True))
    todo = [ESCALATION_KINDS[EscalationTarget(t)] for t in dict.fromkeys(targets)]
    if all(kind in done for kind in todo):
        raise invalid(INVALID, _("该问题已移交过所选去向"), field="targets")
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
