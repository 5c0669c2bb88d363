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
import pyarrow.compute as pc
from numpy.typing import NDArray

DEFAULT_ID_COL = "report_id"
DEFAULT_DRUG_COL = "drug"
DEFAULT_EVENT_COL = "event"
# Pairs are counted with one counter per possible drug-event pair (np.bincount) when there
# are at most this many times as many possible pairs as rows, or at most _MIN; else sorted.
PAIR_BINCOUNT_FACTOR = 4
PAIR_BINCOUNT_MIN = 1 << 22


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
    con.execute("SET enable_progress_bar = false").fetchall()
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


def _make_dictionaries(
    con: duckdb.DuckDBPyConnection, columns: Columns, source: str
) -> tuple[str, str]:
    """Tables ``dd(name, di)`` and ``de(name, ei)``: every drug / event name with an
    integer code, codes numbered in the names' sort order (so sorting by code sorts by
    name). Returns the quoted drug and event column names."""
    drug, event = quote(columns.drug), quote(columns.event)
    for table, col, code in (("dd", drug, "di"), ("de", event, "ei")):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT name, "
            f"CAST(row_number() OVER (ORDER BY name) - 1 AS INTEGER) AS {code} "
            f"FROM (SELECT DISTINCT CAST({col} AS VARCHAR) AS name FROM {source} "
            f"WHERE {col} IS NOT NULL)"
        ).fetchall()
    return drug, event


def _names(con: duckdb.DuckDBPyConnection) -> tuple[pa.Array, pa.Array]:
    """Drug and event names indexed by their codes."""
    return (
        con.sql("SELECT name FROM dd ORDER BY di").to_arrow_table()["name"].combine_chunks(),
        con.sql("SELECT name FROM de ORDER BY ei").to_arrow_table()["name"].combine_chunks(),
    )


def _report_codes(ids: pa.ChunkedArray) -> NDArray[np.int64]:
    """Report ids as small non-negative integers (equal ids, equal codes)."""
    if pa.types.is_integer(ids.type):
        values = ids.to_numpy().astype(np.int64, copy=False)
        low, high = int(values.min()), int(values.max())
        if high - low < max(4 * values.size, 1 << 20):
            return values - low
        return np.unique(values, return_inverse=True)[1].astype(np.int64)  # sparse ids
    values = ids.combine_chunks()
    try:
        encoded = pc.dictionary_encode(values)
    except pa.ArrowNotImplementedError:  # a type Arrow cannot hash: compare as text
        encoded = pc.dictionary_encode(pc.cast(values, pa.string()))
    return encoded.indices.to_numpy().astype(np.int64)


def _sorted_distinct(values: NDArray[np.int64]) -> NDArray[np.int64]:
    """Sorted distinct values (a sort and a scan: faster than np.unique's hashing)."""
    values = np.sort(values)
    return values[_run_starts(values)]


def _run_starts(sorted_keys: NDArray[np.int64]) -> NDArray[np.intp]:
    """Positions where a run of equal values starts in a sorted array."""
    if sorted_keys.size == 0:
        return np.zeros(0, dtype=np.intp)
    return np.concatenate(([0], np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1))


