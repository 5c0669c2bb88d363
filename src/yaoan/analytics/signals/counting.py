# SQL here is assembled from quoted identifiers and fixed internal names only.
# ruff: noqa: S608
"""Counting drug-event pairs over report-drug-event rows, on DuckDB.

Follows openEBGM's ``processRaw`` (Canida & Ihrie 2017, R/f_transformInput.R) with
distinct report ids:

- N: distinct reports naming both the drug and the event (duplicate rows count once);
- n_drug, n_event: distinct reports naming the drug / the event; n_total: distinct reports;
- E = n_drug * n_event / n_total, or with stratification
  E = sum over strata s of n_drug,s * n_event,s / n_total,s (each a distinct-report count
  within the stratum), summed over the strata where both occur.

Every engine returns integer counts, and the unstratified E is computed from them here,
so DuckDB and Spark give identical N and E. The stratified E is summed by each engine as
a left fold over the per-stratum terms sorted ascending, which is order-independent and
therefore also identical across engines.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

DEFAULT_ID_COL = "report_id"
DEFAULT_DRUG_COL = "drug"
DEFAULT_EVENT_COL = "event"


class InputError(Exception):
    """The input cannot be counted: missing file or columns, empty, unreadable."""


@dataclass(frozen=True)
class Columns:
    """Which input columns hold the report id, the drug, the event and the strata."""

    report_id: str = DEFAULT_ID_COL
    drug: str = DEFAULT_DRUG_COL
    event: str = DEFAULT_EVENT_COL
    strata: tuple[str, ...] = ()

    def all(self) -> tuple[str, ...]:
        return (self.report_id, self.drug, self.event, *self.strata)


@dataclass(frozen=True)
class PairCounts:
    """One entry per drug-event pair seen, sorted by drug then event."""

    drug: pa.Array
    event: pa.Array
    n: NDArray[np.int64]
    e: NDArray[np.float64]
    n_drug: NDArray[np.int64]
    n_event: NDArray[np.int64]
    n_total: int

    @property
    def size(self) -> int:
        return int(self.n.shape[0])


def quote(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def is_parquet(path: Path) -> bool:
    """Parquet by extension or by its magic bytes; anything else is read as CSV."""
    if path.suffix.lower() in {".parquet", ".pq"}:
        return True
    with path.open("rb") as fh:
        return fh.read(4) == b"PAR1"


def check_input_file(path: Path) -> None:
    """Raise InputError for a missing, unreadable or zero-byte input."""
    if not path.exists():
        raise InputError(f"input file not found / 输入文件不存在: {path}")
    if not path.is_file():
        raise InputError(f"input is not a file / 输入不是文件: {path}")
    if path.stat().st_size == 0:
        raise InputError(f"input file is empty / 输入文件为空: {path}")


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a memory cap (YAOAN_DUCKDB_MEMORY, default 2GB)."""
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{os.environ.get('YAOAN_DUCKDB_MEMORY', '2GB')}'").fetchall()
    con.execute("SET preserve_insertion_order = false").fetchall()
    return con


