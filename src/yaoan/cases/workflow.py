"""The administrative penalty procedure (行政处罚程序) of a case, as data (taken by
core.transitions.take).

普通程序: 待立案审批 → 立案 (a chief other than the lead officer approves; the 90-day
decision clock starts, 市场监督管理行政处罚程序规定 第六十四条) → 调查取证 → 调查终结
(the evidence list must not be empty) → 案件审核 (a chief) → 法制审核 (a legal reviewer
who did not investigate, 10 working days) → 告知 (陈述申辩 and 听证 within 5 working days
of delivery) → [听证 requested: the decision clock stands still until it is held] → 处罚
决定 (a chief or leader other than the lead officer, only after the statement period has
run or the party waived it, and after collective discussion for a serious case) → 送达
(within 7 days, 行政处罚法 第六十一条) → 执行 → 结案 (nothing left open).

简易程序 (第六十八条起): the case is registered and decided on the spot, the decision
handed over at once (当场交付: the service takes both steps), executed and closed. Also
不予立案, 撤销立案 (a filed case found not to meet the conditions), 终止 and 移交其他机关.
The clocks are named here; the manual suspensions (检验、鉴定、公告) and the 30-day
extension are services (services.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yaoan.cases.beyond_workflow import WORKFLOWS as BEYOND_WORKFLOWS
from yaoan.cases.enums import FILED_UNDECIDED, CaseStatus
from yaoan.cases.penalty_workflow import LISTING
from yaoan.cases.rules import can_decide_case, can_handle_case, can_legal_review
from yaoan.core.workflow import Transition, Workflow

S = CaseStatus
# deadline rule codes (core/deadlines/defaults.py)
FILING = "case_filing"
DECISION = "case_decision"
LEGAL_REVIEW = "case_legal_review"
STATEMENT = "statement_of_defence"
DELIVERY = "case_decision_delivery"
EXECUTION = "case_execution"
PUBLICATION = "penalty_publication"
CRIMINAL_TRANSFER = "criminal_transfer_followup"
ALL = ("*",)


def _revoke(source: str) -> Transition:
    return Transition(
        source,
        "revoke_filing",
        S.REVOKED,
        _("撤销立案"),
        can_decide_case,
        reason_required=True,
        approval=True,
        cancels=ALL,
        verb="filing_revoked",
        style="danger",
    )


def _terminate(source: str) -> Transition:
    return Transition(
        source,
        "terminate",
        S.TERMINATED,
        _("终止案件"),
        can_decide_case,
        reason_required=True,
        approval=True,
        cancels=ALL,
        verb="terminated",
        style="danger",
    )


def _transfer(source: str) -> Transition:
    return Transition(
        source,
        "transfer_to_authority",
        S.TRANSFERRED,
        _("移交其他机关"),
        can_decide_case,
        reason_required=True,
        cancels=ALL,
        verb="transferred",
    )


def _decide(source: str) -> Transition:
    return Transition(
        source,
        "decide",
        S.DECIDED,
        _("作出处理决定"),
        can_decide_case,
        approval=True,
        guards=("statement_period_over", "collective_discussion", "no_transfer_pending"),
        meets=(DECISION,),
        opens=(DELIVERY,),
        verb="decided",
        style="primary",
    )


def _close(source: str, *guards: str) -> Transition:
    return Transition(
        source,
        "close_case",
        S.CLOSED,
        _("结案"),
        can_decide_case,
        approval=True,
        guards=(*guards, "nothing_open"),
        verb="closed",
        style="primary",
    )


CASE = Workflow(
    name="cases.case",
    label=_("案件"),
    states=CaseStatus,
    initial=S.PENDING_FILING,
    # the approvals (立案, 审核, 决定, 结案) are a chief's other than the lead officer
    submitter_field="lead_officer",
    transitions=(
        Transition(
            S.PENDING_FILING,
            "approve_filing",
            S.INVESTIGATING,
            _("批准立案"),
            can_decide_case,
            approval=True,
            guards=("ordinary",),
            meets=(FILING,),
            opens=(DECISION,),
            verb="filed",
            style="primary",
        ),
        Transition(
            S.PENDING_FILING,
            "refuse_filing",
            S.NOT_FILED,
            _("不予立案"),
            can_decide_case,
            reason_required=True,
            approval=True,
            cancels=ALL,
            verb="not_filed",
        ),
        Transition(
            S.PENDING_FILING,
            "decide_on_spot",
            S.DECIDED,
            _("当场作出处罚决定（简易程序）"),
            can_handle_case,
            guards=("simple",),
            cancels=ALL,
            verb="decided_on_spot",
            style="primary",
        ),
        Transition(
            S.INVESTIGATING,
            "finish_investigation",
            S.CASE_REVIEW,
            _("调查终结，提交审核"),
            can_handle_case,
            guards=("has_evidence",),
            verb="investigation_finished",
            style="primary",
        ),
        Transition(
            S.CASE_REVIEW,
            "review",
            S.LEGAL_REVIEW,
            _("审核通过，提交法制审核"),
            can_decide_case,
            approval=True,
            opens=(LEGAL_REVIEW,),
            verb="reviewed",
            style="primary",
        ),
        Transition(
            S.CASE_REVIEW,
            "return_for_investigation",
            S.INVESTIGATING,
            _("退回补充调查"),
            can_decide_case,
            reason_required=True,
            approval=True,
            verb="returned",
        ),
        Transition(
            S.LEGAL_REVIEW,
            "legal_review",
            S.PENDING_NOTICE,
            _("法制审核通过"),
            can_legal_review,
            meets=(LEGAL_REVIEW,),
            verb="legally_reviewed",
            style="primary",
        ),
        Transition(
            S.LEGAL_REVIEW,
            "legal_return",
            S.INVESTIGATING,
            _("法制审核退回"),
            can_legal_review,
            reason_required=True,
            meets=(LEGAL_REVIEW,),
            verb="legal_returned",
        ),
        Transition(
            S.PENDING_NOTICE,
            "serve_notice",
            S.NOTICE_SERVED,
            _("送达行政处罚告知书"),
            can_handle_case,
            # the notice states the proposed penalty: not before a valid discretion proposal
            guards=("proposal",),
            verb="notice_served",
            style="primary",
        ),
        Transition(
            S.NOTICE_SERVED,
            "request_hearing",
            S.HEARING,
            _("登记听证申请"),
            can_handle_case,
            suspends=(DECISION,),
            verb="hearing_requested",
        ),
        Transition(
            S.HEARING,
            "record_hearing",
            S.HEARD,
            _("登记听证结果"),
            can_handle_case,
            resumes=(DECISION,),
            verb="hearing_recorded",
            style="primary",
        ),
        _decide(S.NOTICE_SERVED),
        _decide(S.HEARD),
        Transition(
            S.DECIDED,
            "record_delivery",
            S.DELIVERED,
            _("登记决定书送达"),
            can_handle_case,
            meets=(DELIVERY,),
            verb="delivered",
            style="primary",
        ),
        Transition(
            S.DELIVERED,
            "record_execution",
            S.EXECUTED,
            _("登记执行情况"),
            can_handle_case,
            guards=("penalty",),
            meets=(EXECUTION,),
            verb="executed",
            style="primary",
        ),
        _close(S.EXECUTED),
        # a 不予行政处罚 decision or a warning leaves nothing to execute
        _close(S.DELIVERED, "nothing_to_execute"),
        *(_revoke(s) for s in FILED_UNDECIDED),
        *(_terminate(s) for s in (*FILED_UNDECIDED, S.DELIVERED)),
        *(_transfer(s) for s in (S.PENDING_FILING, S.INVESTIGATING, S.CASE_REVIEW)),
    ),
)

# 行刑衔接 and 挂牌督办 (beyond_workflow.py) and the 严重失信主体名单's table (LISTING, beside
# the discretion code): collected with the case's own table
WORKFLOWS = (
    CASE,
    *BEYOND_WORKFLOWS,
    LISTING,
)
