"""Attachments stored on an intake item itself (evidence a module hands on with it) are
seen by whoever sees the item. Collected by core.attachments.attachment_subjects."""

from __future__ import annotations

from yaoan.core.attachments import AttachmentSubject
from yaoan.core.models import User
from yaoan.intake.queries import intake_visible_to


def item_visible(user: User, item_id: int) -> bool:
    return intake_visible_to(user).filter(pk=item_id).exists()


ATTACHMENT_SUBJECTS = (AttachmentSubject("intake.intakeitem", item_visible),)
