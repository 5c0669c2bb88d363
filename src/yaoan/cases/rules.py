"""Who reads and moves an enforcement case (案件). Everyone who reads the registry, and the
法制审核 staff, sees the cases of the stations in their data scope (S9). Case officers
open cases; the two officers of a case (主办 and 协办, 行政处罚法 第四十二条) or a chief
in scope carry the investigation; a section chief or a leader other than the lead officer
approves the filing, the review, the decision and the closure (负责人审批); the 法制审核 is
a legal reviewer's who is not one of the case's officers (第五十八条)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from yaoan.core.enums import Role
from yaoan.core.rules import REGISTRY_READERS, Gate, data_scope

if TYPE_CHECKING:
    from yaoan.cases.models import Case
    from yaoan.core.models import User

READERS = REGISTRY_READERS
OPENERS = frozenset({Role.CASE_OFFICER, Role.SECTION_CHIEF, Role.LEADER})
OFFICER_ROLE = Role.CASE_OFFICER
DECIDERS = frozenset({Role.SECTION_CHIEF, Role.LEADER})
LEGAL_REVIEWERS = frozenset({Role.LEGAL_REVIEWER})


def can_read_cases(user: User) -> bool:
    return user.is_authenticated and user.has_role(*READERS) and not data_scope(user).nothing


def can_open_case(user: User) -> bool:
    return user.is_authenticated and user.has_role(*OPENERS) and not data_scope(user).nothing


def covers(user: User, case: Case) -> bool:
    return data_scope(user).covers(case.org_unit_id)


def is_case_officer(user: User, case: Case) -> bool:
    """One of the two officers the case names."""
    return user.pk is not None and user.pk in (case.lead_officer_id, case.co_officer_id)


def may_handle(user: User, case: Case) -> bool:
    """A case officer whose data scope covers the case (the officer pickers' rule)."""
    return user.is_active and user.has_role(OFFICER_ROLE) and covers(user, case)


def can_decide_case(user: User, case: Case) -> bool:
    """负责人: a section chief or a leader whose scope covers the case."""
    return user.is_authenticated and user.has_role(*DECIDERS) and covers(user, case)


def can_handle_case(user: User, case: Case) -> bool:
    """The case's own officers, or a chief or leader in scope."""
    if not user.is_authenticated:
        return False
    return (is_case_officer(user, case) and covers(user, case)) or can_decide_case(user, case)


def can_legal_review(user: User, case: Case) -> bool:
    """法制审核: a legal reviewer in scope who did not investigate the case."""
    return (
        user.is_authenticated
        and user.has_role(*LEGAL_REVIEWERS)
        and covers(user, case)
        and not is_case_officer(user, case)
    )


# who takes each step, as the generated workflow page (docs/workflows.md) shows it
can_handle_case.label = gettext_lazy("本案执法人员，或股室负责人、领导（本辖区）")  # type: ignore[attr-defined]
can_decide_case.label = gettext_lazy("股室负责人或领导（本辖区）")  # type: ignore[attr-defined]
can_legal_review.label = gettext_lazy("法制审核人员（非本案执法人员）")  # type: ignore[attr-defined]

READ_CASES = Gate(can_read_cases, "cases.access.denied", gettext_lazy("您无权查看案件。"))
OPEN_CASE = Gate(can_open_case, "cases.access.denied", gettext_lazy("您无权立案登记。"))
