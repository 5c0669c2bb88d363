"""The regulator's side of a transfer once it is under way: follow-up notes of what the
police, the procuratorate or the court did (yeji: 对移送公安机关查办的案件要持续跟进)
and the papers kept with it (the signed receipt of the 移送书, 国务院令第310号 第七条; the
police's 立案 or 不予立案 notice; the 交接清单), stored with their SM3 digests. Beside
transfer_services, which moves the transfer through its workflow."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.cases.beyond_enums import BeyondConflict, TransferStatus
from yaoan.cases.beyond_rules import can_handle_case_beyond
from yaoan.cases.models import CriminalTransfer, TransferFollowUp
from yaoan.cases.transfer_services import clean_text, past_day
from yaoan.common.errors import invalid
from yaoan.core import audit
from yaoan.core.attachments import store_attachment
from yaoan.core.enums import AttachmentPolicy
from yaoan.core.models import Attachment, User

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def document_policy(name: str) -> str:
    """A scan or photo of a paper notice is an image; the rest PDF, Word or Excel."""
    lowered = (name or "").lower()
    return AttachmentPolicy.IMAGE if lowered.endswith(IMAGE_SUFFIXES) else AttachmentPolicy.DOCUMENT


@transaction.atomic
def attach_transfer_document(
    transfer: CriminalTransfer, *, actor: User, content: bytes, name: str, label: str
) -> Attachment:
    """A paper of the transfer kept with it (stored with its SM3 digest): the signed
    receipt of the 移送书 (第七条), the police's 立案 or 不予立案 notice, the 交接清单.
    A file of the wrong type or too large is refused and nothing is written."""
    transfer = CriminalTransfer.objects.select_for_update().get(pk=transfer.pk)
    if not can_handle_case_beyond(actor, transfer.case):
        raise PermissionDenied(_("您无权为该移送上传文书"))
    title = clean_text("label", label, _("请填写文书名称（如：移送书回执、立案通知书）"), 100)
    attachment = store_attachment(
        actor=actor,
        subject=transfer,
        content=content,
        name=name,
        policy=document_policy(name),
        label=title,
    )
    audit.record(
        "cases.criminaltransfer.document_attached",
        actor=actor,
        obj=transfer,
        after={"attachment": attachment.pk, "label": title, "sm3": attachment.sm3},
    )
    return attachment


FOLLOWED = (
    TransferStatus.TRANSFERRED,
    TransferStatus.ACCEPTED,
    TransferStatus.REFUSED,
    TransferStatus.RECONSIDERING,
    TransferStatus.HANDED_OVER,
)


@transaction.atomic
def record_follow_up(
    transfer: CriminalTransfer, *, actor: User, happened_on: dt.date, note: str
) -> TransferFollowUp:
    """A note of what the police, the procuratorate or the court did (持续跟进)."""
    transfer = CriminalTransfer.objects.select_for_update().get(pk=transfer.pk)
    if not can_handle_case_beyond(actor, transfer.case):
        raise PermissionDenied(_("您无权记录该移送的跟进情况"))
    if transfer.status not in FOLLOWED:
        raise invalid(
            BeyondConflict.CASE_NOT_OPEN,
            _("移送当前状态为“%(s)s”，不能记录跟进情况") % {"s": transfer.get_status_display()},
            field="transfer",
        )
    follow_up = TransferFollowUp.objects.create(
        transfer=transfer,
        happened_on=past_day("happened_on", happened_on, not_before=transfer.transferred_on),
        note=clean_text("note", note, _("请填写跟进情况")),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit.record(
        "cases.criminaltransfer.followed_up",
        actor=actor,
        obj=transfer,
        after={"happened_on": follow_up.happened_on, "follow_up": follow_up.pk},
        reason=follow_up.note[:200],
    )
    return follow_up
