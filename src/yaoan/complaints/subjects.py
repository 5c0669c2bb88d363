"""Files sent with a 投诉举报 or its verification are seen by whoever sees the record (the
handling units, within their scope); nobody outside, the reported business least of all.
Collected by core.attachments.attachment_subjects."""

from __future__ import annotations

from yaoan.complaints.queries import complaints_visible_to
from yaoan.core.attachments import AttachmentSubject
from yaoan.core.models import User


def complaint_visible(user: User, complaint_id: int) -> bool:
    return complaints_visible_to(user).filter(pk=complaint_id).exists()


ATTACHMENT_SUBJECTS = (AttachmentSubject("complaints.complaint", complaint_visible),)
