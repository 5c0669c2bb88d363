"""The only writers of complaints: receiving (complaints.receiving, re-exported here) and
one function per workflow step, each through core.transitions.take (the table, the
permission, the reason, the guards, the clocks, the audit and the notices in one
transaction). Views, the API, imports, the portal and the demo call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.common.errors import invalid
from yaoan.complaints.enums import (
    Channel,
    ComplaintError,
    ComplaintKind,
    Evaluation,
    MediationOutcome,
    NotAcceptedReason,
)
from yaoan.complaints.models import Complaint
from yaoan.complaints.receiving import (
    ComplaintInput,
    SubmittedFile,
    _choice,
    _store_files,
    default_unit,
    lookup_digest,
    match_entity,
    receive_complaint,
)
from yaoan.complaints.rules import GUARDS, TRANSFER_UNIT_KINDS
from yaoan.complaints.workflow import COMPLAINT, MEDIATION, REPLY
from yaoan.core.deadlines import (
    current_deadline,
    open_deadline,
    reassign_deadlines,
    request_extension,
)
from yaoan.core.enums import NotificationKind
from yaoan.core.models import DeadlineExtension, OrgUnit, User
from yaoan.core.notifications import unit_chiefs
from yaoan.core.transitions import Notice, take
from yaoan.intake.services import submit_intake

__all__ = [
    "ComplaintInput",
    "SubmittedFile",
    "accept_complaint",
    "close_complaint",
    "confirm_handover",
    "confirm_transfer",
    "default_unit",
    "lookup_digest",
    "match_entity",
    "mediate_complaint",
    "not_accept_complaint",
    "receive_complaint",
    "record_evaluation",
    "refuse_transfer",
    "reply_complaint",
    "request_complaint_extension",
    "send_to_clue",
    "transfer_complaint",
    "verify_complaint",
    "withdraw_transfer",
]

TEXT_MAX = 5000
Update = Callable[[Model], Iterable[str]]


def _setter(values: Mapping[str, Any]) -> Update:
    def update(obj: Model) -> list[str]:
        for name, value in values.items():
            setattr(obj, name, value)
        return list(values)

    return update


def _required(field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise invalid("required", message, field=field)
    if len(value) > TEXT_MAX:
        raise invalid(
            ComplaintError.BAD_CHOICE, _("不能超过 %(n)d 个字") % {"n": TEXT_MAX}, field=field
        )
    return value


def _step(
    complaint: Complaint,
    action: str,
    *,
    actor: User,
    reason: str = "",
    update: Update | None = None,
    notify: Iterable[Notice] = (),
    details: Mapping[str, Any] | None = None,
) -> Complaint:
    taken = take(
        COMPLAINT,
        complaint,
        action,
        actor=actor,
        reason=reason,
        guards=GUARDS,
        update=update,
        notify=notify,
        details=details,
    )
    assert isinstance(taken, Complaint)
    return taken


def _open(complaint: Complaint, code: str, *, actor: User, start: dt.date | None = None) -> None:
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


@transaction.atomic
def accept_complaint(
    complaint: Complaint, *, actor: User, assignee: User | None = None, note: str = ""
) -> Complaint:
    """受理: the acceptance clock is met; a complaint's mediation clock (45 WD) starts."""
    values = {"accepted_at": timezone.now(), "assignee": assignee or actor}
    complaint = _step(complaint, "accept", actor=actor, reason=note, update=_setter(values))
    # the running clocks (a report's verification) are now the handler's: reminders, and
    # the extension request the platform lets only the assignee or a chief make
    reassign_deadlines(
        complaint, org_unit=complaint.org_unit, assignee=complaint.assignee, actor=actor
    )
    if complaint.kind == ComplaintKind.COMPLAINT:
        _open(complaint, MEDIATION, actor=actor)
    return complaint


