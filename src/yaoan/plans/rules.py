"""Who may read and change annual plans and their rules.

Reading follows the registry's data scope (S9): a station sees the items of its own grid,
district-wide units see every item. Changing rules and plans is the section chief's
(股室负责人) work and needs the whole district in scope: a plan is a district document.
Approving (or returning) a submitted plan is a second person's: the leader, or another
section chief when YAOAN_PLAN_APPROVER_ROLE is "chief" — never whoever generated or
submitted that version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext_lazy

from yaoan.core.enums import Role
from yaoan.core.rules import Gate, data_scope

if TYPE_CHECKING:
    from yaoan.core.models import User


def can_read_plans(user: User) -> bool:
    return user.is_authenticated and not data_scope(user).nothing


def can_manage_plans(user: User) -> bool:
    return (
        user.is_authenticated and user.has_role(Role.SECTION_CHIEF) and data_scope(user).everything
    )


def plan_approver_role() -> str:
    return Role.LEADER if settings.PLAN_APPROVER_ROLE == "leader" else Role.SECTION_CHIEF


def is_plan_approver(user: User) -> bool:
    """Holds the configured approver role over the whole district (any plan)."""
    return (
        user.is_authenticated
        and user.has_role(plan_approver_role())
        and data_scope(user).everything
    )


def authored_plan(user: User, plan: Any) -> bool:
    """Generated or submitted this version: such a person cannot also approve it."""
    return user.pk in {plan.generated_by_id, plan.submitted_by_id}


def can_submit_plan(user: User, plan: Any) -> bool:
    return can_manage_plans(user)


def can_approve_plan(user: User, plan: Any) -> bool:
    return is_plan_approver(user) and not authored_plan(user, plan)


def may_supersede_plan(user: User, plan: Any) -> bool:
    """The approver of the year's next version supersedes this one by approving it."""
    return is_plan_approver(user)


def can_act_on_plan(user: User) -> bool:
    """May open the plan transitions at all (the service checks the step itself)."""
    return can_manage_plans(user) or is_plan_approver(user)


# the doors of the plans pages and API (core.access.allowed_user)
READ_PLANS = Gate(can_read_plans, "plans.access.denied", gettext_lazy("您无权查看年度检查清单。"))
MANAGE_PLANS = Gate(
    can_manage_plans,
    "plans.access.denied",
    gettext_lazy("只有股室负责人可以修改检查规则和年度清单。"),
)
ACT_ON_PLAN = Gate(
    can_act_on_plan, "plans.access.denied", gettext_lazy("您无权办理年度清单的审批。")
)
