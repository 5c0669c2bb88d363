"""The legal state changes of an annual plan, as data (core.workflow).

draft ──submit──▶ submitted ──approve──▶ approved ──supersede──▶ superseded
  ▲                   │
  └──────return───────┘

Approving and returning are a second person's steps (``approval``: never the submitter;
the permission also refuses whoever generated the version): the leader, or another
section chief when YAOAN_PLAN_APPROVER_ROLE is "chief". An approved plan is never edited: a
change starts a new draft version (copied from it), which on approval supersedes it. A
draft may be regenerated; nothing else is replaced.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yaoan.core.workflow import Transition, Workflow
from yaoan.plans.enums import PlanAction, PlanStatus
from yaoan.plans.rules import can_approve_plan, can_submit_plan, may_supersede_plan

S = PlanStatus
PLAN = Workflow(
    name="plans.annualplan",
    label=_("年度重点检查清单"),
    states=PlanStatus,
    initial=S.DRAFT,
    submitter_field="submitted_by",
    transitions=(
        Transition(
            S.DRAFT,
            PlanAction.SUBMIT,
            S.SUBMITTED,
            PlanAction.SUBMIT.label,
            can_submit_plan,
            guards=("has_items",),
            verb="submitted",
            style="primary",
        ),
        Transition(
            S.SUBMITTED,
            PlanAction.APPROVE,
            S.APPROVED,
            PlanAction.APPROVE.label,
            can_approve_plan,
            approval=True,
            verb="approved",
            style="primary",
        ),
        Transition(
            S.SUBMITTED,
            PlanAction.RETURN,
            S.DRAFT,
            PlanAction.RETURN.label,
            can_approve_plan,
            approval=True,
            reason_required=True,
            verb="returned",
        ),
        # taken by the approval of the year's next version, never on its own
        Transition(
            S.APPROVED,
            PlanAction.SUPERSEDE,
            S.SUPERSEDED,
            PlanAction.SUPERSEDE.label,
            may_supersede_plan,
            verb="superseded",
        ),
    ),
)
EDITABLE = frozenset({PlanStatus.DRAFT})

WORKFLOWS = (PLAN,)
