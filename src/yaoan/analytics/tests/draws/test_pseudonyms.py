"""Per-draw pseudonymous inspector codes, the pruning of avoided subdistricts to the pool's,
and the document digest: what the published document may say about an inspector."""

from __future__ import annotations

import pytest

from yaoan.analytics.draws import (
    AVOIDANCE_RULES,
    CODE_HEX_CHARS,
    MODE_COUNT,
    PoolEntity,
    PoolInspector,
    build_document,
    commit,
    derive_key,
    document_digest,
    make_inputs,
    pseudonymous_codes,
    run,
    verify,
)
from yaoan.analytics.draws.pseudonyms import hmac_sm3

KEY = derive_key(b"server secret", "yaoan.draws.inspector-codes")
SEED = bytes(range(32))


def test_codes_are_12_hex_characters_of_hmac_sm3_over_salt_and_user_id():
    codes = pseudonymous_codes(KEY, "draw:7:abc", [3, 1, 2])
    assert sorted(codes) == [1, 2, 3]
    assert codes[1] == hmac_sm3(KEY, b"draw:7:abc:1").hex()[:CODE_HEX_CHARS]
    assert all(len(c) == 12 and int(c, 16) >= 0 for c in codes.values())


def test_codes_are_deterministic_but_differ_between_salts_and_keys():
    ids = range(1, 50)
    assert pseudonymous_codes(KEY, "draw:7:abc", ids) == pseudonymous_codes(KEY, "draw:7:abc", ids)
    other_draw = pseudonymous_codes(KEY, "draw:8:abc", ids)
    other_key = pseudonymous_codes(derive_key(b"another", "x"), "draw:7:abc", ids)
    mine = pseudonymous_codes(KEY, "draw:7:abc", ids)
    assert not set(mine.values()) & set(other_draw.values())
    assert not set(mine.values()) & set(other_key.values())


def test_colliding_codes_are_re_derived_so_every_code_is_unique():
    # one hex character: sixteen codes for sixteen people forces many collisions
    codes = pseudonymous_codes(KEY, "s", range(16), length=1)
    assert sorted(codes.values()) == sorted("0123456789abcdef")
    with pytest.raises(ValueError):
        pseudonymous_codes(KEY, "s", range(17), length=1)


def pool():
    return [PoolEntity(f"9150000{i:011d}", i + 1, f"药房{i}", f"G{i % 2}") for i in range(6)]


def two_of_pool(inspectors):
    """A draw of 2 pool entities with 2 inspectors each, every avoidance rule on."""
    return make_inputs(
        draw_id=1,
        title="t",
        mode=MODE_COUNT,
        value=2,
        inspectors_per_entity=2,
        partner_unit=None,
        rules=AVOIDANCE_RULES,
        entities=pool(),
        inspectors=inspectors,
    )


def test_avoided_subdistricts_outside_the_pool_are_not_published():
    people = [
        PoolInspector("a1", "station", ("G0", "HOME-ELSEWHERE")),
        PoolInspector("b2", "station", ("G9",)),
        *[PoolInspector(f"c{i}", "station", ()) for i in range(3)],
    ]
    inputs = two_of_pool(people)
    published = {i["code"]: i["avoid_grids"] for i in inputs.as_dict()["inspectors"]}
    assert published["a1"] == ["G0"] and published["b2"] == []
    # the pruned grids could not have excluded anyone: the result is the same
    unpruned = inputs.__class__(**{**inputs.__dict__, "inspectors": tuple(people)})
    assert run(inputs, SEED) == run(unpruned, SEED)


def test_document_digest_ignores_meta_and_follows_the_rest():
    inputs = two_of_pool([PoolInspector(f"c{i}", "station", ()) for i in range(4)])
    published, digests, commitment = commit(inputs, SEED)
    document = build_document(
        inputs=published,
        digests=digests,
        commitment=commitment,
        seed=SEED,
        result=run(inputs, SEED),
    )
    assert verify(document).ok
    digest = document_digest(document)
    assert document_digest({**document, "meta": {"status": "superseded"}}) == digest
    assert document_digest({**document, "seed": "00" * 32}) != digest
