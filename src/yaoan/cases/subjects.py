"""Evidence files of a case are seen by whoever sees the case (its unit and the district-wide
units, within their scope); the files hang on the Evidence row. Collected by
core.attachments.attachment_subjects."""

from __future__ import annotations

from yaoan.cases.models import CriminalTransfer, Evidence
from yaoan.cases.queries import cases_visible_to
from yaoan.core.attachments import AttachmentSubject
from yaoan.core.models import User


def case_visible(user: User, case_id: int) -> bool:
    return cases_visible_to(user).filter(pk=case_id).exists()


def evidence_visible(user: User, evidence_id: int) -> bool:
    case_id = Evidence.objects.filter(pk=evidence_id).values_list("case_id", flat=True).first()
    return case_id is not None and case_visible(user, case_id)


def transfer_visible(user: User, transfer_id: int) -> bool:
    """The papers of a criminal transfer (回执, 立案/不予立案通知书) follow its case."""
    case_id = (
        CriminalTransfer.objects.filter(pk=transfer_id).values_list("case_id", flat=True).first()
    )
    return case_id is not None and case_visible(user, case_id)


ATTACHMENT_SUBJECTS = (
    AttachmentSubject("cases.case", case_visible),
    AttachmentSubject("cases.evidence", evidence_visible),
    AttachmentSubject("cases.criminaltransfer", transfer_visible),
)
