# ruff: noqa: S608 - SQL built from fixed schemas, configuration and quoted literals
"""The SQL checks in DuckDB: every row of a file read by DuckDB's CSV reader, or the rows
the columnar pass set aside. The valid rows get their values, the others their reason
for the rejects file."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from yaoan.analytics.trace import codes, units
from yaoan.analytics.trace.ingest_csv.spec import (
    COLUMNS,
    EVENTS,
    NEEDS_COUNTERPARTY,
    REJECT_COLUMNS,
    CsvFileError,
    Job,
    Progress,
    latest_time,
)
from yaoan.analytics.trace.store import Transaction, _quote


def load_duckdb(job: Job) -> tuple[int, int, Path | None, list[tuple[Path, int]]]:
    """The whole file through DuckDB's CSV reader and the SQL checks."""
    src = (
        f"read_csv({_quote(str(job.path))}, header=true, all_varchar=true, delim=',', "
        "quote='\"', store_rejects=true, auto_detect=false, columns={"
        + ", ".join(f"'{c}': 'VARCHAR'" for c in job.names)
        + "})"
    )
    job.progress("扫描追溯码与单位代码…")
    try:
        written, bad, reject_file = checked_load(
            job, src, "row_number() OVER ()", job.part, job.progress
        )
    except duckdb.Error as exc:  # quoting or line structure the CSV reader cannot follow
        first = str(exc).splitlines()[0]
        raise CsvFileError(f"CSV 文件无法解析（{first}）") from exc
    return written, bad, reject_file, [(job.part, written)]


def checked_load(
    job: Job,
    src: str,
    number: str,
    part: Path,
    progress: Progress,
    malformed_lines: bool = True,
) -> tuple[int, int, Path | None]:
    """The rows of ``src`` checked in SQL: the valid ones written to ``part``, the others
    with their reasons to the rejects file. ``number`` numbers the data records."""
    con, txn, digest = job.con, job.txn, job.digest
    total, code_table, bad_parties = _verdicts(con, src)
    code_table = _with_units(con, txn, digest, code_table)
    con.register("code_verdicts", code_table)
    odd = code_table.num_rows > 0
    sql = _checked_sql(src, job.now, job.check_products, bad_parties, odd)
    con.execute(f"CREATE OR REPLACE TEMP VIEW checked AS {sql}")
    numbered = _checked_sql(src, job.now, job.check_products, bad_parties, odd, number=number)
    con.execute(f"CREATE OR REPLACE TEMP VIEW checked_numbered AS {numbered}")
    malformed = _malformed(con) if malformed_lines else []
    progress(f"校验并写入 {total} 行…")
    select = EVENT_SELECT.format(source=_quote(digest), drug20_unit=units.drug20_sql("code"))
    written = con.execute(
        f"COPY ({select}) TO {_quote(str(part))} (FORMAT parquet, ROW_GROUP_SIZE 1000000)"
    ).fetchall()[0][0]
    bad = total - int(written)
    reject_file = None
    if bad or malformed:
        reject_file = txn.reject_path(digest)
        _write_rejects(con, reject_file, malformed)
    return int(written), bad + len(malformed), reject_file


def _verdicts(con: Any, src: str) -> tuple[int, pa.Table, dict[str, str]]:
    """Row count, the codes Python must parse, and the party codes that are bad."""
    row = con.execute(
        f"""SELECT COUNT(*),
                   list(DISTINCT trim(code)) FILTER (
                       WHERE NOT regexp_full_match(trim(code), '{codes.DRUG20_SQL_PATTERN}')),
                   list(DISTINCT upper(trim(entity))),
                   list(DISTINCT upper(trim(counterparty)))
            FROM {src}"""
    ).fetchall()[0]
    total, odd_codes, ents, cps = row
    code_table = codes.parse_many(c for c in (odd_codes or []) if c is not None)
    parties = {p for p in [*(ents or []), *(cps or [])] if p}
    bad_parties = {p: problem for p in parties if (problem := codes.uscc_problem(p))}
    return int(total), code_table, bad_parties


