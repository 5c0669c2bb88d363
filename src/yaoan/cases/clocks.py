"""What the case records beside its steps: the party's statement (or its waiver), the
collective discussion of a serious case, and the decision clock's suspensions (检验、检测、
鉴定、认定、专家评审、听证、公告: not counted, 市场监督管理行政处罚程序规定 第六十五条) and
its one 30-day extension with the head's approval (第六十四条), all through the deadline
platform. Re-exported by services."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.cases.enums import FILED_UNDECIDED, CaseError, CaseStatus, SuspensionKind
from yaoan.cases.models import Case
from yaoan.cases.opening import checked_choice, past_day, required_text
from yaoan.cases.rules import can_decide_case, can_handle_case
from yaoan.cases.workflow import DECISION, FILING
from yaoan.common.errors import invalid
from yaoan.core import audit
from yaoan.core.deadlines import current_deadline, resume_deadline, suspend_deadline
from yaoan.core.deadlines import request_extension as extend_deadline
from yaoan.core.enums import DeadlineState
from yaoan.core.models import Deadline, DeadlineExtension, DeadlineSuspension, User

STATEMENT_STATES = (CaseStatus.NOTICE_SERVED, CaseStatus.HEARING, CaseStatus.HEARD)


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def record_statement(case: Case, *, actor: User, statement: str = "", waived: bool = False) -> Case:
    """The party's 陈述申辩 (heard and recorded), or its written waiver of the statement
    and the hearing (which lets the decision be made before the period ends)."""
    case = _locked(case)
    if not can_handle_case(actor, case):
        raise PermissionDenied(_("您无权登记陈述申辩"))
    if case.status not in STATEMENT_STATES:
        raise invalid(CaseError.BAD_STATE, field="statement")
    text = (statement or "").strip()
    if not text and not waived:
        raise invalid(
            "required", _("请填写陈述申辩意见，或登记当事人放弃陈述申辩"), field="statement"
        )
    before = audit.snapshot(case, ["statement", "statement_waived"])
    case.statement, case.statement_waived = text[:8000], bool(waived)
    case.save(update_fields=["statement", "statement_waived"])
    audit.record(
        "cases.case.statement_recorded",
        actor=actor,
        obj=case,
        before=before,
        after=audit.snapshot(case, ["statement", "statement_waived"]),
    )
    return case


@transaction.atomic
def record_collective_discussion(
    case: Case, *, actor: User, summary: str, held_on: dt.date | None = None
) -> Case:
    """负责人集体讨论 of a serious case (行政处罚法 第五十七条第二款), before its decision."""
    case = _locked(case)
    if not can_decide_case(actor, case):
        raise PermissionDenied(_("您无权登记集体讨论"))
    if case.status not in (CaseStatus.PENDING_NOTICE, *STATEMENT_STATES):
        raise invalid(CaseError.BAD_STATE, field="collective_discussion")
    held = past_day("collective_discussed_on", held_on, _("集体讨论日期"))
    text = required_text("collective_discussion", summary, _("请填写集体讨论意见"))
    case.collective_discussed_on, case.collective_discussion = held, text
    case.save(update_fields=["collective_discussed_on", "collective_discussion"])
    audit.record(
        "cases.case.collective_discussion_recorded",
        actor=actor,
        obj=case,
        after={"collective_discussed_on": held},
        reason=text[:200],
    )
    return case


def decision_clock(case: Case) -> Deadline | None:
    """The 90-day decision clock (the latest one), whatever its state."""
    return current_deadline(case, DECISION)


def _running_decision_clock(case: Case) -> Deadline:
    clock = decision_clock(case)
    if case.status not in FILED_UNDECIDED or clock is None:
        raise invalid(CaseError.NO_CLOCK, field="reason")
    return clock


@transaction.atomic
def suspend_clock(
    case: Case, *, actor: User, kind: str, reason: str, start: dt.date | None = None
) -> DeadlineSuspension:
    """Stop the decision clock for a test, an expert determination, a hearing or a public
    notice (from ``start``, default today) until resumed."""
    if not can_handle_case(actor, case):
        raise PermissionDenied(_("您无权中止办案期限"))
    checked_choice("kind", kind, SuspensionKind, _("请选择中止计时的事由"))
    text = required_text("reason", reason, _("请填写中止计时的说明"), 500)
    clock = _running_decision_clock(case)
    label = SuspensionKind(kind).label
    suspension = suspend_deadline(clock, actor=actor, reason=f"{label}：{text}", start=start)
    audit.record(
        "cases.case.clock_suspended",
        actor=actor,
        obj=case,
        after={"kind": kind, "from": suspension.started_on},
        reason=text,
    )
    return suspension


@transaction.atomic
def resume_clock(case: Case, *, actor: User, end: dt.date | None = None) -> Deadline:
    """Restart the decision clock on ``end`` (default today): its date moves by the days it
    stood still."""
    if not can_handle_case(actor, case):
        raise PermissionDenied(_("您无权恢复办案期限"))
    clock = _running_decision_clock(case)
    if clock.state != DeadlineState.SUSPENDED:
        raise invalid(CaseError.NO_CLOCK, _("办案期限未在中止计时中"), field="end")
    resumed = resume_deadline(clock, actor=actor, end=end or timezone.localdate())
    audit.record(
        "cases.case.clock_resumed",
        actor=actor,
        obj=case,
        after={"due_on": resumed.due_on},
    )
    return resumed


def request_extension(case: Case, *, actor: User, reason: str) -> DeadlineExtension:
    """Ask for the extension of the clock that runs now: the filing limit (+15 working
    days) before 立案, the decision limit (+30 days) after; a chief other than the
    requester decides it on the deadline's page (core.deadlines.decide_extension)."""
    if case.status == CaseStatus.PENDING_FILING:
        clock = current_deadline(case, FILING)
        if clock is None:
            raise invalid(CaseError.NO_CLOCK, field="reason")
    else:
        clock = _running_decision_clock(case)
    with transaction.atomic():
        extension = extend_deadline(clock, actor=actor, reason=reason)
        audit.record(
            "cases.case.extension_requested",
            actor=actor,
            obj=case,
            after={"rule": extension.rule.code, "due_before": extension.due_before},
            reason=reason,
        )
    return extension
