"""Frequency precedence, joint selection and plan building."""

from __future__ import annotations

from yaoan.analytics.planning import (
    ANY,
    UNRATED,
    EntityRecord,
    FrequencyMatcher,
    FrequencyRuleSpec,
    KeyListOutcome,
    Reason,
    build_plan,
    joint_count,
    select_joint,
)


def rule(rule_id, entity_type=ANY, risk=ANY, credit=ANY, visits=1, label=""):
    return FrequencyRuleSpec(rule_id, entity_type, risk, credit, visits, label or f"r{rule_id}")


RULES = [
    rule(1, risk="A", visits=0),
    rule(2, risk="B", visits=1),
    rule(3, risk="D", visits=4),
    rule(4, risk="A", credit="D", visits=2),
    rule(5, entity_type="wholesaler", visits=2),
    rule(6, entity_type="wholesaler", risk="D", visits=6),
    rule(7, credit="C", visits=3),
    rule(8, risk=UNRATED, visits=1),
]


def winner(entity_type, risk, credit):
    found = FrequencyMatcher(RULES).rule_for(entity_type, risk, credit)
    return found.rule_id if found else None


def test_more_dimensions_win():
    assert winner("retail_pharmacy", "A", "D") == 4
    assert winner("wholesaler", "D", "A") == 6


def test_type_beats_risk_beats_credit_at_equal_specificity():
    assert winner("wholesaler", "B", "A") == 5  # type rule over risk rule
    assert winner("retail_pharmacy", "B", "C") == 2  # risk rule over credit rule
    assert winner("retail_pharmacy", "C", "C") == 7  # only the credit rule matches


def test_unrated_is_a_value_and_blank_is_a_wildcard():
    assert winner("clinic", "", "") == 8
    assert winner("clinic", "", "C") == 8  # risk named (none) beats credit named
    assert FrequencyMatcher([rule(1, risk="A")]).rule_for("clinic", "", "") is None


def test_joint_count_rounds_half_up_with_at_least_one():
    assert [joint_count(n, 0.05) for n in (0, 1, 9, 20, 21, 30, 50, 100)] == [
        0,
        1,
        1,
        1,
        1,
        2,
        3,
        5,
    ]
    assert joint_count(10, 0) == 0
    assert joint_count(3, 2.0) == 3


def test_joint_selection_prefers_high_risk_and_is_deterministic():
    units = [(i, "A") for i in range(1, 40)] + [(99, "D")]
    chosen = select_joint(units, share=0.05, year=2027)
    assert chosen[0] == 99 and len(chosen) == 2
    assert select_joint(list(reversed(units)), share=0.05, year=2027) == chosen
    rotations = {tuple(select_joint(units, share=0.05, year=y)) for y in range(2025, 2035)}
    assert len(rotations) > 1  # equal-risk units rotate between years


def test_build_plan_takes_the_highest_minimum_and_lists_every_reason():
    entities = [
        EntityRecord(1, "vaccination_site", 10, "A", "A"),
        EntityRecord(2, "retail_pharmacy", 10, "B", "A"),
        EntityRecord(3, "retail_pharmacy", 20, "A", "A"),
        EntityRecord(4, "retail_pharmacy", 20, "D", "B"),
    ]
    outcomes = [
        KeyListOutcome("vaccine_unit", 1, {1: "疫苗接种单位"}),
        KeyListOutcome("failed_sample", 2, {2: "抽检不合格", 4: "抽检不合格"}),
        KeyListOutcome("unknown", 1, {999: "不在名单中的对象被忽略"}),
    ]
    items = build_plan(entities, RULES, outcomes, joint_ids=frozenset({1}))
    by_id = {i.entity_id: i for i in items}
    assert sorted(by_id) == [1, 2, 4]  # 3: risk A, no key-list rule → random draws only
    assert by_id[1].required == 1 and by_id[1].joint
    assert by_id[1].reasons == (Reason("vaccine_unit", "疫苗接种单位"),)
    assert by_id[2].required == 2
    assert [r.code for r in by_id[2].reasons] == ["frequency", "failed_sample"]
    assert by_id[2].frequency_rule_id == 2
    assert by_id[4].required == 4 and by_id[4].quarters == (1, 1, 1, 1)
    assert [i.entity_id for i in items] == [1, 2, 4]
    assert all(sum(i.quarters) == i.required for i in items)