def _party_problem(column: str, bad: dict[str, str]) -> str:
    """The reason a party code is bad, as a CASE over the few bad values (no join)."""
    if not bad:
        return "CAST(NULL AS VARCHAR)"
    whens = " ".join(f"WHEN {_quote(p)} THEN {_quote(reason)}" for p, reason in bad.items())
    return f"CASE {column} {whens} END"


def _checked_sql(
    src: str,
    now_utc: dt.datetime,
    check_products: bool,
    bad_parties: dict[str, str],
    odd_codes: bool,
    number: str = "CAST(0 AS BIGINT)",
) -> str:
    """Every row with its ``reason`` (NULL when valid). Numbering the rows of a CSV scan
    costs a single-threaded pass, so only the query that lists rejected rows asks for it.

    The columnar path (``Block``) accepts a row without these checks only when they
    would accept it unchanged: keep both in step."""
    events = ", ".join(f"'{e}'" for e in EVENTS)
    needs_cp = ", ".join(f"'{e}'" for e in NEEDS_COUNTERPARTY)
    latest = latest_time(now_utc).strftime("%Y-%m-%d %H:%M:%S+00")
    fast = f"regexp_full_match(code, '{codes.DRUG20_SQL_PATTERN}')"
    product_check = (
        f"WHEN {fast} AND substr(code, 1, 7) NOT IN (SELECT product_key FROM products) "
        "THEN 'code：追溯码的药品标识码' || substr(code, 1, 7) || '未在产品库登记'"
        if check_products
        else ""
    )
    # codes outside the 20-digit fast path take their verdict from Python (parse_many)
    odd_cols = ", ".join(
        f"c.{c} AS odd_{c}" if odd_codes else f"CAST(NULL AS {t}) AS odd_{c}"
        for c, t in (
            ("key", "VARCHAR"),
            ("unit", "BIGINT"),
            ("family", "VARCHAR"),
            ("product", "VARCHAR"),
            ("batch", "VARCHAR"),
            ("expiry", "DATE"),
            ("problem", "VARCHAR"),
        )
    )
    odd_join = "LEFT JOIN code_verdicts c ON c.raw = r.code" if odd_codes else ""
    return f"""
WITH r AS (
  SELECT {number} AS n,
         trim(code) AS code, lower(trim(event)) AS event,
         trim(time) AS time_text, upper(trim(entity)) AS entity,
         NULLIF(upper(trim(counterparty)), '') AS counterparty,
         NULLIF(trim(product), '') AS product, NULLIF(trim(batch), '') AS batch,
         NULLIF(trim(expiry), '') AS expiry_text, NULLIF(trim(quantity), '') AS quantity_text,
         code AS raw_code, event AS raw_event, time AS raw_time, entity AS raw_entity,
         counterparty AS raw_counterparty, product AS raw_product, batch AS raw_batch,
         expiry AS raw_expiry, quantity AS raw_quantity
  FROM {src}
), t AS (
  SELECT r.*, TRY_CAST(r.time_text AS TIMESTAMPTZ) AS ts, TRY_CAST(r.expiry_text AS DATE) AS exp,
         TRY_CAST(COALESCE(r.quantity_text, '1') AS DOUBLE) AS qty, {odd_cols},
         {_party_problem("r.entity", bad_parties)} AS entity_problem,
         {_party_problem("r.counterparty", bad_parties)} AS counterparty_problem
  FROM r {odd_join}
)
SELECT *,
  CASE
    WHEN code IS NULL OR code = '' THEN 'code：追溯码为空'
    WHEN odd_problem IS NOT NULL THEN 'code：' || odd_problem
    WHEN event IS NULL OR event NOT IN ({events})
      THEN 'event：事件类型“' || COALESCE(raw_event, '') || '”无效（应为 {"、".join(EVENTS)}）'
    WHEN ts IS NULL THEN 'time：“' || COALESCE(raw_time, '') || '”不是有效的 ISO 8601 时间'
    WHEN ts > TIMESTAMPTZ '{latest}' THEN 'time：时间“' || raw_time || '”晚于当前时间'
    WHEN entity IS NULL OR entity = '' THEN 'entity：统一社会信用代码为空'
    WHEN entity_problem IS NOT NULL THEN 'entity：' || entity_problem
    WHEN counterparty IS NULL AND event IN ({needs_cp})
      THEN 'counterparty：' || event || ' 事件须填写对方单位的统一社会信用代码'
    WHEN counterparty_problem IS NOT NULL THEN 'counterparty：' || counterparty_problem
    WHEN expiry_text IS NOT NULL AND exp IS NULL
      THEN 'expiry：“' || raw_expiry || '”不是有效日期（YYYY-MM-DD）'
    WHEN qty IS NULL OR qty <= 0 OR isnan(qty) OR isinf(qty)
      THEN 'quantity：“' || COALESCE(raw_quantity, '') || '”应为正数'
    {product_check}
  END AS reason
FROM t
"""


