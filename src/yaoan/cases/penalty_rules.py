"""Who keeps the discretion baseline, assesses a case, and moves a business onto (and off)
the 严重失信主体名单. The baseline is district-wide reference data: a chief, a leader or a
legal reviewer of a district-wide unit keeps it; everyone who reads cases reads it. A
case's own officers (or a chief in scope) assess it and propose a listing; a chief or a
leader other than the proposer approves a listing and its credit repair."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from yaoan.cases.rules import DECIDERS, can_handle_case, can_read_cases
from yaoan.core.enums import Role
from yaoan.core.rules import Gate, data_scope

if TYPE_CHECKING:
    from yaoan.cases.models import Case, DishonestyListing
    from yaoan.core.models import User

BASELINE_KEEPERS = frozenset({Role.SECTION_CHIEF, Role.LEADER, Role.LEGAL_REVIEWER})


def can_read_baseline(user: User) -> bool:
    return can_read_cases(user)


def can_edit_baseline(user: User) -> bool:
    return (
        user.is_authenticated and user.has_role(*BASELINE_KEEPERS) and data_scope(user).everything
    )


def can_assess_case(user: User, case: Case) -> bool:
    """The case's officers, or a chief or leader in scope: the same people who carry it."""
    return can_handle_case(user, case)


def can_read_listings(user: User) -> bool:
    return can_read_cases(user)


def can_propose_listing(user: User, listing: DishonestyListing) -> bool:
    return can_handle_case(user, listing.case)


def can_decide_listing(user: User, listing: DishonestyListing) -> bool:
    """负责人 in scope: a section chief or a leader whose scope covers the listing's unit."""
    return (
        user.is_authenticated
        and user.has_role(*DECIDERS)
        and data_scope(user).covers(listing.org_unit_id)
    )


can_propose_listing.label = gettext_lazy("本案执法人员，或股室负责人、领导（本辖区）")  # type: ignore[attr-defined]
can_decide_listing.label = gettext_lazy("股室负责人或领导（本辖区，非提出人）")  # type: ignore[attr-defined]

READ_BASELINE = Gate(
    can_read_baseline, "cases.baseline.access.denied", gettext_lazy("您无权查看裁量基准。")
)
EDIT_BASELINE = Gate(
    can_edit_baseline, "cases.baseline.access.denied", gettext_lazy("您无权维护裁量基准。")
)
READ_LISTINGS = Gate(
    can_read_listings, "cases.listing.access.denied", gettext_lazy("您无权查看严重失信主体名单。")
)
