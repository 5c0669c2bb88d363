"""The only writers of cases: registering a case (by hand, or from a 移送立案 clue), each
step of the penalty procedure through core.transitions.take (the table, permission,
approval by another person, guards, deadlines, audit and notifications in one place), and
the 90-day decision clock's suspensions and extension through the deadline platform.
Views, the API, the demo and the other parts of the app call these.

Clocks (codes in workflow.py, numbers in core/deadlines/defaults.py): the 15-working-day
filing limit runs from discovery for a case registered by hand (for a case from a clue it
is the clue's verification clock, already met when the clue was sent for a case); the
90-day decision limit from 立案; 法制审核 10 working days; the decision delivered within 7
days; the fine paid within 15 days of delivery; publication within 20 working days of an
ordinary-procedure penalty decision. The party's 5-working-day statement period is not an
officer's clock: its end is kept on the case and the decision is refused until it has run
(SECURITY.md S19)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.cases.clocks import (
    decision_clock,
    record_collective_discussion,
    record_statement,
    request_extension,
    resume_clock,
    suspend_clock,
)
from yaoan.cases.enums import (
    CaseError,
    DecisionOutcome,
    DeliveryMethod,
    EndReason,
    ExecutionMethod,
    Procedure,
)
from yaoan.cases.guards import GUARDS
from yaoan.cases.models import Case
from yaoan.cases.opening import (
    SIMPLE_FINE_PERSON,
    SIMPLE_FINE_UNIT,
    CaseInput,
    checked_choice,
    open_case,
    open_case_from_clue,
    past_day,
    required_text,
)
from yaoan.cases.penalty_services import apply_decision_consequences, money_total
from yaoan.cases.workflow import (
    CASE,
    EXECUTION,
    PUBLICATION,
    STATEMENT,
)
from yaoan.common.errors import INVALID, invalid
from yaoan.core.deadlines import compute_due, open_deadline
from yaoan.core.models import User
from yaoan.core.transitions import (
    DeadlineTarget,
    GuardFailedError,
    require_transition,
    take,
)

__all__ = [
    "CaseInput",
    "decision_clock",
    "open_case",
    "open_case_from_clue",
    "record_collective_discussion",
    "record_statement",
    "request_extension",
    "resume_clock",
    "suspend_clock",
]


# --- the workflow's steps ----------------------------------------------------------------


def _setter(values: dict[str, Any]) -> Callable[[Model], Iterable[str]]:
    def update(obj: Model) -> list[str]:
        for name, value in values.items():
            setattr(obj, name, value)
        return list(values)

    return update


def _clock(case: Case, start: dt.date | None = None) -> DeadlineTarget:
    """Where a clock the step opens answers: the handling unit and the lead officer."""
    return DeadlineTarget(
        org_unit=case.org_unit,
        assignee=case.lead_officer,
        start=start,
        label=str(case),
        url=case.get_absolute_url(),
    )


def take_step(
    case: Case,
    action: str,
    *,
    actor: User,
    reason: str = "",
    values: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
    start: dt.date | None = None,
) -> Case:
    """One step of the case's workflow (the table decides whether it is legal)."""
    taken = take(
        CASE,
        case,
        action,
        actor=actor,
        reason=reason,
        update=_setter(values) if values else None,
        details=details,
        guards=GUARDS,
        deadline=_clock(case, start),
    )
    assert isinstance(taken, Case)
    return taken


def _expect(case: Case, action: str) -> None:
    """A step out of order is refused as such (409) before its input is checked (422)."""
    require_transition(CASE, case.status, action)


def approve_filing(case: Case, *, actor: User, note: str = "") -> Case:
    """立案: a chief other than the lead officer approves; the 90-day decision clock starts."""
    values = {"filed_at": timezone.now(), "filed_by": actor, "filing_note": note.strip()}
    return take_step(case, "approve_filing", actor=actor, reason=note, values=values)


def refuse_filing(case: Case, *, actor: User, end_reason: str, reason: str) -> Case:
    """不予立案, with the reason (违法事实不成立, 轻微并及时改正 …)."""
    _expect(case, "refuse_filing")
    checked_choice("end_reason", end_reason, EndReason, _("请选择不予立案的原因"))
    return take_step(
        case, "refuse_filing", actor=actor, reason=reason, values={"end_reason": end_reason}
    )


def decide_on_spot(
    case: Case,
    *,
    actor: User,
    summary: str,
    fine: Decimal | None = None,
    delivered_on: dt.date | None = None,
) -> Case:
    """简易程序: a warning or a small fine decided on the spot (第六十八条起) and the 决定书
    handed over at once (当场交付): two steps of the table, one transaction. A fine over the
    limit is refused: that needs the ordinary procedure."""
    _expect(case, "decide_on_spot")
    text = required_text("decision_summary", summary, _("请填写当场处罚决定内容"))
    limit = SIMPLE_FINE_PERSON if case.party_is_person else SIMPLE_FINE_UNIT
    if fine is not None and (fine < 0 or fine > limit):
        raise invalid(CaseError.SIMPLE_LIMIT, field="fine")
    values = {
        "outcome": DecisionOutcome.PENALTY,
        "decision_summary": text,
        "fine_total": fine,
        "execution_required": bool(fine),
        "decided_at": timezone.now(),
        "decided_by": actor,
    }
    with transaction.atomic():
        decided = take_step(case, "decide_on_spot", actor=actor, values=values)
        return record_delivery(
            decided,
            actor=actor,
            delivered_on=delivered_on,
            method=DeliveryMethod.ON_SPOT,
            note=_("当场交付"),
        )


