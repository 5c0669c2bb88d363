"""The 严重失信主体名单 as a workflow: a case's officer proposes a business, a chief or a
leader other than the proposer approves (列入) or refuses, and later approves its credit
repair (信用修复，移出名单). The case's own procedure is ``workflow.CASE``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yaoan.cases.penalty_enums import ListingStatus as S
from yaoan.cases.penalty_rules import can_decide_listing
from yaoan.core.workflow import Transition, Workflow

LISTING = Workflow(
    name="cases.dishonestylisting",
    label=_("严重失信主体名单"),
    states=S,
    initial=S.PROPOSED,
    submitter_field="proposed_by",
    transitions=(
        Transition(
            S.PROPOSED,
            "approve",
            S.LISTED,
            _("批准列入"),
            can_decide_listing,
            approval=True,
            verb="listed",
            style="primary",
        ),
        Transition(
            S.PROPOSED,
            "refuse",
            S.REFUSED,
            _("不予列入"),
            can_decide_listing,
            reason_required=True,
            approval=True,
            verb="refused",
        ),
        Transition(
            S.LISTED,
            "repair",
            S.REPAIRED,
            _("信用修复，移出名单"),
            can_decide_listing,
            reason_required=True,
            verb="repaired",
            style="primary",
        ),
    ),
)
