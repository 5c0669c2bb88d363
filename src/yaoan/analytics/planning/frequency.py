"""The frequency table: entity type × risk grade × credit class → minimum inspections a year.

A rule leaves a dimension blank (``ANY``) to match every value of it. An entity with no
risk grade or no credit class has the value ``UNRATED`` there, which a rule can name
explicitly ("未评级") or match with a blank.

Precedence, when several rules match one entity: the most specific rule wins —

1. the rule that names more dimensions (3 before 2 before 1 before 0);
2. between rules naming as many, the one naming the entity type, then the one naming the
   risk grade, then the credit class (type > risk > credit);
3. (only possible with duplicated rules, which the database forbids) the lower rule id.

So a district can state a general table on risk × credit and override single cells or
single entity types without restating the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ANY = ""
UNRATED = "none"


@dataclass(frozen=True)
class FrequencyRuleSpec:
    rule_id: int
    entity_type: str  # ANY matches every type
    risk_grade: str  # ANY, UNRATED or a grade ("A".."D")
    credit_class: str  # ANY, UNRATED or a class ("A".."D")
    min_visits: int
    label: str = ""

    def matches(self, entity_type: str, risk_grade: str, credit_class: str) -> bool:
        return (
            self.entity_type in (ANY, entity_type)
            and self.risk_grade in (ANY, risk_grade or UNRATED)
            and self.credit_class in (ANY, credit_class or UNRATED)
        )


def specificity(rule: FrequencyRuleSpec) -> tuple[int, int, int, int, int]:
    """Sort key, larger = more specific: (dimensions named, type, risk, credit, -id)."""
    named = (rule.entity_type != ANY, rule.risk_grade != ANY, rule.credit_class != ANY)
    return (sum(named), int(named[0]), int(named[1]), int(named[2]), -rule.rule_id)


class FrequencyMatcher:
    """Finds the winning rule for each (type, risk, credit) once and remembers it: a
    district of 50,000 entities has only a few hundred distinct combinations."""

    def __init__(self, rules: Iterable[FrequencyRuleSpec]):
        self.rules = sorted(rules, key=specificity, reverse=True)
        self._cache: dict[tuple[str, str, str], FrequencyRuleSpec | None] = {}

    def rule_for(
        self, entity_type: str, risk_grade: str, credit_class: str
    ) -> FrequencyRuleSpec | None:
        key = (entity_type, risk_grade or UNRATED, credit_class or UNRATED)
        if key not in self._cache:
            self._cache[key] = next((r for r in self.rules if r.matches(*key)), None)
        return self._cache[key]