def open_source(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Create the view ``src`` over a CSV (all columns as text) or Parquet file."""
    check_input_file(path)
    literal = "'" + str(path).replace("'", "''") + "'"
    if is_parquet(path):
        reader = f"read_parquet({literal})"
    else:
        reader = f"read_csv({literal}, header = true, all_varchar = true)"
    try:
        con.execute(f"CREATE OR REPLACE TEMP VIEW src AS SELECT * FROM {reader}").fetchall()
        con.execute("SELECT * FROM src LIMIT 0").fetchall()
    except duckdb.Error as exc:
        raise InputError(f"cannot read input / 无法读取输入文件 {path}: {exc}") from exc


def check_columns(con: duckdb.DuckDBPyConnection, columns: Columns, source: str = "src") -> None:
    """Raise InputError naming every required column the source lacks."""
    present = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
    missing = [c for c in columns.all() if c not in present]
    if missing:
        raise InputError(
            "missing column(s) / 缺少列: "
            + ", ".join(missing)
            + " (columns present / 现有列: "
            + ", ".join(present)
            + ")"
        )


def _materialise_rows(con: duckdb.DuckDBPyConnection, columns: Columns, source: str) -> int:
    """Distinct report-drug-event(-strata) rows into table ``b``; returns their count."""
    select = [
        f"{quote(columns.report_id)} AS id",
        f"CAST({quote(columns.drug)} AS VARCHAR) AS drug",
        f"CAST({quote(columns.event)} AS VARCHAR) AS event",
        *(f"CAST({quote(c)} AS VARCHAR) AS s{i}" for i, c in enumerate(columns.strata)),
    ]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE b AS SELECT DISTINCT {', '.join(select)} FROM {source}"
    ).fetchall()
    names = ["id", "drug", "event", *(f"s{i}" for i in range(len(columns.strata)))]
    nulls = ", ".join(f"count(*) FILTER (WHERE {n} IS NULL)" for n in names)
    row = con.execute(f"SELECT count(*), {nulls} FROM b").fetchall()[0]
    assert row is not None
    labels = columns.all()
    bad = [f"{labels[i]} ({row[i + 1]})" for i in range(len(names)) if row[i + 1]]
    if bad:
        raise InputError("empty values in column(s) / 列中有空值: " + ", ".join(bad))
    if row[0] == 0:
        raise InputError("input has no data rows / 输入文件没有数据行")
    return int(row[0])


def _pair_query(stratified: bool) -> str:
    base = "(SELECT DISTINCT id, drug, event FROM b)" if stratified else "(SELECT * FROM b)"
    return f"""
        WITH d AS {base},
        p AS (SELECT drug, event, count(*) AS n FROM d GROUP BY drug, event),
        nd AS (SELECT drug, count(DISTINCT id) AS n_drug FROM d GROUP BY drug),
        ne AS (SELECT event, count(DISTINCT id) AS n_event FROM d GROUP BY event)
        SELECT p.drug, p.event, p.n, nd.n_drug, ne.n_event
        FROM p JOIN nd USING (drug) JOIN ne USING (event)
    """


def _stratified_e_query(n_strata: int) -> str:
    cols = ", ".join(f"s{i}" for i in range(n_strata))
    on_e = " AND ".join(f"me.s{i} = md.s{i}" for i in range(n_strata))
    on_t = " AND ".join(f"mt.s{i} = md.s{i}" for i in range(n_strata))
    return f"""
        WITH md AS (SELECT drug, {cols}, count(DISTINCT id) AS k FROM b GROUP BY ALL),
        me AS (SELECT event, {cols}, count(DISTINCT id) AS k FROM b GROUP BY ALL),
        mt AS (SELECT {cols}, count(DISTINCT id) AS k FROM b GROUP BY ALL),
        terms AS (
            SELECT pr.drug, pr.event,
                   CAST(md.k * me.k AS DOUBLE) / CAST(mt.k AS DOUBLE) AS term
            FROM (SELECT DISTINCT drug, event FROM b) pr
            JOIN md ON md.drug = pr.drug
            JOIN me ON me.event = pr.event AND {on_e}
            JOIN mt ON {on_t}
        )
        SELECT drug, event,
               list_reduce(list_sort(list(term)), lambda acc, x: acc + x) AS e
        FROM terms GROUP BY drug, event
    """


def count_table(
    con: duckdb.DuckDBPyConnection, columns: Columns, source: str = "src"
) -> PairCounts:
    """Count pairs in a DuckDB relation or view named ``source``."""
    check_columns(con, columns, source)
    _materialise_rows(con, columns, source)
    stratified = bool(columns.strata)
    n_total = con.execute("SELECT count(DISTINCT id) FROM b").fetchall()[0]
    assert n_total is not None
    query = f"SELECT * FROM ({_pair_query(stratified)}) q"
    if stratified:
        query = (
            f"SELECT q.*, se.e FROM ({_pair_query(True)}) q "
            f"JOIN ({_stratified_e_query(len(columns.strata))}) se USING (drug, event)"
        )
    table = con.sql(query + " ORDER BY drug, event").to_arrow_table()
    e = table.column("e").to_numpy() if stratified else None
    return assemble(table, int(n_total[0]), e)


def assemble(table: pa.Table, n_total: int, e: NDArray[np.float64] | None) -> PairCounts:
    """PairCounts from an engine's sorted pair table (drug, event, n, n_drug, n_event)."""
    n = table.column("n").to_numpy().astype(np.int64)
    n_drug = table.column("n_drug").to_numpy().astype(np.int64)
    n_event = table.column("n_event").to_numpy().astype(np.int64)
    if e is None:
        e = (n_drug * n_event).astype(np.float64) / float(n_total)
    return PairCounts(
        drug=table.column("drug").combine_chunks(),
        event=table.column("event").combine_chunks(),
        n=n,
        e=np.asarray(e, dtype=np.float64),
        n_drug=n_drug,
        n_event=n_event,
        n_total=n_total,
    )


def count_file(path: str | os.PathLike[str], columns: Columns | None = None) -> PairCounts:
    """Count pairs in a CSV or Parquet file of report-drug-event rows."""
    con = connect()
    try:
        open_source(con, Path(path))
        return count_table(con, columns or Columns())
    finally:
        con.close()


def strata_from_text(text: str | None) -> tuple[str, ...]:
    """``"sex,age_band"`` -> ("sex", "age_band"); blanks dropped."""
    if not text:
        return ()
    return tuple(part.strip() for part in text.split(",") if part.strip())


def ensure_sequence(value: Sequence[str] | str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return strata_from_text(value)
    return tuple(value)
