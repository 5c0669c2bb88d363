"""From entities, rules and rule outcomes to the items of the annual plan.

An entity is due when the frequency table or a key-list rule asks for at least one visit.
Its required count is the largest of those minimums (each rule states a floor; the entity
must satisfy all of them), and its reasons list every rule that applied, the frequency
rule first, then the key-list rules in the order given.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from yaoan.analytics.planning.allocation import Quarters, allocate_station
from yaoan.analytics.planning.frequency import FrequencyMatcher, FrequencyRuleSpec

FREQUENCY_CODE = "frequency"


class EntityRecord(NamedTuple):
    id: int
    entity_type: str
    station_id: int
    risk_grade: str = ""
    credit_class: str = ""


@dataclass(frozen=True)
class KeyListOutcome:
    """The entities a key-list rule selected, each with the reason to show for it."""

    code: str
    min_visits: int
    hits: Mapping[int, str]


class Reason(NamedTuple):
    code: str
    text: str


class PlannedItem(NamedTuple):
    entity_id: int
    station_id: int
    required: int
    reasons: tuple[Reason, ...]
    quarters: Quarters
    joint: bool
    frequency_rule_id: int | None


def _requirements(
    entity: EntityRecord, matcher: FrequencyMatcher, outcomes: Sequence[KeyListOutcome]
) -> tuple[int, list[Reason], int | None]:
    required, reasons, rule_id = 0, [], None
    rule: FrequencyRuleSpec | None = matcher.rule_for(
        entity.entity_type, entity.risk_grade, entity.credit_class
    )
    if rule is not None and rule.min_visits > 0:
        required, rule_id = rule.min_visits, rule.rule_id
        reasons.append(Reason(FREQUENCY_CODE, rule.label))
    for outcome in outcomes:
        text = outcome.hits.get(entity.id)
        if text is not None:
            required = max(required, outcome.min_visits)
            reasons.append(Reason(outcome.code, text))
    return required, reasons, rule_id


def build_plan(
    entities: Iterable[EntityRecord],
    frequency_rules: Iterable[FrequencyRuleSpec],
    outcomes: Sequence[KeyListOutcome],
    joint_ids: frozenset[int] = frozenset(),
) -> list[PlannedItem]:
    """The due entities with count, reasons, quarters and joint flag, by station then id."""
    matcher = FrequencyMatcher(frequency_rules)
    due: dict[int, tuple[EntityRecord, int, list[Reason], int | None]] = {}
    per_station: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for entity in entities:
        required, reasons, rule_id = _requirements(entity, matcher, outcomes)
        if required <= 0:
            continue
        due[entity.id] = (entity, required, reasons, rule_id)
        per_station[entity.station_id].append((entity.id, required))
    quarters: dict[int, Quarters] = {}
    for station_id in sorted(per_station):
        allocated, _loads = allocate_station(per_station[station_id])
        quarters.update(allocated)
    return [
        PlannedItem(
            entity_id=entity.id,
            station_id=entity.station_id,
            required=required,
            reasons=tuple(reasons),
            quarters=quarters[entity.id],
            joint=entity.id in joint_ids,
            frequency_rule_id=rule_id,
        )
        for entity, required, reasons, rule_id in sorted(
            due.values(), key=lambda d: (d[0].station_id, d[0].id)
        )
    ]
