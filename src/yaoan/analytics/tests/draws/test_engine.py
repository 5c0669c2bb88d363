"""The draw engine: determinism, commitments, verification of tampered documents, each
avoidance rule by a case, even loads, and the errors a draw can meet."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest

from yaoan.analytics.draws import (
    AVOIDANCE_RULES,
    MODE_COUNT,
    MODE_RATIO,
    RULE_CONFLICT,
    RULE_GRID,
    RULE_LAST_INSPECTION,
    DrawInputError,
    InfeasibleError,
    PoolEntity,
    PoolInspector,
    build_document,
    commit,
    document_digest,
    loads,
    make_inputs,
    run,
    verify,
)
from yaoan.analytics.draws.canonical import canonical_bytes, sm3_hex

SEED = bytes(range(32))
OTHER_SEED = bytes(range(1, 33))


def entities(n=40, grids=4):
    return [
        PoolEntity(f"9150000{i:011d}", i + 1, f"测试药房{i}", f"G{i % grids}") for i in range(n)
    ]


def inspectors(n=10, unit="station", grids=4):
    return [PoolInspector(f"J{i:03d}", unit, (f"G{i % grids}",)) for i in range(n)]


def inputs(**overrides):
    args = {
        "draw_id": 7,
        "title": "2026年第一批双随机抽查",
        "mode": MODE_RATIO,
        "value": 2500,
        "inspectors_per_entity": 2,
        "partner_unit": None,
        "rules": AVOIDANCE_RULES,
        "entities": entities(),
        "inspectors": inspectors(),
        "conflicts": (),
        "last_inspectors": (),
    }
    args.update(overrides)
    return make_inputs(**args)


def document(inp, seed=SEED):
    published, _digests, commitment = commit(inp, seed)
    return build_document(inputs=published, commitment=commitment, seed=seed, result=run(inp, seed))


def assigned(result):
    return {a.key: a.inspectors for a in result.assignments}


# --- determinism and commitment ---------------------------------------------------------------


def test_same_inputs_and_seed_give_the_same_result():
    first, second = run(inputs(), SEED), run(inputs(), SEED)
    assert first == second
    assert len(first.assignments) == 10  # 25 % of 40
    assert all(len(a.inspectors) == 2 and len(set(a.inspectors)) == 2 for a in first.assignments)


def test_another_seed_draws_other_entities():
    assert [a.key for a in run(inputs(), SEED).assignments] != [
        a.key for a in run(inputs(), OTHER_SEED).assignments
    ]


def test_input_order_does_not_matter():
    shuffled = inputs(entities=list(reversed(entities())), inspectors=inspectors()[::-1])
    assert commit(shuffled, SEED)[2] == commit(inputs(), SEED)[2]
    assert run(shuffled, SEED) == run(inputs(), SEED)


def test_changing_one_pool_member_changes_the_commitment():
    pool = entities()
    changed = [*pool[:-1], PoolEntity(pool[-1].key, pool[-1].id, "改名药房", pool[-1].grid)]
    assert commit(inputs(entities=changed), SEED)[2] != commit(inputs(), SEED)[2]
    fewer = inputs(inspectors=inspectors()[:-1])
    assert commit(fewer, SEED)[2] != commit(inputs(), SEED)[2]


def test_commitment_is_sm3_of_the_canonical_inputs_and_the_seed():
    inp = inputs()
    published, digests, commitment = commit(inp, SEED)
    assert commitment == sm3_hex(canonical_bytes(published) + SEED)
    assert digests["entities"] == sm3_hex(canonical_bytes(published["entities"]))


def test_ratio_rounds_up_and_a_count_is_exact():
    assert inputs(value=1).sample_size == 1  # 0.01 % of 40 rounds up to one
    assert inputs(mode=MODE_COUNT, value=3).sample_size == 3
    assert len(run(inputs(mode=MODE_COUNT, value=3), SEED).assignments) == 3


# --- verification ---------------------------------------------------------------------------


def test_verify_accepts_the_untouched_document():
    report = verify(document(inputs()))
    assert report.ok
    assert report.entities_checked == 10


def test_verify_survives_a_json_round_trip():
    doc = json.loads(json.dumps(document(inputs()), ensure_ascii=False))
    assert verify(doc).ok


def test_verify_names_the_tampered_pool_section():
    doc = document(inputs())
    doc["inputs"]["entities"][3]["name"] = "另一家药房"
    report = verify(doc)
    assert not report.ok
    assert report.first.code == "digest"
    assert report.first.detail["section"] == "entities"
    assert "commitment" in [p.code for p in report.problems]


def test_verify_fails_when_pool_and_its_digest_are_both_changed():
    doc = document(inputs())
    doc["inputs"]["entities"].pop()
    doc["input_digests"]["entities"] = sm3_hex(canonical_bytes(doc["inputs"]["entities"]))
    report = verify(doc)
    assert report.first.code == "commitment"


def test_verify_fails_on_another_seed():
    doc = document(inputs())
    doc["seed"] = OTHER_SEED.hex()
    report = verify(doc)
    assert report.first.code == "commitment"


def test_verify_fails_on_a_changed_rule():
    doc = document(inputs())
    doc["inputs"]["rules"][RULE_GRID] = False
    report = verify(doc)
    assert report.first.code == "digest"
    assert report.first.detail["section"] == "rules"


def test_verify_reports_the_first_changed_assignment():
    doc = document(inputs())
    row = doc["result"]["entities"][4]
    spare = next(
        i["code"] for i in doc["inputs"]["inspectors"] if i["code"] not in row["inspectors"]
    )
    row["inspectors"][1] = spare
    report = verify(doc)
    assert report.problems[0].code == "result"
    assert report.problems[0].detail["position"] == 5
    assert report.problems[0].detail["published"]["inspectors"][1] == spare


def test_verify_reports_a_dropped_assignment():
    doc = document(inputs())
    doc["result"]["entities"].pop()
    assert verify(doc).first.code == "result_size"


def test_verify_of_a_document_not_yet_drawn_says_so():
    inp = inputs()
    published, _d, commitment = commit(inp, SEED)
    report = verify(build_document(inputs=published, commitment=commitment))
    assert report.first.code == "not_drawn"


def test_verify_refuses_another_format():
    doc = document(inputs())
    doc["format"] = "other/1"
    assert verify(doc).first.code == "format"
    assert verify([]).first.code == "format"


def test_verify_refuses_floats_in_the_inputs():
    doc = document(inputs())
    doc["inputs"]["selection"]["value"] = 2500.0
    assert verify(doc).first.code == "format"


# --- avoidance rules, one case each -------------------------------------------------------------


def single_entity(**overrides):
    """One entity in grid G0 and four inspectors: J000 and J001 avoid G0."""
    pool = [PoolEntity("91500000000000001X", 1, "唯一药房", "G0")]
    people = [
        PoolInspector("J000", "station", ("G0",)),
        PoolInspector("J001", "station", ("G0", "G1")),
        PoolInspector("J002", "station", ("G2",)),
        PoolInspector("J003", "station", ()),
        PoolInspector("J004", "station", ()),
    ]
    return inputs(entities=pool, inspectors=people, mode=MODE_COUNT, value=1, **overrides)


def drawn_for_many_seeds(inp):
    return set().union(*(run(inp, bytes([s]) * 32).assignments[0].inspectors for s in range(40)))


def test_grid_rule_keeps_inspectors_out_of_their_own_subdistrict():
    assert drawn_for_many_seeds(single_entity()) == {"J002", "J003", "J004"}
    off = single_entity(rules=(RULE_CONFLICT, RULE_LAST_INSPECTION))
    assert drawn_for_many_seeds(off) == {"J000", "J001", "J002", "J003", "J004"}


def test_conflict_rule_keeps_a_recorded_conflict_out():
    conflict = [("J003", "91500000000000001X")]
    assert drawn_for_many_seeds(single_entity(conflicts=conflict)) == {"J002", "J004"}
    off = single_entity(conflicts=conflict, rules=(RULE_GRID,))
    assert "J003" in drawn_for_many_seeds(off)
    assert off.conflicts == ()  # the data of a rule that is off is not published


def test_last_inspection_rule_keeps_the_last_inspector_out():
    last = [("J004", "91500000000000001X")]
    assert drawn_for_many_seeds(single_entity(last_inspectors=last)) == {"J002", "J003"}
    off = single_entity(last_inspectors=last, rules=(RULE_GRID,))
    assert "J004" in drawn_for_many_seeds(off)


def test_joint_draw_adds_one_inspector_of_the_partner_department():
    people = [*inspectors(8), *[PoolInspector(f"W{i}", "health", ()) for i in range(3)]]
    result = run(inputs(inspectors=people, partner_unit="health"), SEED)
    for assignment in result.assignments:
        assert len(assignment.inspectors) == 3
        assert [c[0] for c in assignment.inspectors] == ["J", "J", "W"]


def test_joint_draw_without_an_eligible_partner_is_refused():
    people = [*inspectors(8), PoolInspector("W0", "health", ("G1",))]
    with pytest.raises(InfeasibleError) as caught:
        inputs(inspectors=people, partner_unit="health")
        run(inputs(inspectors=people, partner_unit="health"), SEED)
    assert caught.value.partner is True
    assert caught.value.excluded == {RULE_GRID: ("W0",)}


# --- loads and errors ------------------------------------------------------------------------


def test_loads_stay_even():
    result = run(inputs(entities=entities(400), value=5000), SEED)  # 200 entities × 2 slots
    counts = loads(result)
    assert len(counts) == 10
    assert max(counts.values()) - min(counts.values()) <= 1


def test_too_few_inspectors_names_the_entity_and_who_each_rule_excluded():
    inp = single_entity(
        conflicts=[("J002", "91500000000000001X")], last_inspectors=[("J003", "91500000000000001X")]
    )
    inp = inputs(
        entities=list(inp.entities),
        inspectors=list(inp.inspectors)[:4],
        conflicts=inp.conflicts,
        last_inspectors=inp.last_inspectors,
        mode=MODE_COUNT,
        value=1,
    )
    with pytest.raises(InfeasibleError) as caught:
        run(inp, SEED)
    error = caught.value
    assert error.entity.name == "唯一药房"
    assert (error.needed, error.available) == (2, 0)
    assert error.excluded == {
        RULE_GRID: ("J000", "J001"),
        RULE_CONFLICT: ("J002",),
        RULE_LAST_INSPECTION: ("J003",),
    }


def test_empty_pool_is_refused():
    with pytest.raises(DrawInputError) as caught:
        inputs(entities=[])
    assert caught.value.code == "empty_pool"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"mode": MODE_COUNT, "value": 41}, "count_exceeds_pool"),
        ({"mode": MODE_RATIO, "value": 0}, "invalid_ratio"),
        ({"inspectors_per_entity": 1}, "invalid_inspectors_per_entity"),
        ({"inspectors": []}, "no_inspectors"),
        ({"mode": "all"}, "invalid_mode"),
    ],
)
def test_bad_inputs_are_refused_with_a_code(overrides, code):
    with pytest.raises(DrawInputError) as caught:
        inputs(**overrides)
    assert caught.value.code == code


def test_duplicate_entity_is_refused():
    pool = entities(3)
    with pytest.raises(DrawInputError) as caught:
        inputs(entities=[*pool, pool[0]])
    assert caught.value.code == "duplicate_entity"


def test_pairs_outside_the_pools_are_dropped():
    inp = inputs(conflicts=[("NOBODY", entities()[0].key), ("J001", "NO-SUCH-ENTITY")])
    assert inp.conflicts == ()


def test_parsed_inputs_equal_the_original():
    from yaoan.analytics.draws import DrawInputs

    inp = inputs(conflicts=[("J001", entities()[0].key)])
    assert DrawInputs.from_dict(copy.deepcopy(inp.as_dict())) == inp


# --- the offline command ------------------------------------------------------------------------


def test_offline_verify_exit_codes(tmp_path):
    doc = document(inputs())
    good = tmp_path / "good.json"
    good.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    doc["seed"] = OTHER_SEED.hex()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    command = [sys.executable, "-m", "yaoan.analytics.draws"]
    ok = subprocess.run([*command, str(good)], capture_output=True, text=True, check=False)
    assert ok.returncode == 0
    assert ok.stdout.splitlines() == [
        "OK (10 entities re-derived)",
        f"document SM3 (without meta): {document_digest(document(inputs()))}",
    ]
    failed = subprocess.run([*command, str(bad)], capture_output=True, text=True, check=False)
    assert failed.returncode == 1
    assert failed.stdout.startswith("FAILED: commitment")
