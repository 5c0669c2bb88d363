"""Each anomaly rule fires on its crafted case and stays silent on a clean chain; the
incremental run after an ingest agrees with a full run."""

from __future__ import annotations

from pathlib import Path

import pytest

from yaoan.analytics.tests.trace import district as d
from yaoan.analytics.tests.trace.conftest import quiet
from yaoan.analytics.trace import anomalies, config, ingest, rules
from yaoan.analytics.trace.store import Store


def load(store: Store, *paths: Path) -> None:
    for result in ingest.ingest(store, list(paths), progress=quiet):
        assert result.status == "loaded" and result.rejected == 0, result


def found(store: Store, names: list[str] | None = None) -> set[tuple[str, str, str]]:
    table, _ = anomalies.full_run(store, names)
    return {(r["rule"], r["code"], r["entity"]) for r in table.to_pylist()}


@pytest.fixture
def clean_store(store: Store, tmp_path: Path) -> Store:
    load(
        store,
        d.write_csv(tmp_path / "clean.csv", d.clean_rows()),
        d.write_json(tmp_path / "vaccines.jsonld", d.vaccine_doc([1, 2], [4.0, 5.5, 6.0])),
    )
    return store


def test_clean_chain_raises_nothing(clean_store: Store) -> None:
    assert found(clean_store) == set()
    assert clean_store.connect().sql("SELECT count(*) FROM anomalies").fetchall() == [(0,)]


def test_every_rule_fires_on_its_crafted_case(clean_store: Store, tmp_path: Path) -> None:
    load(clean_store, d.write_csv(tmp_path / "bad.csv", d.anomaly_rows()))
    assert found(clean_store) == d.EXPECTED
    assert {r for r, _c, _e in d.EXPECTED} == set(rules.RULES)


def test_incremental_run_after_ingest_equals_a_full_run(clean_store: Store, tmp_path: Path) -> None:
    load(clean_store, d.write_csv(tmp_path / "bad.csv", d.anomaly_rows()))
    con = clean_store.connect()
    stored = con.sql("SELECT * FROM anomalies ORDER BY ALL").to_arrow_table().to_pylist()
    full, _ = anomalies.full_run(clean_store)
    con.register("full_set", full)
    assert con.sql("SELECT * FROM full_set ORDER BY ALL").to_arrow_table().to_pylist() == stored
    assert len(stored) == len(d.EXPECTED)


def test_sales_aggregated_once_give_the_rows_of_each_rule_alone(
    clean_store: Store, tmp_path: Path
) -> None:
    """Run together, duplicate_sale and sold_at_multiple_entities read one materialised
    aggregate of the sales; alone, each computes it itself. Same rows either way."""
    load(clean_store, d.write_csv(tmp_path / "bad.csv", d.anomaly_rows()))
    pair = ["duplicate_sale", "sold_at_multiple_entities"]
    cfg = config.load()
    reused = rules.shared_relations([rules.RULES[n] for n in pair], cfg)
    assert list(reused.values()) == [2]
    rendered = rules.render(rules.RULES[pair[0]], cfg, rules.DUCKDB, {"sale_groups": "t"})
    assert "sale_groups AS (SELECT * FROM t)" in rendered and "GROUP BY unit HAVING" not in rendered

    together = found(clean_store, pair)
    alone = found(clean_store, pair[:1]) | found(clean_store, pair[1:])
    assert together == alone
    assert {rule for rule, _c, _e in together} == set(pair)