EVENT_SELECT = """
SELECT COALESCE(odd_key, code) AS code,
       CASE WHEN odd_key IS NULL THEN {drug20_unit} ELSE odd_unit END AS unit,
       CASE WHEN odd_key IS NULL THEN 'drug20' ELSE odd_family END AS family,
       event, ts AS time, CAST(ts AS DATE) AS day, entity, counterparty,
       COALESCE(product, odd_product, CASE WHEN odd_key IS NULL THEN substr(code, 1, 7) END)
         AS product,
       COALESCE(batch, odd_batch) AS batch, COALESCE(exp, odd_expiry) AS expiry,
       qty AS quantity, CAST(NULL AS VARCHAR) AS event_id, CAST(NULL AS VARCHAR) AS via,
       {source} AS source
FROM checked WHERE reason IS NULL
"""


def _with_units(con: Any, txn: Transaction, digest: str, code_table: pa.Table) -> pa.Table:
    """The unit key of each valid code outside the 20-digit fast path."""
    keys = code_table.column("key").to_pylist()
    assigned = units.assign(con, txn, digest, (k for k in keys if k))
    column = pa.array([assigned.get(k) if k else None for k in keys], pa.int64())
    return code_table.append_column("unit", column)


def _malformed(con: Any) -> list[tuple[int, str, str]]:
    """Lines DuckDB could not split into the columns (wrong count, bad quoting)."""
    try:
        rows = con.execute(
            # every scan of the file appends its errors again: one row per line
            "SELECT line, min(error_message), min(csv_line) FROM reject_errors "
            "GROUP BY line ORDER BY line"
        ).fetchall()
    except Exception:  # no rejects table when nothing was rejected
        return []
    return [(int(line), str(msg), str(text or "")) for line, msg, text in rows]


def _write_rejects(con: Any, path: Path, malformed: list[tuple[int, str, str]]) -> None:
    rows = con.execute(
        f"""SELECT n, reason, {", ".join("raw_" + c for c in COLUMNS)}
            FROM checked_numbered WHERE reason IS NOT NULL ORDER BY n"""
    ).fetchall()
    bad_lines = [line for line, _m, _t in malformed]
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(REJECT_COLUMNS)
        for line, message, text in malformed:
            writer.writerow([line, f"第{line}行无法按列拆分：{message}", text])
        for n, reason, *raw in rows:
            writer.writerow([_line_of(int(n), bad_lines), reason, *raw])


def _line_of(n: int, bad_lines: list[int]) -> int:
    """The file line of the n-th parsed record: header is line 1, skipped lines shift it."""
    line = n + 1
    for bad in bad_lines:
        if bad <= line:
            line += 1
    return line
