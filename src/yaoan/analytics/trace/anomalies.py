# ruff: noqa: S608 - SQL built from fixed schemas, configuration and quoted literals
"""Running the anomaly rules on DuckDB: in full, or incrementally for what an ingest touched."""

from __future__ import annotations

import csv
import datetime as dt
import os
import zoneinfo
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from yaoan.analytics.trace import config as rule_config
from yaoan.analytics.trace import rules as rule_defs
from yaoan.analytics.trace.store import TIME_ZONE, Store, _quote, arrow_schema

BASE_EVENTS = "_all_events"
# what an incremental run narrows the events by, per rule scope (the unit key for codes)
SCOPE_COLUMNS = {"code": "unit", "entity": "entity"}


def _rebind_events(con: Any, relation: str) -> None:
    con.execute(f"CREATE OR REPLACE VIEW events AS SELECT * FROM {relation}")


def run(
    con: Any,
    names: Iterable[str] | None = None,
    config: dict[str, Any] | None = None,
    has_registry: bool = True,
    touched: dict[str, str] | None = None,
) -> tuple[pa.Table, list[str]]:
    """The anomaly rows of the chosen rules, and the names of rules skipped for want of a
    registry snapshot. ``touched`` maps a column ("unit"/"entity", SCOPE_COLUMNS) to a
    relation with that column: only those units/entities are examined."""
    config = config or rule_config.load()
    chosen = rule_defs.select(names)
    skipped = [r.name for r in chosen if r.needs_registry and not has_registry]
    # the rules' results are sorted at the end: letting DuckDB drop the scan order more
    # than halves the time and memory of the big aggregations
    con.execute("SET preserve_insertion_order=false")
    runnable = [r for r in chosen if r.name not in skipped]
    reused = {k for k, n in rule_defs.shared_relations(runnable, config).items() if n > 1}
    materialised: dict[tuple[str, str, str], str] = {}
    parts = []
    for rule in runnable:
        if touched is not None:
            column = SCOPE_COLUMNS[rule.scope]
            _rebind_events(
                con,
                f"(SELECT * FROM {BASE_EVENTS} WHERE {column} IN "
                f"(SELECT {column} FROM {touched[column]}))",
            )
        shared = _shared_tables(con, rule, config, reused, materialised)
        sql = rule_defs.render(rule, config, rule_defs.DUCKDB, shared)
        parts.append(con.sql(sql).to_arrow_table().cast(arrow_schema("anomalies")))
    for table in materialised.values():
        con.execute(f"DROP TABLE IF EXISTS {table}")
    _rebind_events(con, BASE_EVENTS)
    if not parts:
        return arrow_schema("anomalies").empty_table(), skipped
    return pa.concat_tables(parts), skipped


def _shared_tables(
    con: Any,
    rule: rule_defs.Rule,
    config: dict[str, Any],
    reused: set[tuple[str, str]],
    materialised: dict[tuple[str, str, str], str],
) -> dict[str, str]:
    """The temp tables holding the rule's shared relations that other chosen rules read
    too (duplicate_sale and sold_at_multiple_entities aggregate the same sales), each
    computed once per scope of the events (an incremental run narrows them per scope)."""
    tables = {}
    for name in rule.shares:
        sql = rule_defs.SHARED[name](config[rule.name])
        if (name, sql) not in reused:
            continue
        key = (name, sql, rule.scope)
        if key not in materialised:
            table = f"_shared_{name}_{len(materialised)}"
            con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {sql}")
            materialised[key] = table
        tables[name] = materialised[key]
    return tables


def sort_rows(table: pa.Table) -> pa.Table:
    return table.sort_by([(c, "ascending") for c in rule_defs.OUTPUT_COLUMNS])


def write_csv(table: pa.Table, target: str | os.PathLike[str] | Any) -> None:
    """``rule,code,entity,time,detail``; time in ISO 8601 with the +08:00 offset."""
    tz = zoneinfo.ZoneInfo(TIME_ZONE)
    if isinstance(target, str | os.PathLike):
        with Path(target).open("w", newline="", encoding="utf-8-sig") as fh:
            write_csv(table, fh)
        return
    writer = csv.writer(target)
    writer.writerow(rule_defs.OUTPUT_COLUMNS)
    for row in sort_rows(table).to_pylist():
        when = row["time"]
        writer.writerow(
            [
                row["rule"],
                row["code"],
                row["entity"] or "",
                when.astimezone(tz).isoformat() if isinstance(when, dt.datetime) else "",
                row["detail"],
            ]
        )


