"""The suggested penalty of one provision of the discretion baseline (裁量基准), given the
circumstances the officer ticked and the amounts the fine is computed from.

Pure: no database, no side effects; the same inputs give the same suggestion, so the
assessment page, the proposal check and the tests all call this one function. The models
hold the baseline; ``penalty_services`` turns a row into a ``Provision``.

How the band is chosen (行政处罚法 第三十二条、第三十三条; 市场监管总局《关于规范市场监督
管理行政处罚裁量权的指导意见》 and the provincial baselines that split the legal range):

* 不予处罚 / 首违不罚 ticked and nothing aggravating: no penalty (责令改正 only);
* 减轻 ticked and nothing aggravating: below the legal minimum;
* otherwise lighter and heavier circumstances weigh against each other: more lighter →
  从轻 (the lowest 30% of the range), more heavier → 从重 (the top 30%), none or as many
  of each → 一般 (the middle 40%).

The suggested fine is the middle of the band, in whole 元.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from yaoan.cases.penalty_enums import Band, Effect, FineBasis, PenaltyKind

ZERO = Decimal(0)
ONE_YUAN = Decimal(1)
CENT = Decimal("0.01")
# the band's share of the legal range, from its minimum (the common provincial split)
BAND_SHARES: dict[str, tuple[Decimal, Decimal]] = {
    Band.LIGHTER: (Decimal("0"), Decimal("0.3")),
    Band.GENERAL: (Decimal("0.3"), Decimal("0.7")),
    Band.HEAVIER: (Decimal("0.7"), Decimal("1")),
}
LENIENT = frozenset({Effect.NO_PENALTY, Effect.FIRST_OFFENCE, Effect.MITIGATE, Effect.LIGHTER})
EXEMPTING = frozenset({Effect.NO_PENALTY, Effect.FIRST_OFFENCE})


class MissingBasisAmount(ValueError):
    """The provision's fine is a multiple of an amount the officer has not given."""

    def __init__(self, basis: str):
        super().__init__(basis)
        self.basis = basis


@dataclass(frozen=True)
class FineRule:
    """A provision's fine: ``minimum``–``maximum`` in 元 (FIXED) or as multiples of the
    basis amount; ``floor``: 货值金额不足 floor 元的按 floor 元计算; ``small_below``: below
    this basis amount the fine is the fixed ``small_minimum``–``small_maximum`` instead
    (医疗器械监督管理条例 第八十一条: 不足1万元的，并处5万元以上15万元以下罚款)."""

    basis: str = FineBasis.NONE
    minimum: Decimal = ZERO
    maximum: Decimal = ZERO
    floor: Decimal = ZERO
    small_below: Decimal | None = None
    small_minimum: Decimal = ZERO
    small_maximum: Decimal = ZERO


@dataclass(frozen=True)
class PersonRule:
    """处罚到人: a fine on the responsible people as multiples of what each took from the
    unit (所获收入; ``basis`` NONE when the provision fines them a fixed amount or not at
    all) and a ban from the trade (从业禁止) for ``ban_years`` or for life."""

    fine: FineRule = field(default_factory=FineRule)
    ban_years: int = 0
    ban_for_life: bool = False


@dataclass(frozen=True)
class Provision:
    code: str
    kinds: tuple[str, ...]
    fine: FineRule = field(default_factory=FineRule)
    person: PersonRule | None = None


@dataclass(frozen=True)
class PersonSuggestion:
    ban_years: int
    ban_for_life: bool
    # fixed amounts in 元, or multiples of the person's income when ``per_income``
    fine_minimum: Decimal | None
    fine_maximum: Decimal | None
    per_income: bool


@dataclass(frozen=True)
class Suggestion:
    band: str
    kinds: tuple[str, ...]
    legal_minimum: Decimal | None
    legal_maximum: Decimal | None
    band_minimum: Decimal | None
    band_maximum: Decimal | None
    fine: Decimal | None
    person: PersonSuggestion | None
    notes: tuple[str, ...]

    @property
    def has_fine(self) -> bool:
        return self.fine is not None


def choose_band(effects: Iterable[str]) -> tuple[str, tuple[str, ...]]:
    """The band the ticked effects give, with the notes that explain a weighing."""
    ticked = list(effects)
    heavier = sum(1 for e in ticked if e == Effect.HEAVIER)
    lenient = sum(1 for e in ticked if e in LENIENT)
    if heavier == 0 and any(e in EXEMPTING for e in ticked):
        return Band.NO_PENALTY, ()
    if heavier == 0 and Effect.MITIGATE in ticked:
        return Band.MITIGATED, ()
    notes: tuple[str, ...] = ()
    if heavier and any(e in EXEMPTING or e == Effect.MITIGATE for e in ticked):
        notes = (_("存在从重情节，不适用不予处罚或减轻处罚"),)
    if heavier and lenient:
        notes += (_("同时具有从轻和从重情节，按情节多寡综合裁量"),)
    if heavier > lenient:
        return Band.HEAVIER, notes
    if lenient > heavier:
        return Band.LIGHTER, notes
    return Band.GENERAL, notes


