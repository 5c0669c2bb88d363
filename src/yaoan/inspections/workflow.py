"""The legal state changes of inspections, rectification orders and amendments, as data
(core.workflow): the service takes them with core.transitions.take, the pages and the API
show allowed_actions, and /workflows/ lists the tables.

Deadlines: a rectification order's "rectification" deadline is opened when the order is
issued (at the inspection's submission, which creates it), met when it is closed, and
replaced by the new date the inspector sets on 重新限期整改. The "random_inspection_
publication" deadline is opened at the submission of a random inspection only (other kinds
are not published), so the submission service opens it and publication meets it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yaoan.core.workflow import Transition, Workflow
from yaoan.inspections.enums import AmendmentStatus, InspectionStatus, RectificationStatus
from yaoan.inspections.rules import (
    may_cancel,
    may_cancel_for_redraw,
    may_decide_amendment,
    may_follow_up,
    may_work_on,
)

RECTIFICATION_RULE = "rectification"
PUBLICATION_RULE = "random_inspection_publication"

S = InspectionStatus
INSPECTION = Workflow(
    name="inspections.inspection",
    label=_("现场检查"),
    states=InspectionStatus,
    initial=S.SCHEDULED,
    transitions=(
        Transition(S.SCHEDULED, "start", S.IN_PROGRESS, _("开始检查"), may_work_on, verb="started"),
        Transition(
            S.IN_PROGRESS,
            "submit",
            S.SUBMITTED,
            _("提交"),
            may_work_on,
            verb="submitted",
            style="primary",
        ),
        Transition(
            S.SCHEDULED,
            "cancel",
            S.CANCELLED,
            _("取消检查"),
            may_cancel,
            reason_required=True,
            verb="cancelled",
            style="danger",
        ),
        Transition(
            S.IN_PROGRESS,
            "cancel",
            S.CANCELLED,
            _("取消检查"),
            may_cancel,
            reason_required=True,
            verb="cancelled",
            style="danger",
        ),
        # only executing a redraw takes this (the draw's old visits not yet started)
        Transition(
            S.SCHEDULED,
            "cancel_for_redraw",
            S.CANCELLED,
            _("因重新抽取取消"),
            may_cancel_for_redraw,
            reason_required=True,
            verb="cancelled",
        ),
    ),
)

R = RectificationStatus
RECTIFICATION = Workflow(
    name="inspections.rectificationorder",
    label=_("责令改正"),
    states=RectificationStatus,
    initial=R.OPEN,
    transitions=(
        Transition(
            R.OPEN, "respond", R.RESPONDED, _("登记整改回复"), may_follow_up, verb="responded"
        ),
        # re-inspection: passed closes the order, failed sends it back with a new deadline
        Transition(
            R.RESPONDED,
            "reinspect_passed",
            R.CLOSED,
            _("复查销号"),
            may_follow_up,
            meets=(RECTIFICATION_RULE,),
            verb="closed",
            style="primary",
        ),
        Transition(
            R.RESPONDED,
            "reinspect_failed",
            R.OPEN,
            _("重新限期整改"),
            may_follow_up,
            cancels=(RECTIFICATION_RULE,),
            verb="reopened",
        ),
        # an inspector may find the problem put right on a re-visit without a written response
        Transition(
            R.OPEN,
            "reinspect_passed",
            R.CLOSED,
            _("复查销号"),
            may_follow_up,
            meets=(RECTIFICATION_RULE,),
            verb="closed",
            style="primary",
        ),
    ),
)

A = AmendmentStatus
AMENDMENT = Workflow(
    name="inspections.inspectionamendment",
    label=_("检查记录更正"),
    states=AmendmentStatus,
    initial=A.PENDING,
    submitter_field="proposed_by",
    transitions=(
        Transition(
            A.PENDING,
            "approve",
            A.APPROVED,
            _("批准更正"),
            may_decide_amendment,
            approval=True,
            verb="approved",
            style="primary",
        ),
        Transition(
            A.PENDING,
            "reject",
            A.REJECTED,
            _("驳回更正"),
            may_decide_amendment,
            approval=True,
            reason_required=True,
            verb="rejected",
            style="danger",
        ),
    ),
)

WORKFLOWS = (INSPECTION, RECTIFICATION, AMENDMENT)
