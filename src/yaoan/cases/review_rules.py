"""Who organizes, performs and reads 案卷评查.

* A review round (the yearly 回头看 covers the whole district's cases) is organized by a
  section chief or a leader whose scope is the whole district; a single review of one case
  is assigned by a section chief or leader whose scope covers the case's unit.
* The reviewer is an enforcement officer, a 法制审核 reviewer or a section chief who is
  neither the case's lead nor its co-officer (the file is judged by someone who did not
  make it); the reviewer need not belong to the case's unit — 互查 across units is the
  point — and sees the assigned case's review for that reason.
* Reviews are read by their reviewer and by organizers whose scope covers the case's unit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from yaoan.core.enums import Role
from yaoan.core.rules import Gate, data_scope

if TYPE_CHECKING:
    from yaoan.cases.models import Case, CaseReview
    from yaoan.core.models import User

ORGANIZERS = frozenset({Role.SECTION_CHIEF, Role.LEADER})
REVIEWER_ROLES = frozenset({Role.CASE_OFFICER, Role.LEGAL_REVIEWER, Role.SECTION_CHIEF})


def can_use_reviews(user: User) -> bool:
    return user.is_authenticated and user.has_role(*ORGANIZERS, *REVIEWER_ROLES)


def can_organize_rounds(user: User) -> bool:
    return user.is_authenticated and user.has_role(*ORGANIZERS) and data_scope(user).everything


def can_assign_review(user: User, case: Case) -> bool:
    return (
        user.is_authenticated
        and user.has_role(*ORGANIZERS)
        and data_scope(user).covers(case.org_unit_id)
    )


def is_case_officer(user: User, case: Case) -> bool:
    return user.pk in (case.lead_officer_id, case.co_officer_id)


def may_review(user: User, case: Case) -> bool:
    """Whether this person may be the reviewer of this case's file."""
    return (
        user.is_active
        and not user.is_system_actor
        and user.has_role(*REVIEWER_ROLES)
        and not is_case_officer(user, case)
    )


def can_see_review(user: User, review: CaseReview) -> bool:
    return review.reviewer_id == user.pk or can_assign_review(user, review.case)


USE_REVIEWS = Gate(
    can_use_reviews, "cases.review.access.denied", gettext_lazy("您无权使用案卷评查")
)
ORGANIZE_ROUNDS = Gate(
    can_organize_rounds,
    "cases.review.organize.denied",
    gettext_lazy("只有全区范围的股室负责人或领导可以组织回头看"),
)
