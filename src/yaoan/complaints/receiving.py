"""Receiving a 投诉举报 from any channel (the portal, staff entry, an import) and matching
its subject to the registry afterwards: the checks, the receipt number and lookup code,
the duplicate test, the attachments, the clocks that run from receipt and the key list's
entity event. Re-exported by complaints.services, the module other code calls."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.common.errors import invalid
from yaoan.complaints.enums import (
    Channel,
    ComplaintConflict,
    ComplaintError,
    ComplaintKind,
    ComplaintStatus,
)
from yaoan.complaints.models import Complaint
from yaoan.complaints.queries import lookup_digest
from yaoan.complaints.rules import can_handle_complaint, can_receive_complaint
from yaoan.complaints.workflow import ACCEPTANCE, VERIFICATION
from yaoan.core import audit
from yaoan.core.actors import SYSTEM_ACTORS
from yaoan.core.attachments import store_attachment
from yaoan.core.deadlines import open_deadline, reassign_deadlines
from yaoan.core.enums import AttachmentPolicy, NotificationKind, OrgUnitKind
from yaoan.core.models import Attachment, OrgUnit, User
from yaoan.core.notifications import notify, unit_chiefs
from yaoan.core.numbering import next_serial
from yaoan.core.pii.crypto import keyed_digest, normalise
from yaoan.intake.enums import EntityEventKind
from yaoan.intake.services import report_entity_event, withdraw_entity_event
from yaoan.registry.enums import ProductClass
from yaoan.registry.models import Entity

CONTENT_MAX = 5000
NUMBER_SERIES = "投诉举报受理编号"
LOOKUP_DIGITS = 10
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})
PHONE_PATTERN = re.compile(r"^\d{7,12}$")


@dataclass(frozen=True)
class ComplaintInput:
    """What a submission says, from any channel (``received_at``: when it reached the
    bureau; default now — an import gives the date of the transfer)."""

    kind: str
    channel: str
    product_class: str
    content: str
    subject_name: str = ""
    subject_address: str = ""
    entity: Entity | None = None
    org_unit: OrgUnit | None = None
    anonymous: bool = False
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_id_number: str = ""
    reporter_address: str = ""
    received_at: dt.datetime | None = None
    external_number: str = ""


@dataclass(frozen=True)
class SubmittedFile:
    """A file sent with a submission or a verification (already read, size-checked)."""

    name: str
    content: bytes


def _content_digest(data: ComplaintInput) -> str:
    # the same person sending the same text about the same business is one submission
    # (the business as named, and as matched when staff matched it on entry)
    text = "".join(data.content.split())  # Chinese text: spacing carries no meaning
    subject = "".join(data.subject_name.split())
    phone = normalise("phone", data.reporter_phone)
    entity = data.entity.pk if data.entity is not None else ""
    return keyed_digest("complaint_content", f"{data.kind}\n{entity}\n{subject}\n{phone}\n{text}")


def _choice(field: str, value: str, choices: type[TextChoices]) -> str:
    if value not in choices.values:
        allowed = "、".join(str(label) for label in choices.labels)
        message = _("取值无效，可选：%(c)s") % {"c": allowed}
        raise invalid(ComplaintError.BAD_CHOICE, message, field=field)
    return value


def _text(field: str, value: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        message = _("不能超过 %(n)d 个字") % {"n": limit}
        raise invalid(ComplaintError.BAD_CHOICE, message, field=field)
    return value


def _checked(data: ComplaintInput) -> ComplaintInput:
    """Every field checked in order; the first problem is refused, naming its field."""
    _choice("kind", data.kind, ComplaintKind)
    _choice("channel", data.channel, Channel)
    _choice("product_class", data.product_class, ProductClass)
    if not (data.content or "").strip():
        raise invalid(ComplaintError.NO_CONTENT, field="content")
    _text("content", data.content, CONTENT_MAX)
    _text("subject_name", data.subject_name, 200)
    _text("subject_address", data.subject_address, 300)
    _text("reporter_name", data.reporter_name, 50)
    _text("reporter_address", data.reporter_address, 200)
    _text("reporter_id_number", data.reporter_id_number, 30)
    _text("external_number", data.external_number, 64)
    if data.received_at is not None and data.received_at > timezone.now():
        raise invalid(ComplaintError.BAD_CHOICE, _("收到时间不能晚于现在"), field="received_at")
    phone = normalise("phone", data.reporter_phone or "")
    if data.reporter_phone.strip() and not PHONE_PATTERN.match(phone):
        raise invalid(ComplaintError.BAD_PHONE, field="reporter_phone")
    anonymous = data.anonymous and data.kind == ComplaintKind.REPORT
    if data.kind == ComplaintKind.COMPLAINT and not (phone and data.reporter_name.strip()):
        # 投诉 must name the complainant (暂行办法 第九条); only a 举报 may be anonymous
        raise invalid(ComplaintError.NO_CONTACT, field="reporter_phone")
    if anonymous:
        # an anonymous report keeps nothing about its author
        return ComplaintInput(
            **{
                **data.__dict__,
                "anonymous": True,
                "reporter_name": "",
                "reporter_phone": "",
                "reporter_id_number": "",
                "reporter_address": "",
            }
        )
    return ComplaintInput(**{**data.__dict__, "anonymous": False})


def default_unit(entity: Entity | None) -> OrgUnit | None:
    """The station of the entity's grid, else the section (bureau-level matters)."""
    station = entity.subdistrict.station if entity is not None else None
    if station is not None and station.is_active:
        return station
    sections = OrgUnit.objects.filter(kind=OrgUnitKind.SECTION, is_active=True)
    return sections.order_by("sort_order", "pk").first()