def test_details_say_what_is_wrong(clean_store: Store, tmp_path: Path) -> None:
    load(clean_store, d.write_csv(tmp_path / "bad.csv", d.anomaly_rows()))
    table, _ = anomalies.full_run(clean_store)
    detail = {(r["rule"], r["code"]): r["detail"] for r in table.to_pylist()}
    assert detail[("duplicate_sale", d.DUPLICATE)] == "同一最小包装售出/使用2次，共2单位（包装量1）"
    assert detail[("sold_after_expiry", d.EXPIRED)] == "有效期至2025-12-31，销售/使用于2026-01-06"
    assert detail[("unlicensed_holder", d.HELD_BY_STRANGER)] == (
        f"产品（{d.DRUG}）：未在监管对象库登记，共1次"
    )
    assert (
        detail[("unlicensed_holder", d.LAPSED)] == f"药品（{d.DRUG}）：许可/资质在该日期无效，共2次"
    )
    assert detail[("unlicensed_holder", d.VACCINE_AT_PHARMACY)] == (
        f"疫苗（{d.VACCINE}）：单位类型（retail_pharmacy）不得经营/使用，共1次"
    )
    assert detail[("illegal_channel", d.GREY)] == (
        f"从{d.UNLICENSED_SELLER}购进：供货单位无药品批发或零售连锁总部许可，共1次"
    )
    assert detail[("sold_at_multiple_entities", d.MULTI)] == (
        f"同一最小包装由2家单位售出（首次售出：{d.PHARMACY}）"
    )


def test_cold_chain_excursion_fires_on_readings_out_of_range(store: Store, tmp_path: Path) -> None:
    load(store, d.write_json(tmp_path / "v.jsonld", d.vaccine_doc([7], [5.0, 12.5, 1.5])))
    table, _ = anomalies.full_run(store, ["cold_chain_excursion"])
    assert [(r["code"], r["entity"], r["detail"]) for r in table.to_pylist()] == [
        (d.code(d.VACCINE, 7), d.WHOLESALER, "温度超出2–8°C（最低1.5°C，最高12.5°C）")
    ]


def test_readings_of_a_product_outside_the_cold_chain_are_ignored(
    store: Store, tmp_path: Path
) -> None:
    doc = d.vaccine_doc([7], [25.0])
    for event in doc["epcisBody"]["eventList"]:
        event["epcList"] = [d.code(d.OTC, 7)]
    load(store, d.write_json(tmp_path / "v.jsonld", doc))
    assert found(store, ["cold_chain_excursion"]) == set()


def test_split_pack_beyond_the_pack_is_a_duplicate(store: Store, tmp_path: Path) -> None:
    pack = d.code(d.OTC, 9)
    rows = [*d.handed_down(pack, quantity=10)]
    rows += [d.row(pack, "sell", 7 + i, d.PHARMACY, quantity=4) for i in range(3)]
    load(store, d.write_csv(tmp_path / "a.csv", rows))
    assert found(store, ["duplicate_sale"]) == {("duplicate_sale", pack, d.PHARMACY)}


def test_parameters_come_from_configuration(clean_store: Store, tmp_path: Path) -> None:
    load(clean_store, d.write_csv(tmp_path / "bad.csv", d.anomaly_rows()))
    override = tmp_path / "rules.toml"
    override.write_text("[sold_after_expiry]\ngrace_days = 30\n", encoding="utf-8")
    settings = config.load(override)
    assert settings["sold_after_expiry"]["grace_days"] == 30
    assert settings["duplicate_sale"]["allow_split_pack"] is True
    table, _ = anomalies.full_run(clean_store, ["sold_after_expiry"], settings)
    assert table.num_rows == 0


def test_unknown_parameter_in_configuration_is_refused(tmp_path: Path) -> None:
    override = tmp_path / "rules.toml"
    override.write_text("[sold_after_expiry]\ngrace_dayz = 30\n", encoding="utf-8")
    with pytest.raises(config.ConfigError, match=r"sold_after_expiry\.grace_dayz"):
        config.load(override)


def test_rules_needing_the_registry_are_skipped_without_it(tmp_path: Path) -> None:
    bare = Store(tmp_path / "bare")
    load(bare, d.write_csv(tmp_path / "a.csv", [d.row(d.code(d.DRUG, 1), "sell", 5, d.PHARMACY)]))
    table, skipped = anomalies.full_run(bare)
    assert skipped == ["unlicensed_holder", "illegal_channel", "cold_chain_excursion"]
    assert {r["rule"] for r in table.to_pylist()} == {"sale_without_receipt"}
