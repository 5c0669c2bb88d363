"""The only writers of penalty publication (行政处罚信息公示).

A decided ordinary-procedure case is published on the portal within 20 working days of its
decision (市场监督管理行政处罚信息公示规定; the clock is the core deadline rule
``penalty_publication`` on the case). Staff prepare the 第四条 summary, which is checked
for personal data (第六条) before it can go out; a natural person's name is shown masked.
A warning alone or a decision not to punish is recorded as exempt (第二条) and stops the
clock. Published information stays public for its term and is withdrawn early on credit
repair (``withdraw_on_credit_repair``, called by the credit-repair step) or when the
decision is revoked; withdrawn to correct an error it returns to 待公示. Every change is
atomic and audited."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.cases.enums import DecisionOutcome, Procedure
from yaoan.cases.models import Case, PenaltyPublication
from yaoan.cases.publication_enums import (
    PUBLICATION_RULE,
    TERM_MONTHS,
    ExemptionCause,
    PublicationConflict,
    PublicationError,
    PublicationStatus,
    PublicationTerm,
    WithdrawalCause,
)
from yaoan.cases.publication_rules import can_publish_for, can_withdraw_for
from yaoan.common.errors import REASON_REQUIRED, invalid
from yaoan.common.masking import mask_name
from yaoan.core import audit
from yaoan.core.deadlines import cancel_deadlines, current_deadline, meet_deadlines, open_deadline
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import Deadline, OrgUnit, User

TEXT_FIELDS: tuple[str, ...] = ("decision_number", "party_name", "violation_type", "facts")
TEXT_FIELDS += ("penalty_content", "legal_basis", "authority")
REQUIRED: tuple[str, ...] = ("decision_number", "party_name", "violation_type")
REQUIRED += ("penalty_content", "legal_basis", "authority")
FIELD_LABELS = {f.name: f.verbose_name for f in PenaltyPublication._meta.fields}
# 第六条: what must never reach the portal. An ID number is matched with its birth date so a
# credit code in the text is not mistaken for one.
PRIVATE_PATTERNS = (
    re.compile(
        r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
    ),
    re.compile(r"(?<!\d)[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?!\d)"),
    re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)"),
    re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)"),
    re.compile(r"(?<!\d)\d{16,19}(?!\d)"),
)


@dataclass(frozen=True)
class PublicationInput:
    """The summary as the officer edits it (第四条)."""

    decision_number: str
    party_name: str
    violation_type: str
    facts: str
    penalty_content: str
    legal_basis: str
    authority: str
    term: str = PublicationTerm.THREE_YEARS


def _require_publisher(actor: User, case: Case) -> None:
    if not can_publish_for(actor, case.org_unit_id):
        raise PermissionDenied(_("只有承办单位的执法人员或股室负责人可以办理公示"))


def _require_state(publication: PenaltyPublication, *allowed: str) -> None:
    if publication.status not in allowed:
        raise invalid(
            PublicationConflict.WRONG_STATE,
            _("公示当前为“%(s)s”，不能执行此操作") % {"s": publication.get_status_display()},
        )


def _bureau_name() -> str:
    bureau = (
        OrgUnit.objects.filter(kind=OrgUnitKind.BUREAU, parent__isnull=True, is_active=True)
        .order_by("sort_order", "code")
        .values_list("name", flat=True)
        .first()
    )
    return bureau or ""


def public_party_name(case: Case) -> str:
    """A natural person by the masked name only (第六条); a business by its registered
    name."""
    if case.party_is_person:
        return mask_name(case.party_name)
    return case.entity.name if case.entity is not None else case.party_name


def _person_names(case: Case) -> list[str]:
    """The natural persons a summary must not name: the party when a person, and the
    responsible persons fined or banned (处罚到人), whose names are sealed."""
    names = [case.party_name.strip()] if case.party_is_person else []
    for penalty in case.penalties.exclude(person_name=""):
        names.append(str(penalty.person_name).strip())
    return [n for n in names if len(n) > 1]


def _publishable(case: Case) -> bool:
    return (
        case.procedure == Procedure.ORDINARY
        and case.decided_at is not None
        and case.outcome == DecisionOutcome.PENALTY
    )


def decided_on(case: Case) -> dt.date:
    if not _publishable(case) or case.decided_at is None:
        raise invalid(PublicationError.NOT_DECIDED)
    return timezone.localdate(case.decided_at)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@transaction.atomic
def open_publication_clock(case: Case, *, actor: User) -> Deadline | None:
    """The 20-working-day clock from the decision date, opened once; the decision step
    opens it too; this is for a decision recorded without it. A simple-procedure case or a
    decision not to punish is not published (第二条) and gets none."""
    if not _publishable(case):
        return None
    existing = current_deadline(case, PUBLICATION_RULE)
    if existing is not None:
        return existing
    return open_deadline(
        actor=actor,
        subject=case,
        rule_code=PUBLICATION_RULE,
        org_unit=case.org_unit,
        assignee=case.lead_officer,
        start=decided_on(case),
        label=_("公示行政处罚信息：%(n)s") % {"n": case.number},
        url=case.get_absolute_url(),
    )


@transaction.atomic
def prepare_publication(case: Case, *, actor: User) -> PenaltyPublication:
    """The case's publication record with the summary filled from the case (the officer
    completes it); returns the existing one when there is one."""
    _require_publisher(actor, case)
    locked = Case.objects.select_for_update(of=("self",)).select_related("entity").get(pk=case.pk)
    day = decided_on(locked)
    existing = PenaltyPublication.objects.filter(case=locked).first()
    if existing is not None:
        return existing
    publication = PenaltyPublication.objects.create(
        case=locked,
        party_name=public_party_name(locked),
        party_uscc=locked.entity.uscc if locked.entity is not None else "",
        violation_type=locked.title[:200],
        penalty_content=locked.decision_summary[:1000],
        authority=_bureau_name()[:100],
        decided_on=day,
        created_by=actor,
    )
    open_publication_clock(locked, actor=actor)
    audit.record(
        "cases.publication.prepared",
        actor=actor,
        obj=publication,
        after=audit.snapshot(publication),
    )
    return publication


def _private_data_errors(case: Case, values: dict[str, str]) -> dict[str, str]:
    errors = {}
    people = _person_names(case)
    for field in TEXT_FIELDS:
        text = values.get(field, "")
        if any(p.search(text) for p in PRIVATE_PATTERNS) or any(n in text for n in people):
            errors[field] = str(PublicationError.PRIVATE_DATA.label)
    return errors


def _check_text(case: Case, values: dict[str, str]) -> None:
    errors = _private_data_errors(case, values)
    if errors:
        field, message = next(iter(errors.items()))
        raise invalid(PublicationError.PRIVATE_DATA, message, field=field)


@transaction.atomic
def update_publication(
    publication: PenaltyPublication, *, actor: User, data: PublicationInput
) -> PenaltyPublication:
    locked = (
        PenaltyPublication.objects.select_for_update().select_related("case").get(pk=publication.pk)
    )
    _require_publisher(actor, locked.case)
    _require_state(locked, PublicationStatus.PENDING)
    values = {k: v.strip() for k, v in asdict(data).items()}
    if values["term"] not in PublicationTerm.values:
        raise invalid(PublicationError.MISSING, _("请选择公示期限"), field="term")
    _check_text(locked.case, values)
    before = audit.snapshot(locked)
    for field, value in values.items():
        setattr(locked, field, value)
    locked.save()
    audit.record_update(
        "cases.publication.updated",
        actor=actor,
        obj=locked,
        before=before,
        after=audit.snapshot(locked),
    )
    return locked


@transaction.atomic
def publish_penalty(publication: PenaltyPublication, *, actor: User) -> PenaltyPublication:
    """Put the summary on the portal: every item of 第四条 present, no personal data; the
    20-working-day clock is met and the term starts today."""
    locked = (
        PenaltyPublication.objects.select_for_update().select_related("case").get(pk=publication.pk)
    )
    _require_publisher(actor, locked.case)
    _require_state(locked, PublicationStatus.PENDING)
    for field in REQUIRED:
        if not getattr(locked, field).strip():
            label = FIELD_LABELS[field]
            raise invalid(
                PublicationError.MISSING,
                _("请填写“%(f)s”后再公示") % {"f": label},
                field=field,
            )
    _check_text(locked.case, {f: getattr(locked, f) for f in TEXT_FIELDS})
    now = timezone.now()
    before = audit.snapshot(locked)
    locked.status = PublicationStatus.PUBLISHED
    locked.published_at = now
    locked.published_by = actor
    locked.public_until = add_months(timezone.localdate(now), TERM_MONTHS[locked.term])
    locked.save(
        update_fields=["status", "published_at", "published_by", "public_until", "updated_at"]
    )
    meet_deadlines(locked.case, [PUBLICATION_RULE], actor=actor)
    audit.record_update(
        "cases.publication.published",
        actor=actor,
        obj=locked,
        before=before,
        after=audit.snapshot(locked),
    )
    return locked


def _need_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise invalid(REASON_REQUIRED, _("请填写说明"), field="note")
    return note


@transaction.atomic
def exempt_publication(
    publication: PenaltyPublication, *, actor: User, cause: str, note: str
) -> PenaltyPublication:
    """第二条: a warning alone (or a decision not to punish) is not published; the clock is
    cancelled, with the reason on record."""
    locked = (
        PenaltyPublication.objects.select_for_update().select_related("case").get(pk=publication.pk)
    )
    _require_publisher(actor, locked.case)
    _require_state(locked, PublicationStatus.PENDING)
    if cause not in ExemptionCause.values:
        raise invalid(PublicationError.MISSING, _("请选择不予公示的原因"), field="cause")
    note = _need_note(note)
    before = audit.snapshot(locked)
    locked.status = PublicationStatus.EXEMPT
    locked.exemption_cause = cause
    locked.note = note
    locked.save(update_fields=["status", "exemption_cause", "note", "updated_at"])
    cancel_deadlines(locked.case, [PUBLICATION_RULE], actor=actor)
    audit.record_update(
        "cases.publication.exempted",
        actor=actor,
        obj=locked,
        before=before,
        after=audit.snapshot(locked),
        reason=note,
    )
    return locked


@transaction.atomic
def withdraw_publication(
    publication: PenaltyPublication, *, actor: User, cause: str, note: str
) -> PenaltyPublication:
    """Take published information off the portal (信用修复, a revoked decision); the record
    and its history stay for staff. Withdrawn to correct an error (``INACCURATE``) it goes
    back to 待公示 for the officer to correct and publish again."""
    locked = (
        PenaltyPublication.objects.select_for_update().select_related("case").get(pk=publication.pk)
    )
    if not can_withdraw_for(actor, locked.case.org_unit_id):
        raise PermissionDenied(_("只有承办单位的股室负责人或局领导可以撤下公示信息"))
    _require_state(locked, PublicationStatus.PUBLISHED)
    if cause not in WithdrawalCause.values:
        raise invalid(PublicationError.MISSING, _("请选择撤下原因"), field="cause")
    note = _need_note(note)
    before = audit.snapshot(locked)
    correcting = cause == WithdrawalCause.INACCURATE
    locked.status = PublicationStatus.PENDING if correcting else PublicationStatus.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = actor
    locked.withdrawal_cause = cause
    locked.note = note
    fields = ["status", "withdrawn_at", "withdrawn_by", "withdrawal_cause", "note"]
    if correcting:
        locked.public_until = None
        fields.append("public_until")
    locked.save(update_fields=[*fields, "updated_at"])
    audit.record_update(
        "cases.publication.withdrawn",
        actor=actor,
        obj=locked,
        before=before,
        after=audit.snapshot(locked),
        reason=note,
    )
    return locked


def withdraw_on_credit_repair(case: Case, *, actor: User, note: str) -> PenaltyPublication | None:
    """For the credit-repair step: withdraw the case's published information (信用修复);
    None when nothing of the case is on the portal."""
    publication = PenaltyPublication.objects.filter(
        case=case, status=PublicationStatus.PUBLISHED
    ).first()
    if publication is None:
        return None
    return withdraw_publication(
        publication, actor=actor, cause=WithdrawalCause.CREDIT_REPAIR, note=note
    )
