# ruff: noqa: S608 - SQL built from the rule definitions and configuration
"""The anomaly rules on Apache Spark: the same SQL text (the rules package, Spark dialect) over the
same Parquet files, for stores beyond one machine.

The master is ``master`` if given, else $YAOAN_SPARK_MASTER, else the one spark-submit
set, else ``local[2]``. On a cluster every executor must read the store's files, so the
store lives on shared storage (HDFS, S3, NFS) and paths are URLs Spark can open; the
manifest still says which files make up the store (docs/trace.md, "Scale-out").
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pyarrow as pa

from yaoan.analytics.trace import config as rule_config
from yaoan.analytics.trace import rules as rule_defs
from yaoan.analytics.trace.store import SCHEMAS, Store, arrow_schema

MASTER_ENV = "YAOAN_SPARK_MASTER"
CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.sql.shuffle.partitions": "8",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.ansi.enabled": "false",
}
SPARK_TYPES = {
    "VARCHAR": "STRING",
    "TIMESTAMPTZ": "TIMESTAMP",
    "DATE": "DATE",
    "DOUBLE": "DOUBLE",
    "BIGINT": "BIGINT",
    "BOOLEAN": "BOOLEAN",
}


def session(master: str | None = None, conf: Mapping[str, str] | None = None) -> Any:
    """The active SparkSession or a new one; ``conf`` adds to or overrides CONF."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("yaoan-trace")
    chosen = master or os.environ.get(MASTER_ENV)
    if chosen:
        builder = builder.master(chosen)
    elif "PYSPARK_GATEWAY_PORT" not in os.environ:  # not launched by spark-submit
        builder = builder.master("local[2]")
    for key, value in {**CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def _ddl(table: str) -> str:
    return ", ".join(f"{name} {SPARK_TYPES[kind]}" for name, kind in SCHEMAS[table].items())


def register(spark: Any, paths: Mapping[str, Sequence[str]]) -> None:
    """One temp view per table over its Parquet files (an empty view when it has none)."""
    for table in ("events", "sensors", "entities", "licences", "products"):
        files = list(paths.get(table, []))
        if files:
            df = spark.read.parquet(*files)
            cols = [f"CAST({n} AS {SPARK_TYPES[k]}) AS {n}" for n, k in SCHEMAS[table].items()]
            df = df.selectExpr(*cols)
        else:
            df = spark.createDataFrame([], _ddl(table))
        df.createOrReplaceTempView(table)


def run(
    spark: Any,
    names: Iterable[str] | None = None,
    config: dict[str, Any] | None = None,
    has_registry: bool = True,
) -> tuple[pa.Table, list[str]]:
    """The chosen rules over the registered views, as one Arrow table (time in UTC)."""
    config = config or rule_config.load()
    chosen = rule_defs.select(names)
    skipped = [r.name for r in chosen if r.needs_registry and not has_registry]
    queries = [
        f"SELECT * FROM ({rule_defs.render(rule, config, rule_defs.SPARK)}) AS {rule.name}"
        for rule in chosen
        if rule.name not in skipped
    ]
    if not queries:
        return arrow_schema("anomalies").empty_table(), skipped
    # one job for all the rules: Spark plans and schedules them together
    return _to_arrow(spark.sql("\nUNION ALL\n".join(queries))), skipped


def _to_arrow(df: Any) -> pa.Table:
    schema = arrow_schema("anomalies")
    table = df.toArrow() if hasattr(df, "toArrow") else None
    if table is None:
        return pa.Table.from_pylist([r.asDict() for r in df.collect()], schema=schema)
    return table.select(list(rule_defs.OUTPUT_COLUMNS)).cast(schema)


def run_store(
    store: Store,
    names: Iterable[str] | None = None,
    config: dict[str, Any] | None = None,
    master: str | None = None,
) -> tuple[pa.Table, list[str]]:
    """Every rule on Spark over a store's files (local paths or shared-storage URLs)."""
    spark = session(master)
    manifest = store.manifest()
    register(spark, {t: store.paths(t, manifest) for t in SCHEMAS})
    return run(spark, names, config, store.has_registry())
