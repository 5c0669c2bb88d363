"""The plan the current rules and registry give for a year, computed without writing it:
the frequency rules and the key-list rules (built-in selectors and connected sources) over
the live entities, handed to ``analytics.planning``. ``services.generate_plan`` writes it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from yaoan.analytics.planning import (
    EntityRecord,
    FrequencyRuleSpec,
    KeyListOutcome,
    PlannedItem,
    build_plan,
    select_joint,
)
from yaoan.plans import keylist
from yaoan.plans.enums import KeyListCode
from yaoan.plans.models import FrequencyRule, KeyListRule
from yaoan.plans.queries import key_list_share


def _frequency_specs(rules: Sequence[FrequencyRule]) -> list[FrequencyRuleSpec]:
    return [
        FrequencyRuleSpec(
            rule_id=r.pk,
            entity_type=r.entity_type,
            risk_grade=r.risk_grade,
            credit_class=r.credit_class,
            min_visits=r.min_visits,
            label=_("频次规则（%(c)s）：每年至少%(n)s次")
            % {"c": r.condition_label, "n": r.min_visits},
        )
        for r in rules
    ]


def _entity_records() -> dict[int, EntityRecord]:
    rows = (
        keylist.live_entities()
        .order_by()
        .values_list("id", "entity_type", "subdistrict__station_id", "risk_grade", "credit_class")
    )
    return {
        r[0]: EntityRecord(r[0], r[1], r[2], r[3], r[4]) for r in rows.iterator(chunk_size=5000)
    }


def _rule_outcome(
    rule: KeyListRule, year: int, records: Mapping[int, EntityRecord]
) -> tuple[KeyListOutcome | None, frozenset[int]]:
    """The entities a rule selects (only live ones), and for the joint rule its choice."""
    label = rule.label
    if rule.code in keylist.BUILTIN_SELECTORS:
        selected = keylist.select(rule, year).order_by()
        if rule.code == KeyListCode.VACCINE_JOINT:
            candidates = selected.values_list("pk", "risk_grade")
            chosen = select_joint(candidates, share=key_list_share(rule), year=year)
            return KeyListOutcome(
                rule.code, rule.min_visits, dict.fromkeys(chosen, label)
            ), frozenset(chosen)
        ids = selected.values_list("pk", flat=True)
        return KeyListOutcome(rule.code, rule.min_visits, dict.fromkeys(ids, label)), frozenset()
    source = keylist.external_source(rule.code, rule.parameters)
    if source is None:
        return None, frozenset()
    hits = {
        int(pk): f"{label}：{text}" if text else label
        for pk, text in source(year).items()
        if int(pk) in records
    }
    return KeyListOutcome(rule.code, rule.min_visits, hits), frozenset()


def _rules_snapshot(
    frequency: Sequence[FrequencyRule], key_rules: Sequence[KeyListRule], entities: int
) -> dict[str, Any]:
    return {
        "entities": entities,
        "frequency": [
            {
                "id": r.pk,
                "entity_type": r.entity_type,
                "risk_grade": r.risk_grade,
                "credit_class": r.credit_class,
                "min_visits": r.min_visits,
            }
            for r in frequency
        ],
        "key_list": [
            {
                "code": r.code,
                "label": r.label,
                "enabled": r.enabled,
                "min_visits": r.min_visits,
                "parameters": r.parameters,
                "connected": keylist.is_connected(r.code),
            }
            for r in key_rules
        ],
    }


def compute_plan(year: int) -> tuple[list[PlannedItem], dict[str, Any]]:
    """The plan the current rules and registry give for ``year``, without writing it."""
    frequency = list(FrequencyRule.objects.all())
    key_rules = list(KeyListRule.objects.all())
    records = _entity_records()
    outcomes: list[KeyListOutcome] = []
    joint_ids: frozenset[int] = frozenset()
    for rule in key_rules:
        if not rule.enabled:
            continue
        outcome, chosen = _rule_outcome(rule, year, records)
        if outcome is not None:
            outcomes.append(outcome)
            joint_ids |= chosen
    planned = build_plan(records.values(), _frequency_specs(frequency), outcomes, joint_ids)
    return planned, _rules_snapshot(frequency, key_rules, len(records))