def finish_investigation(case: Case, *, actor: User, report: str, proposal: str) -> Case:
    """调查终结: the report (facts, evidence, the legal basis) and the proposed handling go
    to the chief's review; an empty evidence list is refused."""
    _expect(case, "finish_investigation")
    values = {
        "investigation_report": required_text(
            "investigation_report", report, _("请填写调查终结报告")
        ),
        "proposed_action": required_text("proposed_action", proposal, _("请填写处理建议")),
    }
    return take_step(case, "finish_investigation", actor=actor, values=values)


def review(case: Case, *, actor: User, opinion: str) -> Case:
    """案件审核 passed; the case goes to 法制审核 (10 working days)."""
    _expect(case, "review")
    values = {
        "review_opinion": required_text("review_opinion", opinion, _("请填写审核意见")),
        "reviewed_by": actor,
    }
    return take_step(case, "review", actor=actor, values=values)


def return_for_investigation(case: Case, *, actor: User, reason: str) -> Case:
    return take_step(case, "return_for_investigation", actor=actor, reason=reason)


def legal_review(case: Case, *, actor: User, opinion: str) -> Case:
    """法制审核 passed (by a reviewer who did not investigate the case)."""
    _expect(case, "legal_review")
    values = {
        "legal_opinion": required_text("legal_opinion", opinion, _("请填写法制审核意见")),
        "legal_reviewer": actor,
        "legal_reviewed_at": timezone.now(),
    }
    return take_step(case, "legal_review", actor=actor, values=values)


def legal_return(case: Case, *, actor: User, reason: str) -> Case:
    """法制审核 sends the case back for more investigation, with the reason."""
    values = {"legal_opinion": reason.strip(), "legal_reviewer": actor}
    return take_step(case, "legal_return", actor=actor, reason=reason, values=values)


def serve_notice(
    case: Case,
    *,
    actor: User,
    served_on: dt.date | None = None,
    method: str = DeliveryMethod.DIRECT,
) -> Case:
    """告知: the 行政处罚告知书 was delivered on ``served_on``; the party has 5 working days
    from then to state its case or ask for a hearing, and no decision is made before."""
    _expect(case, "serve_notice")
    served = past_day("notice_served_on", served_on, _("告知书送达日期"))
    checked_choice("notice_delivery_method", method, DeliveryMethod, _("请选择送达方式"))
    statement_due, _provisional = compute_due(STATEMENT, served)
    values = {
        "notice_served_on": served,
        "notice_delivery_method": method,
        "statement_due_on": statement_due,
    }
    return take_step(
        case,
        "serve_notice",
        actor=actor,
        values=values,
        details={"statement_due_on": statement_due},
    )


def request_hearing(case: Case, *, actor: User, requested_on: dt.date | None = None) -> Case:
    """The party asked for a hearing (市场监督管理行政处罚听证办法) within the statement
    period; the decision clock stands still until the hearing is recorded."""
    _expect(case, "request_hearing")
    requested = past_day("hearing_requested_on", requested_on, _("听证申请日期"))
    due = case.statement_due_on
    if due is not None and requested > due:
        raise invalid(
            CaseError.BAD_DATE,
            _("听证申请须在告知书送达后5个工作日内（%(d)s前）提出") % {"d": due},
            field="hearing_requested_on",
        )
    return take_step(
        case, "request_hearing", actor=actor, values={"hearing_requested_on": requested}
    )


def record_hearing(
    case: Case, *, actor: User, summary: str, held_on: dt.date | None = None
) -> Case:
    """The hearing was held (听证笔录 summarised); the decision clock runs again."""
    _expect(case, "record_hearing")
    held = past_day("hearing_held_on", held_on, _("听证日期"))
    values = {
        "hearing_held_on": held,
        "hearing_summary": required_text("hearing_summary", summary, _("请填写听证情况")),
    }
    return take_step(case, "record_hearing", actor=actor, values=values)