def _count_coded(
    con: duckdb.DuckDBPyConnection, columns: Columns, source: str
) -> PairCounts | None:
    """Unstratified counts: DuckDB reads the rows and replaces names by integer codes,
    NumPy removes duplicate report-drug-event rows and counts with sorts of packed
    64-bit keys (report, drug, event). None if the keys could overflow."""
    drug, event = _make_dictionaries(con, columns, source)
    rows = con.sql(
        f"SELECT {quote(columns.report_id)} AS id, dd.di, de.ei FROM {source} "
        f"LEFT JOIN dd ON dd.name = CAST({source}.{drug} AS VARCHAR) "
        f"LEFT JOIN de ON de.name = CAST({source}.{event} AS VARCHAR)"
    ).to_arrow_table()
    bad = [
        f"{label} ({rows.column(i).null_count})"
        for i, label in enumerate((columns.report_id, columns.drug, columns.event))
        if rows.column(i).null_count
    ]
    if bad:
        raise InputError("empty values in column(s) / 列中有空值: " + ", ".join(bad))
    if rows.num_rows == 0:
        raise InputError("input has no data rows / 输入文件没有数据行")
    report = _report_codes(rows.column("id"))
    n_events = int(con.execute("SELECT count(*) FROM de").fetchall()[0][0])
    n_drugs = int(con.execute("SELECT count(*) FROM dd").fetchall()[0][0])
    if (int(report.max()) + 1) * n_drugs * n_events >= 2**62:
        return None
    di = rows.column("di").to_numpy().astype(np.int64)
    ei = rows.column("ei").to_numpy().astype(np.int64)
    del rows
    # distinct (report, drug, event), sorted by report, then drug, then event
    keys = _sorted_distinct((report * n_drugs + di) * n_events + ei)
    del report, di, ei
    pair_key = keys % (n_drugs * n_events)  # drug * n_events + event
    report_drug = keys // n_events  # sorted: distinct (report, drug) are its runs
    n_drug = np.bincount(report_drug[_run_starts(report_drug)] % n_drugs, minlength=n_drugs)
    del report_drug
    report_event = _sorted_distinct(keys // (n_drugs * n_events) * n_events + keys % n_events)
    n_event = np.bincount(report_event % n_events, minlength=n_events)
    del report_event
    reports = keys // (n_drugs * n_events)
    n_total = int(_run_starts(reports).size)
    del reports, keys
    possible = n_drugs * n_events
    if possible <= PAIR_BINCOUNT_FACTOR * pair_key.size or possible <= PAIR_BINCOUNT_MIN:
        # few possible pairs: a count per possible pair instead of a sort
        per_pair = np.bincount(pair_key, minlength=possible)
        seen = np.flatnonzero(per_pair)
        n = per_pair[seen].astype(np.int64)
    else:  # many possible pairs: sort
        pair_key.sort()
        starts = _run_starts(pair_key)
        n = np.diff(np.append(starts, pair_key.size)).astype(np.int64)
        seen = pair_key[starts]
    pair_drug, pair_event = np.divmod(seen, n_events)
    drug_names, event_names = _names(con)
    return PairCounts(
        drug=drug_names.take(pa.array(pair_drug)),
        event=event_names.take(pa.array(pair_event)),
        n=n,
        e=(n_drug[pair_drug] * n_event[pair_event]).astype(np.float64) / float(n_total),
        n_drug=n_drug[pair_drug].astype(np.int64),
        n_event=n_event[pair_event].astype(np.int64),
        n_total=n_total,
    )


def _materialise_rows(con: duckdb.DuckDBPyConnection, columns: Columns, source: str) -> int:
    """Distinct report-drug-event(-strata) rows into table ``b``; returns their count.

    Drug and event names are replaced early by integer codes numbered in sort order
    (tables ``dd`` and ``de``), so the DISTINCT, the group-bys and the final sort all run
    on integers; the names are joined back once per pair at the end.
    """
    drug, event = _make_dictionaries(con, columns, source)
    select = [
        f"{quote(columns.report_id)} AS id",
        "dd.di AS drug",
        "de.ei AS event",
        *(f"CAST({quote(c)} AS VARCHAR) AS s{i}" for i, c in enumerate(columns.strata)),
    ]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE b AS SELECT DISTINCT {', '.join(select)} FROM {source} "
        f"LEFT JOIN dd ON dd.name = CAST({source}.{drug} AS VARCHAR) "
        f"LEFT JOIN de ON de.name = CAST({source}.{event} AS VARCHAR)"
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
    """Per pair (integer codes): N, n_drug, n_event. n_drug counts the distinct
    (report, drug) combinations, n_event the distinct (report, event) ones."""
    base = "(SELECT DISTINCT id, drug, event FROM b)" if stratified else "b"
    return f"""
        WITH p AS (SELECT drug, event, count(*) AS n FROM {base} GROUP BY drug, event),
        nd AS (SELECT drug, count(*) AS n_drug
               FROM (SELECT DISTINCT id, drug FROM b) GROUP BY drug),
        ne AS (SELECT event, count(*) AS n_event
               FROM (SELECT DISTINCT id, event FROM b) GROUP BY event)
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
    stratified = bool(columns.strata)
    if not stratified:
        counts = _count_coded(con, columns, source)
        if counts is not None:
            return counts
    _materialise_rows(con, columns, source)
    n_total = con.execute("SELECT count(*) FROM (SELECT DISTINCT id FROM b)").fetchall()[0]
    assert n_total is not None
    query = f"SELECT q.* FROM ({_pair_query(stratified)}) q"
    if stratified:
        query = (
            f"SELECT q.*, se.e FROM ({_pair_query(True)}) q "
            f"JOIN ({_stratified_e_query(len(columns.strata))}) se USING (drug, event)"
        )
    coded = con.sql(query + " ORDER BY drug, event").to_arrow_table()
    drug_names, event_names = _names(con)
    table = coded.set_column(
        0, "drug", drug_names.take(coded.column("drug").combine_chunks())
    ).set_column(1, "event", event_names.take(coded.column("event").combine_chunks()))
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
