"""The legal state changes of a 线索 (clue), as data (taken by core.transitions.take).

new → verifying (assign to a case officer) → verified (findings recorded) → closed with a
reason / 移送立案 (for the case module to take over), both decided by a chief other than
the verifier; transferred to another authority or district from any open state. An
online-sales push starts in ``prompted`` (a 工作提示单 sent to the station); the
station's feedback closes it or sends it on to 移送立案. The 15-working-day verification
clock (市场监督管理行政处罚程序规定 第十八条) opens when the clue is registered and is met
by the decision; the 工作提示单's handling limit is met by the feedback."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yaoan.clues.enums import ClueStatus
from yaoan.clues.rules import (
    can_answer_prompt,
    can_assign_clue,
    can_decide_clue,
    can_send_prompt,
    can_verify_clue,
)
from yaoan.core.workflow import Transition, Workflow

S = ClueStatus
VERIFICATION = "clue_verification"
PROMPT = "online_sales_prompt"
ALL = ("*",)


def _transfer(source: str) -> Transition:
    return Transition(
        source,
        "transfer",
        S.TRANSFERRED,
        _("移送其他机关"),
        can_decide_clue,
        reason_required=True,
        meets=ALL,
        verb="transferred",
    )


CLUE = Workflow(
    name="clues.clue",
    label=_("线索"),
    states=ClueStatus,
    initial=S.NEW,
    # the decision after verification is a chief's, not the verifier's own
    submitter_field="verified_by",
    transitions=(
        Transition(
            S.NEW,
            "assign",
            S.VERIFYING,
            _("分派核查"),
            can_assign_clue,
            verb="assigned",
            style="primary",
        ),
        Transition(
            S.VERIFYING,
            "reassign",
            S.VERIFYING,
            _("改派"),
            can_decide_clue,
            reason_required=True,
            verb="reassigned",
        ),
        Transition(
            S.VERIFYING,
            "verify",
            S.VERIFIED,
            _("核查完毕"),
            can_verify_clue,
            verb="verified",
            style="primary",
        ),
        Transition(
            S.VERIFIED,
            "reopen",
            S.VERIFYING,
            _("退回补充核查"),
            can_decide_clue,
            reason_required=True,
            approval=True,
            verb="reopened",
        ),
        Transition(
            S.VERIFIED,
            "close",
            S.CLOSED,
            _("办结（不予立案）"),
            can_decide_clue,
            reason_required=True,
            approval=True,
            meets=ALL,
            verb="closed",
        ),
        Transition(
            S.NEW,
            "close",
            S.CLOSED,
            _("办结（不予立案）"),
            can_decide_clue,
            reason_required=True,
            meets=ALL,
            verb="closed",
        ),
        Transition(
            S.VERIFIED,
            "file_case",
            S.FOR_CASE,
            _("移送立案"),
            can_decide_clue,
            approval=True,
            meets=ALL,
            verb="referred_for_case",
            style="primary",
        ),
        Transition(
            S.NEW,
            "send_prompt",
            S.PROMPTED,
            _("下发工作提示单"),
            can_send_prompt,
            guards=("has_push",),
            opens=(PROMPT,),
            verb="prompt_sent",
            style="primary",
        ),
        _transfer(S.NEW),
        _transfer(S.VERIFYING),
        _transfer(S.VERIFIED),
        _transfer(S.PROMPTED),
        Transition(
            S.PROMPTED,
            "feedback",
            S.CLOSED,
            _("反馈办理结果"),
            can_answer_prompt,
            reason_required=True,
            meets=ALL,
            verb="answered",
            style="primary",
        ),
        Transition(
            S.PROMPTED,
            "feedback_for_case",
            S.FOR_CASE,
            _("反馈：涉嫌违法，移送立案"),
            can_answer_prompt,
            reason_required=True,
            meets=ALL,
            verb="answered_for_case",
        ),
    ),
)

WORKFLOWS = (CLUE,)