def _may_receive(actor: User, channel: str) -> bool:
    if actor.username == SYSTEM_ACTORS["portal"].username:
        return channel == Channel.PORTAL
    return can_receive_complaint(actor)


def _store_files(
    complaint: Complaint, files: Sequence[SubmittedFile], *, actor: User, label: str
) -> list[Attachment]:
    stored = []
    for file in files:
        suffix = PurePath(file.name).suffix.lower()
        policy = AttachmentPolicy.IMAGE if suffix in IMAGE_SUFFIXES else AttachmentPolicy.DOCUMENT
        stored.append(
            store_attachment(
                actor=actor,
                subject=complaint,
                content=file.content,
                name=file.name,
                policy=policy,
                label=label,
                personal=True,  # a complainant's files may show who they are
            )
        )
    return stored


def _open_clocks(complaint: Complaint, actor: User) -> None:
    start = timezone.localtime(complaint.received_at).date()
    codes = [ACCEPTANCE] + ([VERIFICATION] if complaint.kind == ComplaintKind.REPORT else [])
    for code in codes:
        open_deadline(
            actor=actor,
            subject=complaint,
            rule_code=code,
            org_unit=complaint.org_unit,
            assignee=complaint.assignee,
            start=start,
            label=str(complaint),
            url=complaint.get_absolute_url(),
        )


def _report_event(complaint: Complaint, actor: User) -> None:
    """A complaint or report about a matched business counts for the key list's
    repeated-complaints rule (the event carries no personal data)."""
    if complaint.entity is None:
        return
    report_entity_event(
        kind=EntityEventKind.COMPLAINT,
        entity=complaint.entity,
        occurred_on=min(timezone.localtime(complaint.received_at).date(), timezone.localdate()),
        source_app="complaints",
        source_kind="complaint",
        source_id=complaint.pk,
        source_label=str(complaint),
        detail=complaint.get_product_class_display(),
        actor=actor,
    )


def _tell_unit(complaint: Complaint) -> None:
    """The chiefs of the handling unit learn of a new record to decide on (the clock runs)."""
    title = _("新投诉举报待受理：%(c)s") % {"c": complaint}
    for chief in unit_chiefs(complaint.org_unit_id):
        notify(
            chief,
            NotificationKind.ASSIGNED,
            title,
            link=complaint.get_absolute_url(),
            subject=complaint,
        )


def _refuse_duplicate(digest: str) -> None:
    first = Complaint.objects.filter(content_digest=digest).values_list("number", flat=True).first()
    if first is not None:
        message = _("该投诉举报已登记（受理编号 %(n)s），未重复登记") % {"n": first}
        raise invalid(ComplaintConflict.DUPLICATE, message, field="content")


