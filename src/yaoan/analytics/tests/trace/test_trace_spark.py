"""DuckDB and Spark (local mode) give exactly the same anomaly rows from the same SQL."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from yaoan.analytics.tests.trace import district as d
from yaoan.analytics.tests.trace.conftest import quiet
from yaoan.analytics.trace import anomalies, ingest, rules
from yaoan.analytics.trace.store import SCHEMAS, Store

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")


def rows(table) -> list[tuple]:
    return sorted(
        (r["rule"], r["code"], r["entity"], r["time"].timestamp(), r["detail"])
        for r in table.to_pylist()
    )


def test_every_rule_gives_the_same_rows_on_duckdb_and_spark(store: Store, tmp_path: Path) -> None:
    from yaoan.analytics.trace import spark

    files = [
        d.write_csv(tmp_path / "clean.csv", d.clean_rows()),
        d.write_csv(tmp_path / "bad.csv", d.anomaly_rows()),
        d.write_json(tmp_path / "v1.jsonld", d.vaccine_doc([1, 2], [4.0, 5.5])),
        d.write_json(tmp_path / "v2.jsonld", d.vaccine_doc([3], [5.0, 9.5, 1.0], day=11)),
    ]
    ingest.ingest(store, files, progress=quiet, run_rules=False)
    duck, _ = anomalies.full_run(store)
    # small data: one shuffle partition keeps each of the rules' stages to one task
    small = {"spark.sql.shuffle.partitions": "1", "spark.default.parallelism": "1"}
    session = spark.session("local[2]", small)
    try:
        manifest = store.manifest()
        spark.register(session, {t: store.paths(t, manifest) for t in SCHEMAS})
        started = time.monotonic()
        sparked, skipped = spark.run(session)
        print(f"spark rules: {time.monotonic() - started:.1f}s")
    finally:
        session.stop()
    assert skipped == []
    assert rows(sparked) == rows(duck)
    assert {r[0] for r in rows(duck)} == set(rules.RULES)
