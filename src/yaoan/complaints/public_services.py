"""The public side of complaints, for the portal's pages: a submission from the public (the
system actor ``portal`` receives it through services.receive_complaint, so it is checked,
numbered, de-duplicated and its clocks started like any other) and the lookup a submitter
makes with the receipt number and the lookup code given once.

The lookup answers only the holder of both: an unknown number and a wrong code give the
same ``None``, compared in constant time. What it shows is the submitter's own business —
the state in plain words, the dates, the reply sent to them and any reward notice; never
the findings, the handler, the business's answers or anyone's personal data."""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.translation import gettext as _

from yaoan.complaints.enums import Channel, ComplaintStatus, RewardStatus
from yaoan.complaints.models import Complaint, ComplaintReward
from yaoan.complaints.receiving import IMAGE_SUFFIXES
from yaoan.complaints.services import (
    ComplaintInput,
    SubmittedFile,
    lookup_digest,
    receive_complaint,
)
from yaoan.core.actors import system_actor
from yaoan.core.attachments import validate_content
from yaoan.core.enums import AttachmentPolicy

NUMBER_MAX = 32
# what a digest of an unknown number is compared with, so both answers take as long
_NO_DIGEST = "0" * 64


@dataclass(frozen=True)
class Receipt:
    number: str  # 受理编号
    lookup_code: str  # 查询码: shown once, only its digest is kept


@dataclass(frozen=True)
class PublicStep:
    label: str
    on: dt.datetime


@dataclass(frozen=True)
class PublicStatus:
    number: str
    kind_label: str
    status_label: str
    steps: tuple[PublicStep, ...]
    reply_text: str
    replied_at: dt.datetime | None
    reward_notice: str


def submit_public_complaint(
    *,
    kind: str,
    product_class: str,
    content: str,
    subject_name: str = "",
    subject_address: str = "",
    anonymous: bool = False,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_address: str = "",
    files: Sequence[SubmittedFile] = (),
) -> Receipt:
    """Register what a person sent through the portal (no ID number is asked there: S11).
    Refusals are receive_complaint's coded ValidationErrors; nothing is written then."""
    _check_files(files)
    complaint = receive_complaint(
        actor=system_actor("portal"),
        data=ComplaintInput(
            kind=kind,
            channel=Channel.PORTAL,
            product_class=product_class,
            content=content,
            subject_name=subject_name,
            subject_address=subject_address,
            anonymous=anonymous,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            reporter_address=reporter_address,
        ),
        files=files,
    )
    return Receipt(number=complaint.number, lookup_code=complaint.issued_lookup_code)  # type: ignore[attr-defined]


def _check_files(files: Sequence[SubmittedFile]) -> None:
    """Every file checked before any is stored: a bad second file must not leave the first
    on disk after the transaction rolls back (files are written outside it)."""
    for file in files:
        suffix = PurePath(file.name).suffix.lower()
        policy = AttachmentPolicy.IMAGE if suffix in IMAGE_SUFFIXES else AttachmentPolicy.DOCUMENT
        validate_content(file.content, PurePath(file.name).name, policy)


def _public_label(complaint: Complaint) -> str:
    status = complaint.status
    if status == ComplaintStatus.NOT_ACCEPTED:
        return _("不予受理：%(r)s") % {"r": complaint.get_not_accepted_reason_display()}
    labels = {
        ComplaintStatus.RECEIVED: _("已收到，等待受理"),
        ComplaintStatus.TRANSFER_PENDING: _("办理中"),
        ComplaintStatus.TRANSFERRED: _("已转交有管辖权的部门办理"),
        ComplaintStatus.ACCEPTED: _("已受理，正在核查"),
        ComplaintStatus.VERIFIED: _("已核查，正在处理"),
        ComplaintStatus.MEDIATED: _("调解已结束"),
        ComplaintStatus.TO_CLUE: _("经核查，已转入案件线索调查处理"),
        ComplaintStatus.REPLIED: _("已答复"),
        ComplaintStatus.EVALUATED: _("已答复"),
        ComplaintStatus.CLOSED: _("已办结"),
    }
    return str(labels.get(ComplaintStatus(status), complaint.get_status_display()))


def _steps(complaint: Complaint) -> tuple[PublicStep, ...]:
    dated = (
        (_("收到"), complaint.received_at),
        (_("受理"), complaint.accepted_at),
        (_("核查完成"), complaint.verified_at),
        (_("调解结束"), complaint.mediated_at),
        (_("答复"), complaint.replied_at),
        (_("办结"), complaint.closed_at),
    )
    return tuple(PublicStep(str(label), on) for label, on in dated if on is not None)


def _reward_notice(complaint: Complaint) -> str:
    notice = (
        ComplaintReward.objects.filter(
            complaint=complaint,
            status__in=[RewardStatus.APPROVED, RewardStatus.PAID],
            notified_at__isnull=False,
        )
        .exclude(notice_text="")
        .values_list("notice_text", flat=True)
        .first()
    )
    return notice or ""


def _normalised_number(number: str) -> str:
    return "".join(str(number).split()).upper()[:NUMBER_MAX]


def public_status(number: str, lookup_code: str) -> PublicStatus | None:
    """The progress of the submission with this receipt number, for the holder of its
    lookup code; ``None`` for an unknown number and for a wrong code alike."""
    complaint = Complaint.objects.filter(number=_normalised_number(number)).first()
    stored = (complaint.lookup_code_digest if complaint else "") or _NO_DIGEST
    if not hmac.compare_digest(stored, lookup_digest(lookup_code)) or complaint is None:
        return None
    return PublicStatus(
        number=complaint.number,
        kind_label=complaint.get_kind_display(),
        status_label=_public_label(complaint),
        steps=_steps(complaint),
        reply_text=complaint.reply_text,
        replied_at=complaint.replied_at,
        reward_notice=_reward_notice(complaint),
    )
