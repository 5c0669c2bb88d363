"""The legal state changes of a criminal transfer (行刑衔接) and of a 挂牌督办, as data
(taken by core.transitions.take; collected through cases.workflow.WORKFLOWS).

A transfer (行政执法机关移送涉嫌犯罪案件的规定，国务院令第310号): the 专案组's report
is approved or refused by the head within 3 days (第五条), not by its proposer; the
approved case goes to the police with its materials (第六条); the police decide within
3 days whether to file it (第八条), and the regulator follows that clock; a refusal may be
put to the police for reconsideration within 3 days, who answer within 3 days, or to the
procuratorate (第九条); else the regulator deals with it administratively (第十条); a
filed case's goods and materials are handed over within 3 days (第十二条) and followed to
its end.

A 挂牌督办: active until the final report is sent (the completion deadline met), then
lifted (销号) by the bureau or sent back for more work; cancelled with a reason."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yaoan.cases.beyond_enums import SupervisionStatus, TransferStatus
from yaoan.cases.beyond_rules import (
    can_approve_transfer,
    can_decide_supervision,
    can_handle_transfer,
    can_report_supervision,
)
from yaoan.core.workflow import Transition, Workflow

T = TransferStatus
APPROVAL = "criminal_transfer_approval"
# the police's 3-day review (第八条): the case app's rule, followed here
POLICE_REVIEW = "criminal_transfer_followup"
RECONSIDERATION = "criminal_transfer_reconsideration"
HANDOVER = "criminal_transfer_handover"
SUPERVISION_DUE = "case_supervision"
SUPERVISION_REPORT = "case_supervision_report"
ALL = ("*",)

CRIMINAL_TRANSFER = Workflow(
    name="cases.criminaltransfer",
    label=_("涉嫌犯罪案件移送"),
    states=TransferStatus,
    initial=T.PROPOSED,
    submitter_field="proposed_by",
    transitions=(
        Transition(
            T.PROPOSED,
            "approve",
            T.APPROVED,
            _("批准移送"),
            can_approve_transfer,
            approval=True,
            meets=(APPROVAL,),
            verb="approved",
            style="primary",
        ),
        Transition(
            T.PROPOSED,
            "refuse",
            T.NOT_APPROVED,
            _("不予批准"),
            can_approve_transfer,
            reason_required=True,
            approval=True,
            meets=(APPROVAL,),
            verb="refused",
            style="danger",
        ),
        Transition(
            T.APPROVED,
            "transfer",
            T.TRANSFERRED,
            _("移送公安机关"),
            can_handle_transfer,
            opens=(POLICE_REVIEW,),
            verb="transferred",
            style="primary",
        ),
        Transition(
            T.TRANSFERRED,
            "police_accept",
            T.ACCEPTED,
            _("登记公安机关立案"),
            can_handle_transfer,
            meets=(POLICE_REVIEW,),
            opens=(HANDOVER,),
            verb="police_accepted",
            style="primary",
        ),
        Transition(
            T.TRANSFERRED,
            "police_refuse",
            T.REFUSED,
            _("登记公安机关不予立案"),
            can_handle_transfer,
            reason_required=True,
            meets=(POLICE_REVIEW,),
            verb="police_refused",
        ),
        Transition(
            T.REFUSED,
            "reconsider",
            T.RECONSIDERING,
            _("提请复议或建议立案监督"),
            can_handle_transfer,
            reason_required=True,
            verb="reconsideration_requested",
        ),
        Transition(
            T.RECONSIDERING,
            "police_accept",
            T.ACCEPTED,
            _("登记公安机关立案"),
            can_handle_transfer,
            meets=(RECONSIDERATION,),
            opens=(HANDOVER,),
            verb="police_accepted",
            style="primary",
        ),
        Transition(
            T.RECONSIDERING,
            "uphold_refusal",
            T.CLOSED,
            _("维持不予立案，依法作行政处理"),
            can_handle_transfer,
            reason_required=True,
            meets=ALL,
            verb="refusal_upheld",
        ),
        Transition(
            T.REFUSED,
            "close",
            T.CLOSED,
            _("依法作行政处理，办结"),
            can_handle_transfer,
            reason_required=True,
            meets=ALL,
            verb="closed",
        ),
        Transition(
            T.ACCEPTED,
            "hand_over",
            T.HANDED_OVER,
            _("移交涉案物品和材料"),
            can_handle_transfer,
            meets=(HANDOVER,),
            verb="handed_over",
            style="primary",
        ),
        Transition(
            T.HANDED_OVER,
            "close",
            T.CLOSED,
            _("跟踪办结"),
            can_handle_transfer,
            reason_required=True,
            meets=ALL,
            verb="closed",
        ),
    ),
)

S = SupervisionStatus

CASE_SUPERVISION = Workflow(
    name="cases.casesupervision",
    label=_("挂牌督办"),
    states=SupervisionStatus,
    initial=S.ACTIVE,
    transitions=(
        Transition(
            S.ACTIVE,
            "report_final",
            S.REPORTED,
            _("报送办结情况"),
            can_report_supervision,
            meets=ALL,
            verb="final_reported",
            style="primary",
        ),
        Transition(
            S.REPORTED,
            "lift",
            S.LIFTED,
            _("销号"),
            can_decide_supervision,
            verb="lifted",
            style="primary",
        ),
        Transition(
            S.REPORTED,
            "send_back",
            S.ACTIVE,
            _("退回继续督办"),
            can_decide_supervision,
            reason_required=True,
            verb="sent_back",
        ),
        Transition(
            S.ACTIVE,
            "cancel",
            S.CANCELLED,
            _("撤销督办"),
            can_decide_supervision,
            reason_required=True,
            cancels=ALL,
            verb="cancelled",
            style="danger",
        ),
    ),
)

WORKFLOWS = (CRIMINAL_TRANSFER, CASE_SUPERVISION)
