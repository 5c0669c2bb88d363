"""The one function that takes any transition of any workflow, and the buttons it allows.

``take`` does, in one transaction: lock the row → find (state, action) in the table →
permission → reason → approval separation → guards → the caller's field updates and the
new state → save(update_fields) → deadlines opened/met/cancelled/suspended/resumed →
audit event → notifications (mailed after commit). Anything refused leaves nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from yaoan.core import audit
from yaoan.core.deadlines import (
    cancel_deadlines,
    deadlines_for,
    meet_deadlines,
    open_deadline,
    resume_deadline,
    suspend_deadline,
)
from yaoan.core.enums import DeadlineState
from yaoan.core.models import OrgUnit, User
from yaoan.core.notifications import notify as send_notice
from yaoan.core.workflow import Transition, Workflow

Guard = Callable[[Model], "str | None"]


class TransitionError(ValidationError):
    """A refused transition; ``code`` says why (the API maps it to 409 or 422)."""

    default_code = "transition_error"

    def __init__(self, message: str, *, state: str = "", action: str = ""):
        super().__init__(message, code=self.default_code)
        self.state = state
        self.action = action


class IllegalTransitionError(TransitionError):
    default_code = "illegal_transition"


class ReasonRequiredError(TransitionError):
    default_code = "reason_required"


class SameApproverError(TransitionError):
    default_code = "approver_is_submitter"


class GuardFailedError(TransitionError):
    default_code = "guard_failed"


@dataclass(frozen=True)
class DeadlineTarget:
    org_unit: OrgUnit | None
    assignee: User | None
    start: dt.date | None = None
    label: str = ""
    url: str = ""


@dataclass(frozen=True)
class Notice:
    recipient: User
    kind: str
    title: str
    link: str = ""


def _action_label(workflow: Workflow, action: str) -> str:
    for t in workflow.transitions:
        if t.action == action:
            return str(t.label)
    return action


def require_transition(workflow: Workflow, state: str, action: str) -> Transition:
    """The table's row for (state, action), or IllegalTransitionError naming both."""
    state = str(state)
    found = workflow.transition(state, action)
    if found is None:
        raise IllegalTransitionError(
            _("%(workflow)s当前状态为“%(state)s”，不能执行“%(action)s”")
            % {
                "workflow": workflow.label,
                "state": workflow.state_label(state),
                "action": _action_label(workflow, action),
            },
            state=state,
            action=action,
        )
    return found


def _submitter_id(workflow: Workflow, obj: Model) -> Any:
    if not workflow.submitter_field:
        return None
    field = obj._meta.get_field(workflow.submitter_field)
    return getattr(obj, getattr(field, "attname", workflow.submitter_field))


def _is_own_approval(workflow: Workflow, t: Transition, obj: Model, user: User) -> bool:
    return t.approval and _submitter_id(workflow, obj) == user.pk


def _check(
    workflow: Workflow,
    t: Transition,
    obj: Model,
    actor: User,
    reason: str,
    guards: Mapping[str, Guard],
) -> None:
    if not t.permission(actor, obj):
        raise PermissionDenied(_("您无权执行“%(action)s”") % {"action": t.label})
    if t.reason_required and not reason:
        raise ReasonRequiredError(
            _("“%(action)s”须填写理由") % {"action": t.label}, state=t.source, action=t.action
        )
    if _is_own_approval(workflow, t, obj, actor):
        raise SameApproverError(
            _("“%(action)s”须由提交人以外的另一人审批") % {"action": t.label},
            state=t.source,
            action=t.action,
        )
    for name in t.guards:
        if name not in guards:
            raise ImproperlyConfigured(f"{workflow.name}.{t.action}: guard {name!r} not passed")
        message = guards[name](obj)
        if message:
            raise GuardFailedError(str(message), state=t.source, action=t.action)


def _codes(codes: tuple[str, ...]) -> list[str] | None:
    return None if "*" in codes else list(codes)


def _apply_deadlines(
    t: Transition, obj: Model, actor: User, reason: str, target: DeadlineTarget | None
) -> list[dict[str, Any]]:
    if t.meets:
        meet_deadlines(obj, _codes(t.meets), actor=actor)
    if t.cancels:
        cancel_deadlines(obj, _codes(t.cancels), actor=actor)
    running = deadlines_for(obj)
    for deadline in running.filter(state=DeadlineState.OPEN, rule__code__in=t.suspends):
        suspend_deadline(deadline, actor=actor, reason=reason or str(t.label))
    for deadline in running.filter(state=DeadlineState.SUSPENDED, rule__code__in=t.resumes):
        resume_deadline(deadline, actor=actor)
    opened = []
    url_of = getattr(obj, "get_absolute_url", None)
    target = target or DeadlineTarget(org_unit=actor.org_unit, assignee=actor)
    for code in t.opens:
        deadline = open_deadline(
            actor=actor,
            subject=obj,
            rule_code=code,
            org_unit=target.org_unit,
            assignee=target.assignee,
            start=target.start,
            label=target.label or str(obj),
            url=target.url or (url_of() if url_of else ""),
        )
        opened.append(
            {"rule": code, "due_on": deadline.due_on, "provisional": deadline.provisional}
        )
    return opened


def take(
    workflow: Workflow,
    obj: Model,
    action: str,
    *,
    actor: User,
    reason: str = "",
    guards: Mapping[str, Guard] | None = None,
    update: Callable[[Model], Iterable[str]] | None = None,
    deadline: DeadlineTarget | None = None,
    notify: Iterable[Notice] = (),
    details: Mapping[str, Any] | None = None,
) -> Model:
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        t = require_transition(workflow, getattr(locked, workflow.state_field), action)
        _check(workflow, t, locked, actor, reason, guards or {})
        before = audit.snapshot(locked)
        fields = list(update(locked)) if update else []
        setattr(locked, workflow.state_field, t.target)
        locked.save(update_fields=list(dict.fromkeys([workflow.state_field, *fields])))
        opened = _apply_deadlines(t, locked, actor, reason, deadline)
        after = audit.snapshot(locked)
        changed = audit.changed_fields(before, after)
        audit.record(
            f"{workflow.name}.{t.verb or t.action}",
            actor=actor,
            obj=locked,
            before={k: before[k] for k in changed},
            after={
                **changed,
                **({"deadlines": opened} if opened else {}),
                **dict(details or {}),
            },
            reason=reason,
        )
        for notice in notify:
            send_notice(
                notice.recipient, notice.kind, notice.title, link=notice.link, subject=locked
            )
    return locked


def allowed_actions(
    workflow: Workflow,
    obj: Model,
    user: User,
    *,
    guards: Mapping[str, Guard] | None = None,
) -> list[Transition]:
    """What this user may do to this record now: the buttons on the page and the API's
    ``actions``. With ``guards`` (the same the service passes to ``take``), a transition
    whose guard would refuse is left out too; a guard not passed is not checked here."""
    if not user.is_authenticated:
        return []
    state = str(getattr(obj, workflow.state_field))
    checks = guards or {}
    return [
        t
        for t in workflow.actions_from(state)
        if t.permission(user, obj)
        and not _is_own_approval(workflow, t, obj, user)
        and not any(name in checks and checks[name](obj) for name in t.guards)
    ]
