"""The demo's discretion: each demo case is assessed (a baseline row of its product class,
its goods value, one lighter circumstance on every other case, the proposal as suggested)
before the 法制审核, so the decision, its fine and the consequences follow from it; and the
oldest decided case's business is proposed for and put on the 严重失信主体名单. Called by
the cases demo's steps (demo.py)."""

from __future__ import annotations

from decimal import Decimal

from yaoan.cases.listing_services import approve_listing, propose_listing
from yaoan.cases.models import Case, DishonestyListing, Violation
from yaoan.cases.penalty_checks import Proposal
from yaoan.cases.penalty_enums import PenaltyKind
from yaoan.cases.penalty_queries import circumstances_for
from yaoan.cases.penalty_services import assess_case, suggestion_for
from yaoan.core.models import User

# the demo's baseline row per product class, and the goods' value (元) it is computed from
ROWS = {
    "drug": ("drug.illegal_channel", Decimal("8600")),
    "device": ("device.nonconforming", Decimal("12500")),
    "cosmetic": ("cosmetic.records", None),
}


def assess(case: Case, *, actor: User) -> None:
    code, value = ROWS.get(case.product_class or "drug", ROWS["drug"])
    violation = Violation.objects.get(code=code)
    ticked = list(circumstances_for(violation).filter(code="remedied")) if case.pk % 2 else []
    effects = [c.effect for c in ticked]
    suggestion = suggestion_for(violation, effects, goods_value=value, illegal_income=None)
    kinds = tuple(suggestion.kinds)
    assess_case(
        case,
        actor=actor,
        violation=violation,
        circumstance_ids=[c.pk for c in ticked],
        goods_value=value,
        illegal_income=Decimal("1200") if value else None,
        proposal=Proposal(
            kinds=kinds,
            fine=suggestion.fine,
            confiscated_income=Decimal("1200") if PenaltyKind.CONFISCATE_INCOME in kinds else None,
            confiscated_goods="涉案产品" if PenaltyKind.CONFISCATE_GOODS in kinds else "",
        ),
    )


def list_business(case: Case, *, proposer: User, approver: User) -> DishonestyListing | None:
    """The case's business onto the list (proposed by the officer, approved by the chief)."""
    if case.entity_id is None or case.decided_at is None:
        return None
    listing = propose_listing(
        case, actor=proposer, grounds="从非法渠道购进药品，货值较大，经处理后再犯，情节严重"
    )
    return approve_listing(listing, actor=approver)
