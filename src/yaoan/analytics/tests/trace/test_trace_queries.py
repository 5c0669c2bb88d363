"""Where-from/where-to, recall reach and entity reports; the engine's command line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from yaoan.analytics.tests.trace import district as d
from yaoan.analytics.tests.trace.conftest import quiet
from yaoan.analytics.trace import cli, ingest, queries
from yaoan.analytics.trace.store import Store


@pytest.fixture
def loaded(store: Store, tmp_path: Path) -> Store:
    rows = [*d.clean_rows(), *d.anomaly_rows()]
    ingest.ingest(store, [d.write_csv(tmp_path / "a.csv", rows)], progress=quiet)
    return store


def test_where_gives_product_batch_expiry_and_the_chain(loaded: Store) -> None:
    result = queries.where(loaded.connect(), d.code(d.DRUG, 1))
    assert (result["product"], result["product_name"], result["batch"], result["expiry"]) == (
        d.DRUG,
        "阿莫西林胶囊",
        "B2026",
        "2027-12-31",
    )
    assert [(e["event"], e["entity"], e["counterparty"]) for e in result["chain"]] == [
        ("receive", d.WHOLESALER, d.MAKER),
        ("ship", d.WHOLESALER, d.PHARMACY),
        ("receive", d.PHARMACY, d.WHOLESALER),
        ("sell", d.PHARMACY, None),
    ]
    assert result["chain"][1]["counterparty_name"] == "仁和大药房"
    assert result["chain"][0]["time"] == "2026-01-02T10:00:00+08:00"


def test_where_rejects_a_malformed_code(loaded: Store) -> None:
    with pytest.raises(queries.QueryError, match="码上放心追溯码应为20位"):
        queries.where(loaded.connect(), "8123")


def test_batch_reach_lists_every_holder_with_units(loaded: Store) -> None:
    reach = {r["entity"]: r for r in queries.batch_reach(loaded.connect(), d.OTC, "B2026")}
    assert set(reach) == {d.WHOLESALER, d.PHARMACY}
    assert (
        reach[d.PHARMACY]["received"],
        reach[d.PHARMACY]["sold"],
        reach[d.PHARMACY]["held"],
    ) == (
        10.0,
        9.0,
        1.0,
    )
    assert (reach[d.WHOLESALER]["received"], reach[d.WHOLESALER]["shipped"]) == (10.0, 10.0)


def test_entity_report_shows_suppliers_sales_and_balance(loaded: Store) -> None:
    import datetime as dt

    report = queries.entity_report(
        loaded.connect(), d.CLINIC, dt.date(2026, 1, 1), dt.date(2026, 1, 31)
    )
    assert report["name"] == "东街诊所"
    assert [(r["product"], r["supplier"], r["units"]) for r in report["received"]] == [
        (d.DRUG, d.WHOLESALER, 1.0)
    ]
    assert report["balance"] == [{"product": d.DRUG, "balance": 1.0}]
    empty = queries.entity_report(loaded.connect(), d.CLINIC, dt.date(2026, 2, 1), None)
    assert empty["received"] == []


def test_cli_ingest_where_batch_entity_and_anomalies(store: Store, tmp_path: Path) -> None:
    path = d.write_csv(tmp_path / "a.csv", [*d.clean_rows(), *d.anomaly_rows()])
    out = io.StringIO()
    root = ["--store", str(store.root)]
    parse = lambda *a: cli_args(*root, *a)  # noqa: E731
    assert cli.execute(parse("ingest", str(path)), store, out) == 0
    assert out.getvalue().startswith("a.csv\tloaded\t事件 ")
    out = io.StringIO()
    assert cli.execute(parse("where", d.code(d.DRUG, 1)), store, out) == 0
    assert "销售 仁和大药房" in out.getvalue()
    out = io.StringIO()
    assert cli.execute(parse("batch", d.OTC, "B2026", "--json"), store, out) == 0
    assert '"held": 1.0' in out.getvalue()
    out = io.StringIO()
    assert cli.execute(parse("entity", d.STRANGER), store, out) == 0
    target = tmp_path / "anomalies.csv"
    assert (
        cli.execute(
            parse("anomalies", "--rules", "duplicate_sale", "--out", str(target)), store, out
        )
        == 0
    )
    with target.open(encoding="utf-8-sig") as fh:
        listed = list(csv.reader(fh))
    assert listed[0] == ["rule", "code", "entity", "time", "detail"]
    assert [r[:3] for r in listed[1:]] == [
        ["duplicate_sale", d.DUPLICATE, d.PHARMACY],
        ["duplicate_sale", d.MULTI, d.PHARMACY_2],
    ]
    assert listed[1][3] == "2026-01-09T10:00:00+08:00"
    assert cli.execute(parse("anomalies", "--rules", "nope"), store, out) == cli.EXIT_USAGE
    assert cli.execute(parse("where", d.code(d.DRUG, 999)), store, out) == cli.EXIT_NOTHING


def cli_args(*argv: str):
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--store")
    cli.add_subcommands(parser)
    return parser.parse_args(argv)
