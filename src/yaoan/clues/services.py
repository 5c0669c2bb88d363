"""The only writers of clues: registering a clue (by hand, or taking an intake item over),
and each step of its workflow through core.transitions.take (the table, permission,
approval by another person, deadlines, audit and notifications in one place). Views, the
API, the import, the demo and other modules (complaints, cases) call these.

The 15-working-day verification clock (``clue_verification``) opens when the clue is
registered, counted from the day it was received, and answers to the assignee once the
clue is assigned; extensions go through the deadline platform (request here, decided by
a chief other than the requester)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.clues.enums import (
    INTAKE_SOURCES,
    MANUAL_SOURCES,
    ClosureReason,
    ClueConflict,
    ClueError,
    ClueSource,
    ClueStatus,
    TransferKind,
)
from yaoan.clues.models import Clue
from yaoan.clues.rules import assigns_to_others, can_register_clue, may_be_assigned
from yaoan.clues.workflow import CLUE, VERIFICATION
from yaoan.common.errors import INVALID, invalid
from yaoan.core import audit
from yaoan.core.deadlines import (
    current_deadline,
    open_deadline,
    reassign_deadlines,
    request_extension,
)
from yaoan.core.enums import NotificationKind
from yaoan.core.models import DeadlineExtension, OrgUnit, User
from yaoan.core.numbering import next_document_number
from yaoan.core.transitions import DeadlineTarget, Notice, require_transition, take
from yaoan.intake.enums import IntakeKind, IntakeStatus
from yaoan.intake.models import IntakeItem
from yaoan.intake.rules import can_decide_item
from yaoan.intake.services import TakenBy, accept_intake
from yaoan.registry.models import Entity

NUMBER_PREFIX = "线索"
SUMMARY_MAX = 4000


def _text(field: str, value: str, message: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise invalid("required", message, field=field)
    if len(text) > limit:
        raise invalid("max_length", _("不能超过 %(n)d 个字符") % {"n": limit}, field=field)
    return text


def _unit_for(entity: Entity | None, org_unit: OrgUnit | None) -> OrgUnit:
    """The station of the entity's grid, else the unit named (a section for bureau-level
    matters); never guessed."""
    unit = org_unit or (entity.subdistrict.station if entity else None)
    if unit is None:
        raise invalid(ClueError.NO_STATION, field="org_unit")
    return unit


def _received(day: dt.date | None) -> dt.date:
    today = timezone.localdate()
    if day is None:
        return today
    if day > today:
        raise invalid(INVALID, _("收到日期不能晚于今天"), field="received_on")
    return day


@transaction.atomic
def create_clue(
    *,
    actor: User,
    source: str,
    source_label: str,
    summary: str,
    received_on: dt.date | None = None,
    entity: Entity | None = None,
    subject_name: str = "",
    org_unit: OrgUnit | None = None,
    source_url: str = "",
    intake_item: IntakeItem | None = None,
) -> Clue:
    """Register a clue from any source (the callers check who may: register_clue,
    clue_from_intake, prompts.record_online_push); opens the verification clock."""
    if source not in ClueSource.values:
        raise invalid(INVALID, _("来源取值无效"), field="source")
    if entity is None and not subject_name.strip():
        raise invalid("required", _("请关联监管对象或填写涉及对象名称"), field="subject_name")
    unit = _unit_for(entity, org_unit)
    received = _received(received_on)
    clue = Clue.objects.create(
        number=next_document_number(NUMBER_PREFIX, received.year),
        source=source,
        source_label=_text("source_label", source_label, _("请填写来源说明"), 200),
        source_url=source_url[:300],
        intake_item=intake_item,
        entity=entity,
        subject_name=(subject_name.strip() or (entity.name if entity else ""))[:200],
        summary=_text("summary", summary, _("请填写线索内容"), SUMMARY_MAX),
        received_on=received,
        org_unit=unit,
        created_by=actor,
        created_at=timezone.now(),
    )
    open_deadline(
        actor=actor,
        subject=clue,
        rule_code=VERIFICATION,
        org_unit=unit,
        assignee=None,
        start=received,
        label=_("线索核查：%(c)s") % {"c": clue},
        url=clue.get_absolute_url(),
    )
    audit.record(
        "clues.clue.registered",
        actor=actor,
        obj=clue,
        after={
            "number": clue.number,
            "source": source,
            "entity": entity.pk if entity else None,
            "org_unit": unit.pk,
            "received_on": received,
            "intake_item": intake_item.pk if intake_item else None,
        },
        reason=clue.summary[:200],
    )
    return clue


def register_clue(
    *,
    actor: User,
    source: str,
    source_label: str,
    summary: str,
    received_on: dt.date | None = None,
    entity: Entity | None = None,
    subject_name: str = "",
    org_unit: OrgUnit | None = None,
) -> Clue:
    """A clue entered by staff: a transfer from another agency or district, a lead from
    above, or another source without a module of its own."""
    if not can_register_clue(actor):
        raise PermissionDenied(_("您无权登记线索"))
    if source not in MANUAL_SOURCES:
        allowed = "、".join(str(ClueSource(s).label) for s in MANUAL_SOURCES)
        raise invalid(
            INVALID, _("手工登记的线索来源只能是：%(a)s") % {"a": allowed}, field="source"
        )
    return create_clue(
        actor=actor,
        source=source,
        source_label=source_label,
        summary=summary,
        received_on=received_on,
        entity=entity,
        subject_name=subject_name,
        org_unit=org_unit,
    )


@transaction.atomic
def clue_from_intake(item: IntakeItem, *, actor: User, assignee: User | None = None) -> Clue:
    """Take an intake item of kind ``clue`` over as a Clue (accepted through
    ``intake.services.accept_intake`` with a TakenBy pointing here), optionally assigning
    it at once. The actor must be one who may decide the item (intake's rule)."""
    if not can_decide_item(actor, item):
        raise PermissionDenied(_("您无权接收该移交事项"))
    if item.kind != IntakeKind.CLUE:
        raise invalid(ClueError.NOT_A_CLUE, field="item")
    if item.status != IntakeStatus.NEW or Clue.objects.filter(intake_item=item).exists():
        raise invalid(ClueConflict.ALREADY_TAKEN, field="item")
    clue = create_clue(
        actor=actor,
        source=INTAKE_SOURCES.get(item.source_app, ClueSource.OTHER),
        source_label=item.source_label,
        source_url=item.source_url,
        summary=item.summary,
        received_on=timezone.localtime(item.submitted_at).date(),
        entity=item.entity,
        subject_name="" if item.entity else item.source_label,
        org_unit=item.org_unit or actor.org_unit,
        intake_item=item,
    )
    taken = TakenBy("clues.clue", str(clue.pk), clue.number, clue.get_absolute_url())
    accept_intake(item, actor, taken)
    if assignee is not None:
        clue = assign_clue(clue, actor=actor, assignee=assignee)
    return clue


# --- the workflow's steps ----------------------------------------------------------------


def _setter(values: dict[str, Any]) -> Callable[[Model], Iterable[str]]:
    def update(obj: Model) -> list[str]:
        for name, value in values.items():
            setattr(obj, name, value)
        return list(values)

    return update


def take_step(
    clue: Clue,
    action: str,
    *,
    actor: User,
    reason: str = "",
    values: dict[str, Any] | None = None,
    notify: Iterable[Notice] = (),
    details: dict[str, Any] | None = None,
    deadline: DeadlineTarget | None = None,
) -> Clue:
    """One step of the clue's workflow (the table decides whether it is legal)."""
    taken = take(
        CLUE,
        clue,
        action,
        actor=actor,
        reason=reason,
        update=_setter(values) if values else None,
        notify=notify,
        details=details,
        guards=GUARDS,
        deadline=deadline,
    )
    assert isinstance(taken, Clue)
    return taken


def _has_push(clue: Model) -> str | None:
    return None if hasattr(clue, "push") else _("只有网络监测推送的线索可以下发工作提示单")


# passed to take and allowed_actions alike, so a button never offers a refused step
GUARDS = {"has_push": _has_push}


def _check_assignee(clue: Clue, actor: User, assignee: User | None) -> User:
    if assignee is None or not may_be_assigned(assignee, clue):
        raise invalid(ClueError.BAD_ASSIGNEE, field="assignee")
    if assignee.pk != actor.pk and not assigns_to_others(actor):
        raise invalid(ClueError.BAD_ASSIGNEE, _("执法人员只能认领给自己"), field="assignee")
    return assignee


def _assigned(clue: Clue, actor: User, assignee: User, action: str, reason: str) -> Clue:
    # the state and the permission first: a refusal says why before the choice of person
    step = require_transition(CLUE, clue.status, action)
    if not step.permission(actor, clue):
        raise PermissionDenied(_("您无权执行“%(a)s”") % {"a": step.label})
    assignee = _check_assignee(clue, actor, assignee)
    notice = Notice(
        assignee,
        NotificationKind.ASSIGNED,
        _("线索分派给您核查：%(c)s") % {"c": clue},
        clue.get_absolute_url(),
    )
    with transaction.atomic():
        done = take_step(
            clue,
            action,
            actor=actor,
            reason=reason,
            values={"assignee": assignee, "assigned_at": timezone.now()},
            notify=[notice] if assignee.pk != actor.pk else [],
        )
        reassign_deadlines(done, [VERIFICATION], actor=actor, assignee=assignee)
    return done


def assign_clue(clue: Clue, *, actor: User, assignee: User) -> Clue:
    """Hand a new clue to a case officer whose scope covers it, to verify."""
    return _assigned(clue, actor, assignee, "assign", "")


def reassign_clue(clue: Clue, *, actor: User, assignee: User, reason: str) -> Clue:
    return _assigned(clue, actor, assignee, "reassign", reason)


def verify_clue(clue: Clue, *, actor: User, findings: str, violation_found: bool) -> Clue:
    """The verification is done: what was found, and whether a violation was."""
    text = _text("findings", findings, _("请填写核查情况"), SUMMARY_MAX)
    values = {
        "findings": text,
        "violation_found": bool(violation_found),
        "verified_by": actor,
        "verified_at": timezone.now(),
    }
    return take_step(clue, "verify", actor=actor, values=values)


def reopen_clue(clue: Clue, *, actor: User, reason: str) -> Clue:
    """Sent back to the assignee for more verification."""
    return take_step(clue, "reopen", actor=actor, reason=reason)


def _decided(actor: User, note: str, **values: Any) -> dict[str, Any]:
    return {"decision_note": note.strip(), "decided_by": actor, "decided_at": timezone.now()} | (
        values
    )


def close_clue(clue: Clue, *, actor: User, closure_reason: str, note: str) -> Clue:
    """Closed without a case, with the reason (查无违法事实, 重复线索 …) and a note."""
    if closure_reason not in ClosureReason.values:
        raise invalid(INVALID, _("请选择办结原因"), field="closure_reason")
    return take_step(
        clue,
        "close",
        actor=actor,
        reason=note,
        values=_decided(actor, note, closure_reason=closure_reason),
    )


def file_for_case(clue: Clue, *, actor: User, note: str = "") -> Clue:
    """移送立案: the decision to open a case is recorded; the case module takes the clue
    over from this state (its own service builds the case)."""
    return take_step(clue, "file_case", actor=actor, reason=note, values=_decided(actor, note))


def transfer_clue(clue: Clue, *, actor: User, kind: str, to: str, reason: str) -> Clue:
    """Handed to another authority or another district's regulator (with the reason)."""
    if kind not in TransferKind.values:
        raise invalid(INVALID, _("请选择移送对象类别"), field="transfer_kind")
    receiver = _text("transferred_to", to, _("请填写接收机关"), 200)
    values = _decided(actor, reason, transfer_kind=kind, transferred_to=receiver)
    return take_step(
        clue, "transfer", actor=actor, reason=reason, values=values, details={"to": receiver}
    )


def request_verification_extension(clue: Clue, *, actor: User, reason: str) -> DeadlineExtension:
    """Ask for the 15 more working days; a chief other than the requester decides it on
    the deadline's page (core.deadlines.decide_extension)."""
    deadline = current_deadline(clue, VERIFICATION)
    if deadline is None or clue.status in (
        ClueStatus.CLOSED,
        ClueStatus.TRANSFERRED,
        ClueStatus.FOR_CASE,
    ):
        raise invalid(ClueError.NOT_VERIFYING, field="reason")
    return request_extension(deadline, actor=actor, reason=reason)


def record_taken_over(clue: Clue, *, actor: User, taken_by: str, url: str = "") -> None:
    """A 移送立案 clue taken over by the case module (the case names the clue; this is
    the clue's own record of it, audited on the clue). Called by cases.services inside its
    transaction; the clue's verification clock was met by ``file_case``."""
    if clue.status != ClueStatus.FOR_CASE:
        raise invalid(INVALID, _("只有“移送立案”状态的线索可以立案"), field="clue")
    audit.record(
        "clues.clue.taken_over",
        actor=actor,
        obj=clue,
        after={"taken_by": taken_by, "url": url},
    )
