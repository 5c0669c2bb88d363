"""The legal state changes of a 投诉举报 and of a 举报奖励, as data (taken by
core.transitions.take).

Complaint (投诉):  received → accepted → verified → mediated → replied → evaluated → closed
Report (举报):     received → accepted → verified → (to_clue →) replied → evaluated → closed
Either:            received → not_accepted (legal reason)
                   received → transfer_pending → received (the receiving unit confirms:
                   the record moves to it; or it refuses, or the first unit withdraws
                   the transfer: the record stays) or → transferred
                   (handed over outside the system, the receiver's acknowledgement cited)
                   replied → closed (no evaluation given)

Clocks (core.deadlines, DEFAULT_RULES): the acceptance decision (7 WD) and, for a report,
verification (15 WD, extendable by 15) run from receipt (opened by
services.receive_complaint); mediation (45 WD from acceptance) is opened by
services.accept for a complaint only; the reply (5 WD) opens when the handling is
decided (mediation concluded; a report verified). Where a clock depends on the kind the
service opens it; the table names what is met or cancelled."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yaoan.complaints.enums import ComplaintStatus, RewardStatus
from yaoan.complaints.rules import (
    can_approve_reward,
    can_confirm_transfer,
    can_handle_complaint,
    can_handle_reward,
)
from yaoan.core.workflow import Transition, Workflow, from_each

S = ComplaintStatus
ACCEPTANCE = "complaint_acceptance"
VERIFICATION = "report_verification"
MEDIATION = "complaint_mediation"
REPLY = "complaint_reply"

COMPLAINT = Workflow(
    name="complaints.complaint",
    label=_("投诉举报"),
    states=ComplaintStatus,
    initial=S.RECEIVED,
    transitions=(
        Transition(
            S.RECEIVED,
            "accept",
            S.ACCEPTED,
            _("受理"),
            can_handle_complaint,
            meets=(ACCEPTANCE,),
            verb="accepted",
            style="primary",
        ),
        Transition(
            S.RECEIVED,
            "not_accept",
            S.NOT_ACCEPTED,
            _("不予受理"),
            can_handle_complaint,
            reason_required=True,
            meets=(ACCEPTANCE,),
            cancels=("*",),
            verb="not_accepted",
            style="danger",
        ),
        Transition(
            S.RECEIVED,
            "transfer",
            S.TRANSFER_PENDING,
            _("转办"),
            can_handle_complaint,
            reason_required=True,
            verb="transfer_requested",
        ),
        Transition(
            S.TRANSFER_PENDING,
            "confirm_transfer",
            S.RECEIVED,
            _("确认接收转办"),
            can_confirm_transfer,
            guards=("internal_target",),
            verb="transfer_confirmed",
            style="primary",
        ),
        Transition(
            S.TRANSFER_PENDING,
            "refuse_transfer",
            S.RECEIVED,
            _("退回转办"),
            can_confirm_transfer,
            reason_required=True,
            guards=("internal_target",),
            verb="transfer_refused",
            style="danger",
        ),
        Transition(
            S.TRANSFER_PENDING,
            "withdraw_transfer",
            S.RECEIVED,
            _("撤回转办"),
            can_handle_complaint,
            reason_required=True,
            verb="transfer_withdrawn",
        ),
        Transition(
            S.TRANSFER_PENDING,
            "confirm_handover",
            S.TRANSFERRED,
            _("确认已移交"),
            can_handle_complaint,
            reason_required=True,
            guards=("external_target",),
            cancels=("*",),
            verb="handed_over",
        ),
        Transition(
            S.ACCEPTED,
            "verify",
            S.VERIFIED,
            _("核查完毕"),
            can_handle_complaint,
            meets=(VERIFICATION,),
            verb="verified",
            style="primary",
        ),
        Transition(
            S.VERIFIED,
            "mediate",
            S.MEDIATED,
            _("调解终结"),
            can_handle_complaint,
            guards=("only_complaints",),
            meets=(MEDIATION,),
            opens=(REPLY,),
            verb="mediated",
            style="primary",
        ),
        Transition(
            S.VERIFIED,
            "to_clue",
            S.TO_CLUE,
            _("转为案件线索"),
            can_handle_complaint,
            guards=("violation_found",),
            verb="sent_to_clue",
            style="primary",
        ),
        Transition(
            S.VERIFIED,
            "reply",
            S.REPLIED,
            _("答复"),
            can_handle_complaint,
            guards=("only_reports",),
            meets=(REPLY,),
            verb="replied",
        ),
        *from_each(
            (S.MEDIATED, S.TO_CLUE),
            "reply",
            S.REPLIED,
            _("答复"),
            can_handle_complaint,
            meets=(REPLY,),
            verb="replied",
            style="primary",
        ),
        Transition(
            S.REPLIED,
            "evaluate",
            S.EVALUATED,
            _("记录评价"),
            can_handle_complaint,
            verb="evaluated",
            style="primary",
        ),
        Transition(
            S.REPLIED,
            "close",
            S.CLOSED,
            _("办结"),
            can_handle_complaint,
            reason_required=True,
            meets=("*",),
            verb="closed",
        ),
        Transition(
            S.EVALUATED,
            "close",
            S.CLOSED,
            _("办结"),
            can_handle_complaint,
            meets=("*",),
            verb="closed",
            style="primary",
        ),
    ),
)

R = RewardStatus

REWARD = Workflow(
    name="complaints.complaintreward",
    label=_("举报奖励"),
    states=RewardStatus,
    initial=R.PROPOSED,
    submitter_field="proposed_by",
    transitions=(
        Transition(
            R.PROPOSED,
            "approve",
            R.APPROVED,
            _("批准奖励"),
            can_approve_reward,
            approval=True,
            verb="approved",
            style="primary",
        ),
        Transition(
            R.PROPOSED,
            "reject",
            R.REJECTED,
            _("不予奖励"),
            can_approve_reward,
            approval=True,
            reason_required=True,
            verb="rejected",
            style="danger",
        ),
        Transition(
            R.APPROVED,
            "pay",
            R.PAID,
            _("登记发放"),
            can_handle_reward,
            verb="paid",
            style="primary",
        ),
    ),
)

WORKFLOWS = (COMPLAINT, REWARD)
