"""The configurable credit rule: a penalty (or a listing on the 严重失信主体名单) lowers the
business's credit class through the registry's own ``set_rating``, whose rating history
records why. The class is only ever lowered by a decision; a credit repair gives back at
best the class the business had before it was listed.

The registry lets only a section chief set a class; the rule is the system's, not the
decider's hand, so it acts as the system actor ``case-credit`` (core.actors) and names
the case and the person who decided in the reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from yaoan.cases.models import Case, CreditRule, DishonestyListing, Penalty
from yaoan.cases.penalty_enums import CreditCondition, PenaltyKind, PenaltyTarget
from yaoan.core.actors import system_actor
from yaoan.core.models import User
from yaoan.registry.enums import CreditClass, RatingKind
from yaoan.registry.models import EntityRatingChange
from yaoan.registry.services import set_rating

CREDIT_ACTOR = "case-credit"
SOURCE_PENALTY = "case_penalty"
SOURCE_LISTING = "dishonesty_listing"
SOURCE_REPAIR = "credit_repair"
# best first; an unrated business counts as the best (a penalty gives it a class)
ORDER: dict[str, int] = {
    CreditClass.UNRATED: 0,
    CreditClass.A: 1,
    CreditClass.B: 2,
    CreditClass.C: 3,
    CreditClass.D: 4,
}
# kinds that count as "受到行政处罚" for the rule (a warning or 通报批评 alone does not)
MATERIAL_KINDS = frozenset(
    {
        PenaltyKind.FINE,
        PenaltyKind.CONFISCATE_INCOME,
        PenaltyKind.CONFISCATE_GOODS,
        PenaltyKind.LICENCE_SUSPENSION,
        PenaltyKind.LICENCE_REVOCATION,
        PenaltyKind.TRADE_BAN,
    }
)
LICENCE_KINDS = frozenset({PenaltyKind.LICENCE_SUSPENSION, PenaltyKind.LICENCE_REVOCATION})
MONEY_KINDS = frozenset({PenaltyKind.FINE, PenaltyKind.CONFISCATE_INCOME})


def worse(a: str, b: str) -> str:
    return a if ORDER.get(a, 0) >= ORDER.get(b, 0) else b


def _meets(rule: CreditRule, penalties: list[Penalty]) -> bool:
    unit = [p for p in penalties if p.target == PenaltyTarget.UNIT]
    if rule.condition == CreditCondition.ANY_PENALTY:
        return any(p.kind in MATERIAL_KINDS for p in penalties)
    if rule.condition == CreditCondition.FINE_AT_LEAST:
        money = sum((p.amount or Decimal(0) for p in unit if p.kind in MONEY_KINDS), Decimal(0))
        return rule.threshold is not None and money >= rule.threshold
    if rule.condition == CreditCondition.LICENCE_ACTION:
        return any(p.kind in LICENCE_KINDS for p in unit)
    if rule.condition == CreditCondition.PERSON_BANNED:
        return any(p.kind == PenaltyKind.TRADE_BAN for p in penalties)
    return False  # SERIOUS_LISTING is applied by the listing's approval


@dataclass(frozen=True)
class CreditOutcome:
    target: str  # the worst class the matching rules allow ("" when none matched)
    rules: tuple[str, ...]  # the names of the matching rules
    change: EntityRatingChange | None


def credit_target(penalties: Iterable[Penalty]) -> tuple[str, tuple[str, ...]]:
    """The class a decision's penalties bring the business down to, and why."""
    rows = list(penalties)
    target: str = CreditClass.UNRATED
    names: list[str] = []
    for rule in CreditRule.objects.filter(is_active=True).exclude(
        condition=CreditCondition.SERIOUS_LISTING
    ):
        if _meets(rule, rows):
            target = worse(rule.credit_class, target)
            names.append(rule.name)
    return target, tuple(names)


def _lower(case: Case, target: str, reason: str, source: str) -> EntityRatingChange | None:
    entity = case.entity
    if entity is None or not target:
        return None
    entity.refresh_from_db(fields=["credit_class"])
    if entity.credit_class and worse(entity.credit_class, target) == entity.credit_class:
        return None  # already as low or lower: the rule never raises a class
    return set_rating(
        actor=system_actor(CREDIT_ACTOR),
        entity=entity,
        kind=RatingKind.CREDIT,
        value=target,
        reason=reason,
        source=source,
    )


def apply_credit_rule(case: Case, *, actor: User) -> CreditOutcome:
    """Lower the party's credit class by the rules its decided penalties meet."""
    target, names = credit_target(Penalty.objects.filter(case=case))
    reason = _("案件%(number)s行政处罚决定（决定人：%(who)s）：%(rules)s") % {
        "number": case.number,
        "who": actor.display_name or actor.username,
        "rules": "；".join(names),
    }
    change = _lower(case, target, reason, SOURCE_PENALTY) if names else None
    return CreditOutcome(target, names, change)


def apply_listing(listing: DishonestyListing, *, actor: User) -> EntityRatingChange | None:
    """An approved listing lowers the class by the SERIOUS_LISTING rule (D by default)."""
    rule = CreditRule.objects.filter(
        is_active=True, condition=CreditCondition.SERIOUS_LISTING
    ).first()
    if rule is None:
        return None
    reason = _("列入严重失信主体名单（案件%(number)s，批准人：%(who)s）") % {
        "number": listing.case.number,
        "who": actor.display_name or actor.username,
    }
    return _lower(listing.case, rule.credit_class, reason, SOURCE_LISTING)


def restore_after_repair(listing: DishonestyListing, *, actor: User) -> EntityRatingChange | None:
    """信用修复: the class the business had before the listing, unless it is better now."""
    entity = listing.entity
    entity.refresh_from_db(fields=["credit_class"])
    before = listing.class_before
    if not before or worse(before, entity.credit_class) == before:
        return None
    reason = _("信用修复，移出严重失信主体名单（案件%(number)s，批准人：%(who)s）") % {
        "number": listing.case.number,
        "who": actor.display_name or actor.username,
    }
    return set_rating(
        actor=system_actor(CREDIT_ACTOR),
        entity=entity,
        kind=RatingKind.CREDIT,
        value=before,
        reason=reason,
        source=SOURCE_REPAIR,
    )