@transaction.atomic
def receive_complaint(
    *, actor: User, data: ComplaintInput, files: Sequence[SubmittedFile] = ()
) -> Complaint:
    """Register a submission: checked, numbered, its clocks started. The lookup code is
    returned once, as ``complaint.issued_lookup_code`` (only its digest is kept). The same
    submission twice is refused (ComplaintConflict.DUPLICATE naming the first's number);
    any refusal leaves nothing written."""
    if not _may_receive(actor, data.channel):
        raise PermissionDenied(_("您无权登记投诉举报"))
    data = _checked(data)
    org_unit = data.org_unit or default_unit(data.entity)
    if org_unit is None:
        raise invalid(ComplaintError.NO_ORG_UNIT, field="org_unit")
    digest = _content_digest(data)
    _refuse_duplicate(digest)
    now = timezone.now()
    received_at = data.received_at or now
    code = "".join(secrets.choice("0123456789") for _i in range(LOOKUP_DIGITS))
    serial = next_serial(NUMBER_SERIES, timezone.localtime(received_at).year)
    fields = {k: v for k, v in data.__dict__.items() if k not in ("org_unit", "received_at")}
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                **fields,
                number=f"TJ{timezone.localtime(received_at).year}{serial:06d}",
                lookup_code_digest=lookup_digest(code),
                org_unit=org_unit,
                received_at=received_at,
                content_digest=digest,
                created_by=actor,
                created_at=now,
            )
    except IntegrityError:
        _refuse_duplicate(digest)  # a concurrent twin got in first
        raise
    stored = _store_files(complaint, files, actor=actor, label=_("投诉举报材料"))
    _open_clocks(complaint, actor)
    _report_event(complaint, actor)
    audit.record(
        "complaints.complaint.received",
        actor=actor,
        obj=complaint,
        after={
            **audit.snapshot(complaint, RECEIVED_FIELDS),
            "content_length": len(complaint.content),
            "attachments": [a.pk for a in stored],
        },
    )
    _tell_unit(complaint)
    complaint.issued_lookup_code = code  # type: ignore[attr-defined]
    return complaint


# what the audit row of a receipt shows (the content itself stays out of the log: a
# reporter may have written a phone number into it)
RECEIVED_FIELDS = [
    "number",
    "kind",
    "channel",
    "product_class",
    "entity_id",
    "org_unit_id",
    "anonymous",
    "reporter_name",
    "reporter_phone",
    "reporter_id_number",
    "status",
]


@transaction.atomic
def match_entity(complaint: Complaint, *, actor: User, entity: Entity | None) -> Complaint:
    """A person matched (or unmatched) the subject to a registry entity; a record still
    waiting in the section for a decision moves to the entity's station."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not can_handle_complaint(actor, complaint):
        raise PermissionDenied(_("您无权处理该投诉举报"))
    before = audit.snapshot(complaint, ["entity_id", "org_unit_id"])
    complaint.entity = entity
    station = default_unit(entity) if entity is not None else None
    in_section = complaint.org_unit.kind == OrgUnitKind.SECTION
    if complaint.status == ComplaintStatus.RECEIVED and in_section and station is not None:
        complaint.org_unit = station
    moved = complaint.org_unit_id != before["org_unit_id"]
    complaint.save(update_fields=["entity", "org_unit"])
    if moved:
        reassign_deadlines(complaint, org_unit=complaint.org_unit, assignee=None, actor=actor)
    if entity is None:
        withdraw_entity_event(
            kind=EntityEventKind.COMPLAINT,
            source_app="complaints",
            source_kind="complaint",
            source_id=complaint.pk,
            reason=_("投诉举报对象改为未匹配"),
            actor=actor,
        )
    _report_event(complaint, actor)
    audit.record(
        "complaints.complaint.entity_matched",
        actor=actor,
        obj=complaint,
        before=before,
        after=audit.snapshot(complaint, ["entity_id", "org_unit_id"]),
    )
    return complaint