def merge_sql(touched_codes: str, touched_entities: str, replaced: Iterable[str]) -> str:
    """Stored rows that the incremental run did not re-examine."""
    by_code = [r.name for r in rule_defs.RULES.values() if r.scope == "code" and r.name in replaced]
    by_entity = [
        r.name for r in rule_defs.RULES.values() if r.scope == "entity" and r.name in replaced
    ]
    return f"""
SELECT * FROM anomalies a
WHERE NOT (a.rule IN {rule_defs.in_list(by_code)}
           AND a.code IN (SELECT code FROM {touched_codes}))
  AND NOT (a.rule IN {rule_defs.in_list(by_entity)}
           AND a.entity IN (SELECT entity FROM {touched_entities}))
"""


def full_run(
    store: Store,
    names: Iterable[str] | None = None,
    config: dict[str, Any] | None = None,
    threads: int | None = None,
) -> tuple[pa.Table, list[str]]:
    con = store.connect(threads=threads)
    try:
        return run(con, names, config, store.has_registry())
    finally:
        con.close()


def refresh_stored(store: Store, config: dict[str, Any] | None = None) -> pa.Table:
    """Re-run every rule over the whole store and replace the stored anomaly set (after a
    change of the registry or of the rule parameters)."""
    with store.writing() as txn:
        con = store.connect(txn.base)
        try:
            table, _skipped = run(con, None, config, store.has_registry())
        finally:
            con.close()
        table = sort_rows(table)
        path = txn.tmp / "anomalies.parquet"
        pq.write_table(table, path)
        txn.commit(anomalies=path)
    return table


def incremental(
    store: Store, txn: Any, new_parts: dict[str, list[str]], config: dict[str, Any] | None = None
) -> Path:
    """The anomaly set after this transaction's new parts, as a Parquet file under tmp/:
    rows of touched units/entities recomputed, every other stored row kept."""
    from yaoan.analytics.trace.store import attach_view

    con = store.connect(txn.base)
    try:
        for table in ("events", "links", "sensors"):
            attach_view(con, table, txn.staged_paths(table))
        new_events = new_parts.get("events", [])
        new_sensors = new_parts.get("sensors", [])
        _relation(con, "_new_events", "events", new_events)
        _relation(con, "_new_sensors", "sensors", new_sensors)
        con.execute(
            "CREATE TEMP TABLE _touched_codes AS SELECT DISTINCT code, unit FROM _new_events "
            "UNION SELECT DISTINCT code, unit FROM _new_sensors WHERE code IS NOT NULL"
        )
        con.execute(
            "CREATE TEMP TABLE _touched_entities AS "
            "SELECT DISTINCT entity FROM _new_events WHERE entity IS NOT NULL"
        )
        fresh, skipped = run(
            con,
            None,
            config,
            store.has_registry(),
            touched={"unit": "_touched_codes", "entity": "_touched_entities"},
        )
        replaced = [r for r in rule_defs.RULES if r not in skipped]
        con.register("_fresh", fresh)
        path = txn.tmp / "anomalies.parquet"
        con.execute(
            f"COPY (SELECT * FROM ({merge_sql('_touched_codes', '_touched_entities', replaced)}) "
            f"UNION ALL SELECT * FROM _fresh ORDER BY rule, code, entity, time) "
            f"TO {_quote(str(path))} (FORMAT parquet)"
        )
        return path
    finally:
        con.close()


def _relation(con: Any, name: str, table: str, paths: list[str]) -> None:
    from yaoan.analytics.trace.store import empty_select

    if paths:
        listed = ", ".join(_quote(p) for p in paths)
        con.execute(f"CREATE TEMP VIEW {name} AS SELECT * FROM read_parquet([{listed}])")
    else:
        con.execute(f"CREATE TEMP VIEW {name} AS {empty_select(table)}")