def not_accept_complaint(
    complaint: Complaint, *, actor: User, legal_reason: str, reason: str
) -> Complaint:
    """不予受理, on one of the legal grounds, with the explanation sent to the submitter."""
    _choice("legal_reason", legal_reason, NotAcceptedReason)
    values = {
        "not_accepted_reason": legal_reason,
        "not_accepted_note": (reason or "").strip()[:TEXT_MAX],
        "closed_at": timezone.now(),
    }
    return _step(
        complaint,
        "not_accept",
        actor=actor,
        reason=(reason or "").strip(),
        update=_setter(values),
        details={"legal_reason": legal_reason},
    )


def _transfer_target(unit_id: int | str | None, complaint: Complaint) -> OrgUnit:
    try:
        pk = int(unit_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        pk = 0
    if not 0 < pk < 2**62:  # a number no row can have (and no database overflow)
        pk = 0
    unit = OrgUnit.objects.filter(pk=pk, is_active=True, kind__in=TRANSFER_UNIT_KINDS).first()
    if unit is None:
        raise invalid(ComplaintError.NO_UNIT, field="transfer_to")
    if unit.pk == complaint.org_unit_id:
        raise invalid(ComplaintError.SAME_UNIT, field="transfer_to")
    return unit


def transfer_complaint(
    complaint: Complaint, *, actor: User, to_unit_id: int | str | None, reason: str
) -> Complaint:
    """转办: proposed to another unit; under 首办负责制 the record, its clocks and the
    responsibility stay with this unit until the receiver confirms."""
    unit = _transfer_target(to_unit_id, complaint)
    notices = [
        Notice(
            chief,
            NotificationKind.ASSIGNED,
            _("转办待确认：%(c)s") % {"c": complaint},
            complaint.get_absolute_url(),
        )
        for chief in unit_chiefs(unit.pk)
    ]
    values = {"transfer_to": unit, "transfer_note": (reason or "").strip()}
    return _step(
        complaint,
        "transfer",
        actor=actor,
        reason=(reason or "").strip(),
        update=_setter(values),
        notify=notices,
        details={"transfer_to": unit.pk},
    )


@transaction.atomic
def confirm_transfer(complaint: Complaint, *, actor: User, note: str = "") -> Complaint:
    """The receiving unit takes the record over: from now on it is in that unit's scope
    and its running clocks (which keep their dates) are that unit's."""
    target = complaint.transfer_to
    values = {
        "transferred_from": complaint.org_unit,
        "org_unit": target,
        "transfer_to": None,
        "assignee": None,
    }
    complaint = _step(
        complaint, "confirm_transfer", actor=actor, reason=note, update=_setter(values)
    )
    reassign_deadlines(complaint, org_unit=complaint.org_unit, assignee=None, actor=actor)
    return complaint


def refuse_transfer(complaint: Complaint, *, actor: User, reason: str) -> Complaint:
    """The receiving unit sends it back: it stays with (and remains the duty of) the first."""
    values = {"transfer_to": None}
    return _step(
        complaint,
        "refuse_transfer",
        actor=actor,
        reason=(reason or "").strip(),
        update=_setter(values),
    )


def withdraw_transfer(complaint: Complaint, *, actor: User, reason: str) -> Complaint:
    """The first unit takes its transfer back (the receiver never answered, or it was sent
    to the wrong unit): the record was its all along."""
    values = {"transfer_to": None}
    return _step(
        complaint,
        "withdraw_transfer",
        actor=actor,
        reason=(reason or "").strip(),
        update=_setter(values),
    )


def confirm_handover(complaint: Complaint, *, actor: User, reason: str) -> Complaint:
    """A unit outside the system (another department or district) acknowledged receipt:
    the first unit records it, citing the acknowledgement; its clocks are cancelled."""
    values = {"closed_at": timezone.now()}
    return _step(
        complaint,
        "confirm_handover",
        actor=actor,
        reason=(reason or "").strip(),
        update=_setter(values),
    )


@transaction.atomic
def verify_complaint(
    complaint: Complaint,
    *,
    actor: User,
    findings: str,
    violation_found: bool,
    files: Sequence[SubmittedFile] = (),
) -> Complaint:
    """核查: findings and attachments recorded. For a report the decision is made, so the
    verification clock is met and the reply clock starts."""
    findings = _required("findings", findings, _("请填写核查情况"))
    values = {
        "findings": findings,
        "violation_found": bool(violation_found),
        "verified_at": timezone.now(),
    }
    complaint = _step(
        complaint,
        "verify",
        actor=actor,
        update=_setter(values),
        details={"violation_found": bool(violation_found), "files": len(files)},
    )
    _store_files(complaint, files, actor=actor, label=_("核查材料"))
    if complaint.kind == ComplaintKind.REPORT:
        _open(complaint, REPLY, actor=actor)
    return complaint


def mediate_complaint(complaint: Complaint, *, actor: User, outcome: str, note: str) -> Complaint:
    """调解终结 (complaints only): the outcome and how it went; the reply clock starts."""
    _choice("outcome", outcome, MediationOutcome)
    note = _required("note", note, _("请填写调解情况"))
    values = {"mediation_outcome": outcome, "mediation_note": note, "mediated_at": timezone.now()}
    return _step(
        complaint, "mediate", actor=actor, update=_setter(values), details={"outcome": outcome}
    )


def _clue_update(complaint: Complaint, actor: User, summary: str) -> Update:
    def update(obj: Model) -> list[str]:
        assert isinstance(obj, Complaint)
        # the clue carries the findings, never the reporter: it goes on to the case file
        obj.clue_item = submit_intake(
            actor=actor,
            kind="clue",
            source_app="complaints",
            source_kind="complaint",
            source_id=obj.pk,
            source_label=_("举报 %(n)s") % {"n": obj.number},
            source_url=obj.get_absolute_url(),
            entity=obj.entity,
            summary=summary or obj.findings,
            org_unit=obj.org_unit,
        )
        return ["clue_item"]

    return update


def send_to_clue(complaint: Complaint, *, actor: User, summary: str = "") -> Complaint:
    """A report whose verification found a violation becomes a case clue in one step
    (an intake item of kind "clue", in the same transaction; the clue inbox takes it)."""
    summary = (summary or "").strip()[:TEXT_MAX]
    return _step(complaint, "to_clue", actor=actor, update=_clue_update(complaint, actor, summary))


def reply_complaint(
    complaint: Complaint,
    *,
    actor: User,
    text: str,
    channel: str,
    replied_at: dt.datetime | None = None,
) -> Complaint:
    """答复: the text sent to the complainant or reporter, how and when."""
    text = _required("text", text, _("请填写答复内容"))
    _choice("channel", channel, Channel)
    when = replied_at or timezone.now()
    if when > timezone.now():
        raise invalid(ComplaintError.BAD_CHOICE, _("答复时间不能晚于现在"), field="replied_at")
    values = {"reply_text": text, "reply_channel": channel, "replied_at": when}
    return _step(complaint, "reply", actor=actor, update=_setter(values))


def record_evaluation(
    complaint: Complaint, *, actor: User, evaluation: str, comment: str = ""
) -> Complaint:
    """The complainant's evaluation of the handling (满意 / 基本满意 / 不满意)."""
    _choice("evaluation", evaluation, Evaluation)
    values = {
        "evaluation": evaluation,
        "evaluation_comment": (comment or "").strip()[:TEXT_MAX],
        "evaluated_at": timezone.now(),
    }
    return _step(complaint, "evaluate", actor=actor, update=_setter(values))


def close_complaint(complaint: Complaint, *, actor: User, reason: str = "") -> Complaint:
    """办结 (without an evaluation the reason is required: why none was given)."""
    values = {"closed_at": timezone.now()}
    return _step(
        complaint, "close", actor=actor, reason=(reason or "").strip(), update=_setter(values)
    )


def request_complaint_extension(
    complaint: Complaint, *, actor: User, rule_code: str, reason: str
) -> DeadlineExtension:
    """Ask for more time on one clock (e.g. report verification: +15 WD); approved by a
    section chief through the deadline platform (core.deadlines.decide_extension)."""
    deadline = current_deadline(complaint, rule_code)
    if deadline is None:
        raise invalid(ComplaintError.NO_DEADLINE, field="rule_code")
    return request_extension(deadline, actor=actor, reason=reason)
