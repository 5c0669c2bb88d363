"""The same counting on Apache Spark, for report sets beyond one machine.

Gives the same integer counts as ``counting`` (DuckDB) and the same stratified E (each
pair's per-stratum terms summed as a left fold in ascending order), so N and E are
identical. Local mode by default (``local[2]``); under ``spark-submit`` the master comes
from spark-submit; ``master`` (``--spark-master``) overrides both.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyarrow as pa

from yaoan.analytics.signals.counting import (
    Columns,
    InputError,
    PairCounts,
    assemble,
    check_input_file,
    is_parquet,
)

LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.sql.shuffle.partitions": "8",
    "spark.sql.session.timeZone": "UTC",
}


def session(master: str | None = None) -> Any:
    """The active SparkSession, or a new one (local[2] unless under spark-submit)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("yaoan-signals")
    if master:
        builder = builder.master(master)
    elif "PYSPARK_GATEWAY_PORT" not in os.environ:  # not launched by spark-submit
        builder = builder.master("local[2]")
    for key, value in LOCAL_CONF.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def read(spark: Any, path: str) -> Any:
    """A DataFrame over a CSV (header, every column as text) or Parquet file."""
    local = Path(path)
    if "://" not in path:
        check_input_file(local)
        parquet = is_parquet(local)
    else:
        parquet = path.lower().endswith((".parquet", ".pq"))
    if parquet:
        return spark.read.parquet(path)
    return spark.read.option("header", "true").option("inferSchema", "false").csv(path)


def _rows(df: Any, columns: Columns) -> Any:
    from pyspark.sql import functions as F

    missing = [c for c in columns.all() if c not in df.columns]
    if missing:
        raise InputError(
            "missing column(s) / 缺少列: "
            + ", ".join(missing)
            + " (columns present / 现有列: "
            + ", ".join(df.columns)
            + ")"
        )
    select = [
        F.col(columns.report_id).alias("id"),
        F.col(columns.drug).cast("string").alias("drug"),
        F.col(columns.event).cast("string").alias("event"),
        *(F.col(c).cast("string").alias(f"s{i}") for i, c in enumerate(columns.strata)),
    ]
    rows = df.select(*select).distinct()
    names = rows.columns
    checks = rows.agg(
        F.count(F.lit(1)).alias("rows"),
        *(F.sum(F.col(n).isNull().cast("long")).alias(n) for n in names),
    ).collect()[0]
    bad = [
        f"{label} ({checks[n]})" for label, n in zip(columns.all(), names, strict=True) if checks[n]
    ]
    if bad:
        raise InputError("empty values in column(s) / 列中有空值: " + ", ".join(bad))
    if checks["rows"] == 0:
        raise InputError("input has no data rows / 输入文件没有数据行")
    return rows


def _stratified_e(rows: Any, n_strata: int) -> Any:
    from pyspark.sql import functions as F

    strata = [f"s{i}" for i in range(n_strata)]
    md = rows.groupBy("drug", *strata).agg(F.countDistinct("id").alias("kd"))
    me = rows.groupBy("event", *strata).agg(F.countDistinct("id").alias("ke"))
    mt = rows.groupBy(*strata).agg(F.countDistinct("id").alias("kt"))
    pairs = rows.select("drug", "event").distinct()
    terms = (
        pairs.join(md, "drug")
        .join(me, ["event", *strata])
        .join(mt, strata)
        .select(
            "drug",
            "event",
            ((F.col("kd") * F.col("ke")).cast("double") / F.col("kt").cast("double")).alias("t"),
        )
    )
    return terms.groupBy("drug", "event").agg(
        F.aggregate(
            F.array_sort(F.collect_list("t")), F.lit(0.0).cast("double"), lambda acc, x: acc + x
        ).alias("e")
    )


def count_dataframe(df: Any, columns: Columns) -> PairCounts:
    """Count pairs in a Spark DataFrame of report-drug-event rows."""
    from pyspark.sql import functions as F

    rows = _rows(df, columns).cache()
    d = rows.select("id", "drug", "event").distinct() if columns.strata else rows
    pairs = d.groupBy("drug", "event").agg(F.count(F.lit(1)).alias("n"))
    nd = d.groupBy("drug").agg(F.countDistinct("id").alias("n_drug"))
    ne = d.groupBy("event").agg(F.countDistinct("id").alias("n_event"))
    table = pairs.join(nd, "drug").join(ne, "event")
    if columns.strata:
        table = table.join(_stratified_e(rows, len(columns.strata)), ["drug", "event"])
    n_total = int(d.select("id").distinct().count())
    result = _to_arrow(
        table.select("drug", "event", "n", "n_drug", "n_event", *(["e"] if columns.strata else []))
    )
    result = result.sort_by([("drug", "ascending"), ("event", "ascending")])
    rows.unpersist()
    e = result.column("e").to_numpy() if columns.strata else None
    return assemble(result, n_total, e)


def _to_arrow(df: Any) -> pa.Table:
    if hasattr(df, "toArrow"):
        return df.toArrow()
    records = [row.asDict() for row in df.collect()]
    return pa.Table.from_pylist(records)


def count_file(
    path: str | os.PathLike[str], columns: Columns | None = None, master: str | None = None
) -> PairCounts:
    """Count pairs in a CSV or Parquet file (local path or a URL Spark can read)."""
    spark = session(master)
    return count_dataframe(read(spark, os.fspath(path)), columns or Columns())