def legal_range(
    rule: FineRule, *, goods_value: Decimal | None = None, illegal_income: Decimal | None = None
) -> tuple[Decimal, Decimal] | None:
    """The legal fine range in 元 (None when the provision sets no fine)."""
    if rule.basis == FineBasis.NONE:
        return None
    if rule.basis == FineBasis.FIXED:
        return rule.minimum, rule.maximum
    amount = goods_value if rule.basis == FineBasis.GOODS_VALUE else illegal_income
    if amount is None or amount < ZERO:
        raise MissingBasisAmount(rule.basis)
    if rule.small_below is not None and amount < rule.small_below:
        return rule.small_minimum, rule.small_maximum
    base = max(amount, rule.floor)
    return (rule.minimum * base).quantize(CENT), (rule.maximum * base).quantize(CENT)


def band_range(band: str, low: Decimal, high: Decimal) -> tuple[Decimal, Decimal]:
    if band == Band.MITIGATED:
        return ZERO, low
    start, end = BAND_SHARES[band]
    span = high - low
    return (low + span * start).quantize(CENT), (low + span * end).quantize(CENT)


def _whole_yuan(amount: Decimal) -> Decimal:
    return amount.quantize(ONE_YUAN, rounding=ROUND_HALF_UP)


def _person(provision: Provision, band: str) -> PersonSuggestion | None:
    rule = provision.person
    if rule is None or band == Band.NO_PENALTY:
        return None
    fixed = rule.fine.basis == FineBasis.FIXED
    has_fine = rule.fine.basis != FineBasis.NONE
    return PersonSuggestion(
        ban_years=rule.ban_years,
        ban_for_life=rule.ban_for_life,
        fine_minimum=rule.fine.minimum if has_fine else None,
        fine_maximum=rule.fine.maximum if has_fine else None,
        per_income=has_fine and not fixed,
    )


def suggest(
    provision: Provision,
    effects: Iterable[str],
    *,
    goods_value: Decimal | None = None,
    illegal_income: Decimal | None = None,
) -> Suggestion:
    """The suggested penalty; raises ``MissingBasisAmount`` when the fine is a multiple of
    an amount not given."""
    band, notes = choose_band(effects)
    legal = legal_range(provision.fine, goods_value=goods_value, illegal_income=illegal_income)
    if band == Band.NO_PENALTY:
        return Suggestion(
            band=band,
            kinds=(),
            legal_minimum=legal[0] if legal else None,
            legal_maximum=legal[1] if legal else None,
            band_minimum=None,
            band_maximum=None,
            fine=None,
            person=None,
            notes=(*notes, _("不予行政处罚，责令改正；违法物品依法收缴")),
        )
    low_high = band_range(band, *legal) if legal else None
    fine = _whole_yuan((low_high[0] + low_high[1]) / 2) if low_high else None
    if band == Band.MITIGATED and legal:
        notes += (_("减轻处罚：在法定最低罚款以下确定罚款数额"),)
    return Suggestion(
        band=band,
        kinds=tuple(provision.kinds),
        legal_minimum=legal[0] if legal else None,
        legal_maximum=legal[1] if legal else None,
        band_minimum=low_high[0] if low_high else None,
        band_maximum=low_high[1] if low_high else None,
        fine=fine,
        person=_person(provision, band),
        notes=notes,
    )


class FineVerdict:
    """How a proposed fine stands against the suggestion."""

    WITHIN_BAND = "within_band"
    OUTSIDE_BAND = "outside_band"  # lawful, but a departure: a written reason is needed
    BELOW_LEGAL = "below_legal"  # below the legal minimum without 减轻: a reason is needed
    ABOVE_LEGAL = "above_legal"  # never lawful
    NOT_SUGGESTED = "not_suggested"  # a fine where none is suggested: a reason is needed


def judge_fine(suggestion: Suggestion, amount: Decimal | None) -> str:
    """Where a proposed fine of ``amount`` 元 (None: no fine) stands."""
    if amount is None or amount == ZERO:
        return FineVerdict.WITHIN_BAND if suggestion.fine is None else FineVerdict.OUTSIDE_BAND
    if suggestion.legal_maximum is not None and amount > suggestion.legal_maximum:
        return FineVerdict.ABOVE_LEGAL
    if suggestion.band_minimum is None or suggestion.band_maximum is None:
        return FineVerdict.NOT_SUGGESTED
    if suggestion.band_minimum <= amount <= suggestion.band_maximum:
        return FineVerdict.WITHIN_BAND
    legal_min = suggestion.legal_minimum
    if legal_min is not None and amount < legal_min and suggestion.band != Band.MITIGATED:
        return FineVerdict.BELOW_LEGAL
    return FineVerdict.OUTSIDE_BAND


def departs(suggestion: Suggestion, kinds: Iterable[str], amount: Decimal | None) -> bool:
    """Whether a proposal (its kinds and unit fine) departs from the suggestion: other
    kinds than suggested, or a fine outside the band."""
    proposed = set(kinds)
    suggested = set(suggestion.kinds)
    if suggestion.fine is None:
        suggested.discard(PenaltyKind.FINE)
    if (amount or ZERO) > ZERO:
        proposed.add(PenaltyKind.FINE)
    else:
        proposed.discard(PenaltyKind.FINE)
    if proposed != suggested:
        return True
    return judge_fine(suggestion, amount) != FineVerdict.WITHIN_BAND
