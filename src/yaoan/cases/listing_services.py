"""The 严重失信主体名单 (市场监督管理严重违法失信名单管理办法): a case's officer proposes the
business of a decided case, a chief or a leader other than the proposer approves (its
credit class drops by the credit rule) or refuses, and after the shortest period of
publicity approves its credit repair (the class before the listing comes back, the
penalty's information comes off the portal)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.cases import credit
from yaoan.cases.models import Case, DishonestyListing
from yaoan.cases.penalty_enums import ListingStatus, PenaltyConflict, PenaltyError
from yaoan.cases.penalty_rules import can_propose_listing
from yaoan.cases.penalty_services import add_months
from yaoan.cases.penalty_workflow import LISTING
from yaoan.cases.publication_services import withdraw_on_credit_repair
from yaoan.common.errors import invalid
from yaoan.core import audit
from yaoan.core.models import User
from yaoan.core.transitions import take

# 列入满一年 before a credit repair may be approved
REPAIR_AFTER_MONTHS = 12
DEFAULT_BASIS = "市场监督管理严重违法失信名单管理办法"


@transaction.atomic
def propose_listing(case: Case, *, actor: User, grounds: str, basis: str = "") -> DishonestyListing:
    case = Case.objects.select_for_update().get(pk=case.pk)
    listing = DishonestyListing(
        case=case,
        org_unit_id=case.org_unit_id,
        grounds=grounds.strip(),
        basis=(basis.strip() or DEFAULT_BASIS)[:200],
        proposed_by=actor,
        proposed_at=timezone.now(),
    )
    if not can_propose_listing(actor, listing):
        raise PermissionDenied(_("您无权提出列入严重失信主体名单"))
    if case.decided_at is None:
        raise invalid(PenaltyConflict.CASE_DECIDED, _("案件作出处罚决定后才能提出列入名单"))
    if case.entity_id is None:
        raise invalid(PenaltyError.NO_ENTITY)
    listing.entity_id = case.entity_id
    if not listing.grounds:
        raise invalid(PenaltyError.DEPARTURE_REASON, _("须填写列入事由"), "grounds")
    live = (ListingStatus.PROPOSED, ListingStatus.LISTED)
    if DishonestyListing.objects.filter(case=case, status__in=live).exists():
        raise invalid(PenaltyConflict.ALREADY_PROPOSED)
    listing.save()
    audit.record(
        "cases.dishonestylisting.proposed",
        actor=actor,
        obj=listing,
        after=audit.snapshot(listing),
        reason=listing.grounds,
    )
    return listing


def approve_listing(
    listing: DishonestyListing, *, actor: User, reason: str = ""
) -> DishonestyListing:
    with transaction.atomic():

        def update(row: Model) -> list[str]:
            assert isinstance(row, DishonestyListing)
            row.decided_by = actor
            row.decided_at = timezone.now()
            row.listed_on = timezone.localdate()
            row.class_before = row.entity.credit_class
            return ["decided_by", "decided_at", "listed_on", "class_before"]

        listed = take(LISTING, listing, "approve", actor=actor, reason=reason, update=update)
        assert isinstance(listed, DishonestyListing)
        credit.apply_listing(listed, actor=actor)
    return listed


def refuse_listing(listing: DishonestyListing, *, actor: User, reason: str) -> DishonestyListing:
    def update(row: Model) -> list[str]:
        assert isinstance(row, DishonestyListing)
        row.decided_by = actor
        row.decided_at = timezone.now()
        return ["decided_by", "decided_at"]

    refused = take(LISTING, listing, "refuse", actor=actor, reason=reason, update=update)
    assert isinstance(refused, DishonestyListing)
    return refused


def repair_listing(listing: DishonestyListing, *, actor: User, reason: str) -> DishonestyListing:
    """信用修复:移出名单 once the listing has been public for the shortest period."""
    today = timezone.localdate()
    if listing.listed_on and today < add_months(listing.listed_on, REPAIR_AFTER_MONTHS):
        raise invalid(PenaltyError.REPAIR_TOO_EARLY)
    with transaction.atomic():

        def update(row: Model) -> list[str]:
            assert isinstance(row, DishonestyListing)
            row.repaired_at = timezone.now()
            row.repair_reason = reason.strip()
            return ["repaired_at", "repair_reason"]

        repaired = take(LISTING, listing, "repair", actor=actor, reason=reason, update=update)
        assert isinstance(repaired, DishonestyListing)
        credit.restore_after_repair(repaired, actor=actor)
        # the penalty's information comes off the portal with the repair (信用修复)
        withdraw_on_credit_repair(repaired.case, actor=actor, note=reason.strip())
    return repaired
