"""Which inspections' attachments (photos and other evidence) a user may see: the same
scope as the inspection pages (S9). Collected by core.attachments.attachment_subjects."""

from __future__ import annotations

from yaoan.core.attachments import AttachmentSubject
from yaoan.core.models import User
from yaoan.inspections.queries import inspections_visible_to
from yaoan.inspections.rules import can_read_inspections


def inspection_visible(user: User, inspection_id: int) -> bool:
    return can_read_inspections(user) and (
        inspections_visible_to(user).filter(pk=inspection_id).exists()
    )


ATTACHMENT_SUBJECTS = (AttachmentSubject("inspections.inspection", inspection_visible),)
