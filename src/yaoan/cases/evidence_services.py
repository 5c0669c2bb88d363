"""The evidence list (证据清单) and the goods sealed or seized (查封扣押物品) of a case: the
only writers of both, atomic and audited. An evidence file is stored through the core
attachment service (type by its bytes, size cap, SM3 digest checked on every read: S21,
S22); an evidence item is never edited, only withdrawn with a reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.cases.enums import (
    CaseError,
    CaseStatus,
    DisposalKind,
    EvidenceKind,
    Procedure,
    SeizureMeasure,
)
from yaoan.cases.models import Case, Evidence, SeizedItem
from yaoan.cases.opening import checked_choice, past_day, required_text
from yaoan.cases.rules import can_handle_case
from yaoan.common.errors import INVALID, invalid
from yaoan.core import audit
from yaoan.core.attachments import store_attachment
from yaoan.core.enums import AttachmentPolicy
from yaoan.core.models import User

# evidence is gathered before the filing (先行登记保存, 现场检查) and during the investigation
GATHERING = (CaseStatus.PENDING_FILING, CaseStatus.INVESTIGATING)
IMAGE_SUFFIXES = frozenset({"jpg", "jpeg", "png", "webp"})
# 行政强制法 第二十五条: 查封、扣押的期限不得超过三十日
SEIZURE_DAYS = 30


@dataclass(frozen=True)
class EvidenceFile:
    name: str
    content: bytes


def _may_add(case: Case, actor: User) -> None:
    if not can_handle_case(actor, case):
        raise PermissionDenied(_("只有本案执法人员或负责人可以登记证据和涉案物品"))
    open_simple = case.procedure == Procedure.SIMPLE and case.status != CaseStatus.CLOSED
    if case.status not in GATHERING and not open_simple:
        raise invalid(CaseError.EVIDENCE_CLOSED, field="case")


def evidence_policy(kind: str, name: str) -> AttachmentPolicy:
    """Photos are images; the other kinds are a scan or a photo of the paper, or a
    document (PDF, Word, Excel)."""
    suffix = PurePath(name).suffix.lower().lstrip(".")
    if kind == EvidenceKind.PHOTO or suffix in IMAGE_SUFFIXES:
        return AttachmentPolicy.IMAGE
    return AttachmentPolicy.DOCUMENT


@transaction.atomic
def record_evidence(
    case: Case,
    *,
    actor: User,
    kind: str,
    title: str,
    collected_on: dt.date | None = None,
    description: str = "",
    place: str = "",
    file: EvidenceFile | None = None,
) -> Evidence:
    """One item of the evidence list, with its file when there is one (a photo must have
    one). A file of the wrong type or too large is refused and nothing is written."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _may_add(case, actor)
    checked_choice("kind", kind, EvidenceKind, _("请选择证据种类"))
    if kind == EvidenceKind.PHOTO and file is None:
        raise invalid("required", _("现场照片须上传图片文件"), field="file")
    evidence = Evidence.objects.create(
        case=case,
        kind=kind,
        title=required_text("title", title, _("请填写证据名称"), 200),
        description=(description or "").strip()[:4000],
        collected_on=past_day("collected_on", collected_on, _("取证日期")),
        place=(place or "").strip()[:200],
        collected_by=actor,
        recorded_at=timezone.now(),
    )
    if file is not None:
        if (
            kind == EvidenceKind.PHOTO
            and evidence_policy(kind, file.name) != AttachmentPolicy.IMAGE
        ):
            raise invalid(
                CaseError.BAD_FILE, _("现场照片须为 JPEG、PNG 或 WebP 图片"), field="file"
            )
        evidence.attachment = store_attachment(
            actor=actor,
            subject=evidence,
            content=file.content,
            name=file.name,
            policy=evidence_policy(kind, file.name),
            label=evidence.title[:100],
            personal=kind in (EvidenceKind.INQUIRY, EvidenceKind.STATEMENT, EvidenceKind.WITNESS),
        )
        evidence.save(update_fields=["attachment"])
    audit.record(
        "cases.evidence.recorded",
        actor=actor,
        obj=evidence,
        after={
            "case": case.number,
            "kind": kind,
            "title": evidence.title,
            "sm3": evidence.attachment.sm3 if evidence.attachment else None,
        },
    )
    return evidence