def decide(
    case: Case,
    *,
    actor: User,
    outcome: str,
    summary: str,
    fine_total: Decimal | None = None,
    execution_required: bool | None = None,
) -> Case:
    """处罚决定 (or 不予行政处罚), by a chief or leader other than the lead officer; refused
    while the statement period runs, and for a serious case before collective discussion.
    A penalty decided in the ordinary procedure opens the 20-working-day publication clock.
    ``execution_required``: False for a warning alone (nothing to execute). A penalty in the
    ordinary procedure needs a valid proposal (penalty_checks); ``fine_total`` defaults to
    the proposed fines and confiscated income (``money_total``)."""
    _expect(case, "decide")
    checked_choice("outcome", outcome, DecisionOutcome, _("请选择处理决定"))
    if fine_total is not None and fine_total < 0:
        raise invalid(INVALID, _("罚没款金额不能为负数"), field="fine_total")
    if outcome == DecisionOutcome.PENALTY and case.procedure == Procedure.ORDINARY:
        _require_proposal(case)
        if fine_total is None:
            fine_total = money_total(case)
    executes = (
        outcome == DecisionOutcome.PENALTY
        if execution_required is None
        else (execution_required and outcome == DecisionOutcome.PENALTY)
    )
    values = {
        "outcome": outcome,
        "decision_summary": required_text("decision_summary", summary, _("请填写决定内容")),
        "fine_total": fine_total,
        "execution_required": executes,
        "decided_at": timezone.now(),
        "decided_by": actor,
    }
    with transaction.atomic():
        decided = take_step(case, "decide", actor=actor, values=values)
        # bans start, the credit rule, the key-list event (penalty_services)
        apply_decision_consequences(decided, actor=actor)
        if outcome == DecisionOutcome.PENALTY:
            open_deadline(
                actor=actor,
                subject=decided,
                rule_code=PUBLICATION,
                org_unit=decided.org_unit,
                assignee=decided.lead_officer,
                label=_("处罚信息公示：%(c)s") % {"c": decided},
                url=decided.get_absolute_url(),
            )
    return decided


def _require_proposal(case: Case) -> None:
    """A penalty decision carries the proposal the notice stated: refused like the notice's
    guard (409 with the reason) when it is missing, departs without its reason or exceeds
    the legal maximum, before anything is written."""
    problem = GUARDS["proposal"](case)
    if problem:
        raise GuardFailedError(problem, state=case.status, action="decide")


def record_delivery(
    case: Case,
    *,
    actor: User,
    delivered_on: dt.date | None = None,
    method: str = DeliveryMethod.DIRECT,
    note: str = "",
) -> Case:
    """送达 of the 决定书 (how, when, the 送达回证 or the electronic confirmation); a
    decision with something to execute starts the 15-day payment clock from delivery."""
    _expect(case, "record_delivery")
    delivered = past_day("delivered_on", delivered_on, _("送达日期"))
    checked_choice("delivery_method", method, DeliveryMethod, _("请选择送达方式"))
    values = {"delivered_on": delivered, "delivery_method": method, "delivery_note": note[:300]}
    with transaction.atomic():
        done = take_step(case, "record_delivery", actor=actor, values=values)
        if done.execution_required:
            open_deadline(
                actor=actor,
                subject=done,
                rule_code=EXECUTION,
                org_unit=done.org_unit,
                assignee=done.lead_officer,
                start=delivered,
                label=_("处罚决定履行：%(c)s") % {"c": done},
                url=done.get_absolute_url(),
            )
    return done


def record_execution(
    case: Case,
    *,
    actor: User,
    method: str,
    note: str = "",
    executed_on: dt.date | None = None,
) -> Case:
    """执行: the fine paid, goods confiscated, or enforcement by the court."""
    _expect(case, "record_execution")
    checked_choice("execution_method", method, ExecutionMethod, _("请选择执行方式"))
    values = {
        "executed_on": past_day("executed_on", executed_on, _("执行完毕日期")),
        "execution_method": method,
        "execution_note": note.strip(),
    }
    return take_step(case, "record_execution", actor=actor, values=values)


def close_case(case: Case, *, actor: User, note: str = "") -> Case:
    """结案: refused while anything is still open (a clock running, an item not disposed
    of)."""
    values = {"closed_at": timezone.now(), "closed_by": actor}
    return take_step(case, "close_case", actor=actor, reason=note, values=values)


def revoke_filing(case: Case, *, actor: User, end_reason: str, reason: str) -> Case:
    """撤销立案: a filed case found not to meet the conditions; its clocks are cancelled."""
    _expect(case, "revoke_filing")
    checked_choice("end_reason", end_reason, EndReason, _("请选择撤销立案的原因"))
    return take_step(
        case, "revoke_filing", actor=actor, reason=reason, values={"end_reason": end_reason}
    )


def terminate(case: Case, *, actor: User, end_reason: str, reason: str) -> Case:
    """终止: the party died or ceased to exist with no successor, and the like."""
    _expect(case, "terminate")
    checked_choice("end_reason", end_reason, EndReason, _("请选择终止的原因"))
    return take_step(
        case, "terminate", actor=actor, reason=reason, values={"end_reason": end_reason}
    )


def transfer_to_authority(case: Case, *, actor: User, to: str, reason: str) -> Case:
    """移交 to the authority with jurisdiction (another regulator, or the police: a suspected
    crime's own register is the 行刑衔接 part of the app)."""
    _expect(case, "transfer_to_authority")
    receiver = required_text("transferred_to", to, _("请填写接收机关"), 200)
    return take_step(
        case,
        "transfer_to_authority",
        actor=actor,
        reason=reason,
        values={"transferred_to": receiver, "end_reason": EndReason.NO_JURISDICTION},
        details={"to": receiver},
    )
