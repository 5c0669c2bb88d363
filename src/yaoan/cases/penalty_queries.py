"""Read-side querysets of the discretion baseline, the penalties and the 严重失信主体名单, and
the check that a person banned from the trade (从业禁止) appears as the legal representative
or quality manager of another business (the registry keeps those as names, so the match is
by name and is shown for an officer to verify, never acted on by itself)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from yaoan.cases.models import Circumstance, DishonestyListing, Penalty, Violation
from yaoan.cases.penalty_enums import PenaltyKind
from yaoan.cases.penalty_rules import can_read_listings
from yaoan.core.access import visible_or_404
from yaoan.core.models import User
from yaoan.core.scoping import visible_to
from yaoan.registry.models import Entity

DENIED = "cases.access.denied"


def active_violations() -> QuerySet[Violation]:
    return Violation.objects.filter(is_active=True)


def circumstances_for(violation: Violation) -> QuerySet[Circumstance]:
    """The active circumstances that apply to the violation: the general ones and those of
    its product class."""
    return Circumstance.objects.filter(is_active=True).filter(
        Q(product_class="") | Q(product_class=violation.product_class)
    )


def penalties_of(case_id: int) -> QuerySet[Penalty]:
    return Penalty.objects.filter(case_id=case_id).select_related("licence")


def penalties_visible_to(user: User) -> QuerySet[Penalty]:
    """The penalties of the cases the user sees (a station its own, district-wide all)."""
    if not can_read_listings(user):
        return Penalty.objects.none()
    return visible_to(user, Penalty.objects.all(), station="case__org_unit")


def visible_penalty(user: User, pk: int) -> Penalty:
    """One penalty in the user's scope (the personal-data reveal finds it so)."""
    return visible_or_404(
        penalties_visible_to(user), pk, user=user, action=DENIED, object_type="cases.penalty"
    )


def entity_penalties(user: User, entity: Entity) -> QuerySet[Penalty]:
    """The decided penalties of the business's cases, for its profile."""
    return (
        penalties_visible_to(user)
        .filter(case__entity=entity, case__decided_at__isnull=False)
        .select_related("case")
        .order_by("-case__decided_at", "id")
    )


def listings_visible_to(user: User) -> QuerySet[DishonestyListing]:
    if not can_read_listings(user):
        return DishonestyListing.objects.none()
    qs = DishonestyListing.objects.select_related("entity", "case", "org_unit", "proposed_by")
    return visible_to(user, qs, station="org_unit")


def bans_in_force(on: dt.date | None = None) -> QuerySet[Penalty]:
    """从业禁止 decided and not yet ended (a ban for life never ends)."""
    day = on or timezone.localdate()
    return Penalty.objects.filter(
        kind=PenaltyKind.TRADE_BAN, starts_on__isnull=False, starts_on__lte=day
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))


@dataclass(frozen=True)
class BanFlag:
    """A banned person's name found as the legal representative or quality manager of a
    business other than the one of the case that banned them."""

    penalty: Penalty
    entity: Entity
    position: str  # "legal_representative" | "quality_manager"


def ban_flags(
    bans: Iterable[Penalty] | None = None, *, entity: Entity | None = None
) -> list[BanFlag]:
    """The flags of the given bans (every ban in force when None), or only those naming
    ``entity``. Bans are few, so their sealed names are opened in Python and matched in one
    query against the registry's plain names."""
    rows = list(bans if bans is not None else bans_in_force().select_related("case"))
    by_name: dict[str, list[Penalty]] = {}
    for ban in rows:
        name = str(ban.person_name or "").strip()
        if name:
            by_name.setdefault(name, []).append(ban)
    if not by_name:
        return []
    names = list(by_name)
    found = Entity.objects.filter(is_deleted=False).filter(
        Q(legal_representative__in=names) | Q(quality_manager__in=names)
    )
    if entity is not None:
        found = found.filter(pk=entity.pk)
    flags = []
    for business in found.order_by("name", "id"):
        for position in ("legal_representative", "quality_manager"):
            for ban in by_name.get(getattr(business, position), ()):
                if ban.case.entity_id != business.pk:
                    flags.append(BanFlag(ban, business, position))
    return flags