@transaction.atomic
def withdraw_evidence(evidence: Evidence, *, actor: User, reason: str) -> Evidence:
    """A wrongly entered item leaves the list with the reason; the row and its file stay."""
    evidence = Evidence.objects.select_for_update().select_related("case").get(pk=evidence.pk)
    _may_add(evidence.case, actor)
    if evidence.withdrawn_at is not None:
        raise invalid(INVALID, _("该证据已撤回"), field="reason")
    evidence.withdrawn_reason = required_text("reason", reason, _("请填写撤回原因"), 300)
    evidence.withdrawn_at = timezone.now()
    evidence.save(update_fields=["withdrawn_reason", "withdrawn_at"])
    audit.record(
        "cases.evidence.withdrawn",
        actor=actor,
        obj=evidence,
        after={"withdrawn_at": evidence.withdrawn_at},
        reason=evidence.withdrawn_reason,
    )
    return evidence


@transaction.atomic
def record_seized_item(
    case: Case,
    *,
    actor: User,
    measure: str,
    name: str,
    quantity: Decimal,
    quantity_unit: str,
    location: str,
    specification: str = "",
    seized_on: dt.date | None = None,
    until: dt.date | None = None,
) -> SeizedItem:
    """Goods sealed or seized, where they are kept, and until when (at most 30 days)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _may_add(case, actor)
    checked_choice("measure", measure, SeizureMeasure, _("请选择查封或扣押"))
    if quantity is None or quantity <= 0:
        raise invalid(INVALID, _("数量须大于零"), field="quantity")
    start = past_day("seized_on", seized_on, _("查封扣押日期"))
    last = start + dt.timedelta(days=SEIZURE_DAYS)
    end = until or last
    if end < start or end > last:
        raise invalid(
            CaseError.BAD_DATE,
            _("查封扣押期限须在查封扣押之日起30日内（%(d)s前）") % {"d": last},
            field="until",
        )
    item = SeizedItem.objects.create(
        case=case,
        measure=measure,
        name=required_text("name", name, _("请填写物品名称"), 200),
        specification=(specification or "").strip()[:200],
        quantity=quantity,
        quantity_unit=required_text("quantity_unit", quantity_unit, _("请填写计量单位"), 20),
        location=required_text("location", location, _("请填写存放地点"), 200),
        seized_on=start,
        until=end,
        recorded_by=actor,
    )
    audit.record(
        "cases.seizeditem.recorded",
        actor=actor,
        obj=item,
        after=audit.snapshot(item, ["measure", "name", "quantity", "location", "until"]),
    )
    return item


@transaction.atomic
def dispose_seized_item(
    item: SeizedItem,
    *,
    actor: User,
    disposal: str,
    note: str = "",
    disposed_on: dt.date | None = None,
) -> SeizedItem:
    """The later disposal: released, confiscated, destroyed or handed to the judiciary."""
    item = SeizedItem.objects.select_for_update().select_related("case").get(pk=item.pk)
    if not can_handle_case(actor, item.case):
        raise PermissionDenied(_("只有本案执法人员或负责人可以登记涉案物品处置"))
    if item.disposal:
        raise invalid(CaseError.ALREADY_DISPOSED, field="disposal")
    checked_choice("disposal", disposal, DisposalKind, _("请选择处置方式"))
    item.disposal = disposal
    item.disposed_on = past_day("disposed_on", disposed_on, _("处置日期"))
    item.disposal_note = (note or "").strip()[:300]
    item.disposed_by = actor
    item.save(update_fields=["disposal", "disposed_on", "disposal_note", "disposed_by"])
    audit.record(
        "cases.seizeditem.disposed",
        actor=actor,
        obj=item,
        after=audit.snapshot(item, ["disposal", "disposed_on"]),
        reason=item.disposal_note,
    )
    return item
