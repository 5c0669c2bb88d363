# ruff: noqa: S608 - SQL built from fixed schemas, configuration and quoted literals
"""CSV trace events → Parquet, validated in bulk.

Header ``code,event,time,entity,counterparty,product,batch,expiry,quantity`` (any order).

One pass over the file (``_load_columnar``): Arrow's CSV reader cuts it into blocks of raw
bytes; each block is checked with vectorised tests that accept only rows the SQL checks
below would accept unchanged — a 20-digit code (its integer key and product identifier
computed from the digits, the identifier looked up in the registry snapshot), a plain ISO
8601 time (no zone = Asia/Shanghai), and for the other columns the verdict on each
*distinct* value of the block (event, parties with their check character, expiry,
quantity, product and batch), judged once in Python. Those rows go straight to a Parquet
part from a writer thread. Every other row — an odd code (GS1, MA, enterprise, judged by
``codes.parse_many``), anything to trim or reject — keeps its record number and goes
through the SQL checks in DuckDB (``_checked_sql``), which give the valid ones their
values and the others their reason, for the rejects file.

Files the bytewise reader would read differently from DuckDB's CSV reader (a quote out
of place, a quoted separator or line break, mixed line ends, a wrong column count, bytes
that are not UTF-8) are read again by DuckDB's reader: the whole file validated in SQL
(``_load_duckdb``, two scans plus a third for the rejects), so both ways give the same
events, rejects and reasons.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import math
import mmap
import queue
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from yaoan.analytics.trace import codes, units
from yaoan.analytics.trace.store import Transaction, _quote, arrow_schema

COLUMNS = (
    "code",
    "event",
    "time",
    "entity",
    "counterparty",
    "product",
    "batch",
    "expiry",
    "quantity",
)
EVENTS = ("receive", "ship", "sell", "dispense", "administer", "return", "destroy")
# events that move a unit between two businesses need the other party
NEEDS_COUNTERPARTY = ("receive", "ship", "return")
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
REJECT_COLUMNS = ("row", "reason", *COLUMNS)

Progress = Callable[[str], None]


class CsvFileError(ValueError):
    """The whole file is unusable (message in Chinese)."""


def check_header(first_line: str) -> None:
    names = [c.strip().strip('"').lower() for c in first_line.lstrip("\ufeff").split(",")]
    missing = [c for c in COLUMNS if c not in names]
    extra = [c for c in names if c not in COLUMNS]
    if missing or extra:
        detail = []
        if missing:
            detail.append("缺少列：" + "、".join(missing))
        if extra:
            detail.append("多余的列：" + "、".join(extra))
        raise CsvFileError("CSV 表头应为 " + ",".join(COLUMNS) + "（" + "；".join(detail) + "）")


def _header_order(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", errors="replace") as fh:
        line = fh.readline()
    return [c.strip().strip('"').lower() for c in line.split(",")]


def load(
    con: Any,
    path: Path,
    txn: Transaction,
    digest: str,
    strict: bool,
    check_products: bool,
    progress: Progress,
) -> tuple[int, int, Path | None]:
    """Load one CSV file into ``txn``; returns (events loaded, rows rejected, rejects file).
    In strict mode a file with any bad row loads nothing (its rejects are still written)."""
    job = _Job(
        con,
        path,
        _header_order(path),
        txn,
        digest,
        txn.part_path("events", f"{digest}-0.parquet"),
        dt.datetime.now(dt.UTC),
        check_products,
        progress,
    )
    try:
        written, rejected, reject_file, parts = _load_columnar(job)
    except _Irregular as exc:
        job.part.unlink(missing_ok=True)
        progress(f"{exc}，改用逐行兼容方式读取…")
        written, rejected, reject_file, parts = _load_duckdb(job)
    for part, rows in parts:
        if (strict and rejected) or not rows:
            part.unlink(missing_ok=True)
    if strict and rejected:
        return 0, rejected, reject_file
    return written, rejected, reject_file


# --- the SQL checks: every row of a file (DuckDB's reader) or the rows set aside -------


@dataclass(frozen=True)
class _Job:
    """One file's load, as both readers (columnar and DuckDB's) need it."""

    con: Any
    path: Path
    names: list[str]
    txn: Transaction
    digest: str
    part: Path  # the Parquet part of the valid rows
    now: dt.datetime
    check_products: bool
    progress: Progress


def _load_duckdb(job: _Job) -> tuple[int, int, Path | None, list[tuple[Path, int]]]:
    """The whole file through DuckDB's CSV reader and the SQL checks."""
    src = (
        f"read_csv({_quote(str(job.path))}, header=true, all_varchar=true, delim=',', "
        "quote='\"', store_rejects=true, auto_detect=false, columns={"
        + ", ".join(f"'{c}': 'VARCHAR'" for c in job.names)
        + "})"
    )
    job.progress("扫描追溯码与单位代码…")
    try:
        written, bad, reject_file = _checked_load(
            job, src, "row_number() OVER ()", job.part, job.progress
        )
    except duckdb.Error as exc:  # quoting or line structure the CSV reader cannot follow
        first = str(exc).splitlines()[0]
        raise CsvFileError(f"CSV 文件无法解析（{first}）") from exc
    return written, bad, reject_file, [(job.part, written)]


def _checked_load(
    job: _Job,
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

    The columnar path (``_Block``) accepts a row without these checks only when they
    would accept it unchanged: keep both in step."""
    events = ", ".join(f"'{e}'" for e in EVENTS)
    needs_cp = ", ".join(f"'{e}'" for e in NEEDS_COUNTERPARTY)
    latest = _latest(now_utc).strftime("%Y-%m-%d %H:%M:%S+00")
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


def _latest(now_utc: dt.datetime) -> dt.datetime:
    """The latest acceptable event time, to the second."""
    return (now_utc + FUTURE_TOLERANCE).replace(microsecond=0)


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


# --- the columnar pass -------------------------------------------------------------------

BLOCK_BYTES = 16 << 20  # one block of the file = one Arrow batch = one Parquet row group
ASIDE_IN_MEMORY = 500_000  # rows set aside for the SQL checks kept in memory; then a file
MOSTLY_ASIDE = 0.5  # share of the first block's rows set aside beyond which DuckDB reads
PROGRESS_SECONDS = 3.0
LONGEST_LINE = 2_000_000  # DuckDB's reader refuses lines over 2 MiB (max_line_size)
QUOTE = 0x22
# DuckDB's trim() strips the Unicode space separators (category Zs), nothing else
SPACES = "".join(c for c in map(chr, range(0x110000)) if unicodedata.category(c) == "Zs")
_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_QUANTITY = re.compile(r"^[0-9]{1,15}(\.[0-9]{1,15})?$")
_USCC_CHARS = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")
# written as Arrow dictionaries: the Parquet writer keeps each block's dictionary
_DICTIONARY_COLUMNS = ("family", "event", "entity", "counterparty", "batch", "source")
_PARQUET_DICTIONARY = (*_DICTIONARY_COLUMNS, "product", "day", "expiry", "quantity")
_STRING_DICT = pa.dictionary(pa.int32(), pa.string())
# min/max kept where they can skip row groups (times, days, keys, the source file): on
# the parties, events and batches of a block they span every value and cost the writer
_STATISTICS = ("code", "unit", "time", "day", "expiry", "quantity", "source")


class _Irregular(Exception):
    """The file needs DuckDB's CSV reader (the message says why, in Chinese)."""


def _write_schema() -> pa.Schema:
    return pa.schema(
        [
            pa.field(f.name, _STRING_DICT) if f.name in _DICTIONARY_COLUMNS else f
            for f in arrow_schema("events")
        ]
    )


def _load_columnar(job: _Job) -> tuple[int, int, Path | None, list[tuple[Path, int]]]:
    """One pass: the rows the vectorised checks accept go to ``job.part``; the rest, with
    their record numbers, through the SQL checks. _Irregular when DuckDB must read the file."""
    con, txn, digest = job.con, job.txn, job.digest
    if sorted(job.names) != sorted(COLUMNS):
        raise _Irregular("表头列名重复")
    line_ends = _Background(_line_end_problem, job.path)
    block = _Block(digest, job.now, _registered_products(con) if job.check_products else None)
    aside = _Aside(txn.tmp / f"{digest}-aside.parquet")
    writer = _Writer(job.part, _write_schema())
    total, last_report = 0, time.monotonic()
    job.progress("逐块读取、校验并写入…")
    reader = _ReadAhead(_blocks(job.path, job.names))
    try:
        for raw in reader:
            if _longest_line(raw) > LONGEST_LINE:
                raise _Irregular("有的行过长")
            good, rest = block.check(raw)
            if not total and len(rest) > MOSTLY_ASIDE * raw.num_rows:
                # the SQL checks will do most of the work anyway: cheaper on DuckDB's reader
                raise _Irregular("多数行需逐条校验")
            if good is not None:
                writer.put(good)
            if len(rest):
                aside.add(raw, rest, total)
            total += raw.num_rows
            if time.monotonic() - last_report >= PROGRESS_SECONDS:
                job.progress(f"已校验 {total:,} 行…")
                last_report = time.monotonic()
    finally:
        reader.stop()
        writer.close()
        aside.close()
    problem = line_ends.result()
    if problem:
        raise _Irregular(problem)
    parts = [(job.part, writer.rows)]
    rejected, reject_file, written = 0, None, writer.rows
    if aside.rows:
        job.progress(f"共 {total:,} 行，另有 {aside.rows:,} 行逐条校验…")
        rest_part = txn.part_path("events", f"{digest}-1.parquet")
        src = aside.source(con)
        more, rejected, reject_file = _checked_load(
            job, src, "n", rest_part, lambda _m: None, malformed_lines=False
        )
        parts.append((rest_part, more))
        written += more
    return written, rejected, reject_file, parts


def _blocks(path: Path, names: list[str]) -> Iterator[pa.RecordBatch]:
    """The file's records as batches of raw bytes per column, in file order. Quotes are
    left in place (``_Block`` and ``_Aside`` take them off, or call the file irregular):
    Arrow's reader and DuckDB's disagree on quotes out of place.

    The reader reads a memory map of the file (from a path, Arrow copies the file through
    a read-ahead thread that cost as much CPU as the parsing); the pages behind it are
    let go as it advances, so they do not pile up in the process's resident memory."""
    with path.open("rb") as fh:
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        mapped.madvise(mmap.MADV_SEQUENTIAL)
        source = pa.BufferReader(pa.py_buffer(mapped))
        try:
            reader = pa_csv.open_csv(
                source,
                read_options=pa_csv.ReadOptions(
                    block_size=BLOCK_BYTES, skip_rows=1, column_names=names, use_threads=False
                ),
                parse_options=pa_csv.ParseOptions(
                    delimiter=",",
                    quote_char=False,
                    newlines_in_values=False,
                    ignore_empty_lines=True,
                ),
                convert_options=pa_csv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.binary()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            done, released = 0, 0
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                # at least this many bytes of the file are behind the reader now
                done += batch.num_rows * len(names) + sum(
                    int(a.buffers()[2].size) if a.buffers()[2] is not None else 0
                    for a in batch.columns
                )
                upto = (done - BLOCK_BYTES) // mmap.PAGESIZE * mmap.PAGESIZE
                if upto > released:
                    mapped.madvise(mmap.MADV_DONTNEED, released, upto - released)
                    released = upto
                yield batch
        except pa.ArrowInvalid as exc:  # a line with another number of columns
            raise _Irregular("有的行列数不对") from exc
        finally:
            # the map closes only when nothing of Arrow's points into it any more (else
            # it closes when the last of them goes)
            reader = source = None
            with contextlib.suppress(BufferError):
                mapped.close()


def _longest_line(raw: pa.RecordBatch) -> int:
    """Bytes in the longest record of the block, separators included."""
    if not raw.num_rows:
        return 0
    ends = sum(_offsets(column).astype(np.int64) for column in raw.columns)
    return int(np.diff(ends).max()) + raw.num_columns


def _registered_products(con: Any) -> np.ndarray:
    """A table over the 10^7 seven-digit product identifiers: registered or not. A NULL
    key makes ``NOT IN`` never true in SQL: then every identifier counts as registered."""
    keys, has_null = con.execute(
        "SELECT list(product_key) FILTER (WHERE regexp_full_match(product_key, '[0-9]{7}')), "
        "bool_or(product_key IS NULL) FROM products"
    ).fetchall()[0]
    if has_null:
        return np.ones(10**7, dtype=bool)
    table = np.zeros(10**7, dtype=bool)
    table[np.array([int(k) for k in keys or []], dtype=np.int64)] = True
    return table


class _ReadAhead:
    """The next blocks parsed by a thread (Arrow's reader parses in the caller's thread)
    while this one checks the current block."""

    _END = object()

    def __init__(self, blocks: Iterator[pa.RecordBatch], depth: int = 2) -> None:
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(blocks,), daemon=True)
        self._thread.start()

    def _run(self, blocks: Iterator[pa.RecordBatch]) -> None:
        try:
            for block in blocks:
                if not self._put(block):
                    return
            self._put(self._END)
        except BaseException as exc:  # handed to the reader
            self._put(exc)

    def _put(self, item: Any) -> bool:
        while not self._stopped.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        while (item := self._queue.get()) is not self._END:
            if isinstance(item, BaseException):
                raise item
            yield item

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()


class _Background:
    """``fn(*args)`` in a thread; ``result()`` waits for it and re-raises its error."""

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self._value: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn, args), daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            self._value = fn(*args)
        except BaseException as exc:  # handed to the caller
            self._error = exc

    def result(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


def _line_end_problem(path: Path) -> str | None:
    """DuckDB's reader takes one kind of line end per file: CRLF when the header ends so,
    else LF with no CR anywhere. Arrow's takes any mix; such a file is DuckDB's to judge.
    Read from a memory map, the pages let go once looked at (as in ``_blocks``)."""
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        first = mapped.find(b"\n")
        crlf = first >= 1 and mapped[first - 1] == 0x0D
        regular = _crlf_only(mapped) if crlf else _no_cr(mapped)
    return None if regular else "文件中混用了不同的换行符"


_CHUNK = 1 << 24  # a multiple of the page size


def _no_cr(mapped: mmap.mmap) -> bool:
    for start in range(0, len(mapped), _CHUNK):
        if mapped.find(b"\r", start, start + _CHUNK) >= 0:
            return False
        mapped.madvise(mmap.MADV_DONTNEED, start, min(_CHUNK, len(mapped) - start))
    return True


def _crlf_only(mapped: mmap.mmap) -> bool:
    """Every CR followed by an LF, and as many LFs as CRs."""
    data = np.frombuffer(mapped, dtype=np.uint8)
    cr_total = lf_total = 0
    for start in range(0, len(data), _CHUNK):
        part = data[start : start + _CHUNK + 1]  # one byte over: the LF of a last CR
        cr = np.flatnonzero(part[:_CHUNK] == 0x0D)
        if len(cr) and (cr[-1] + 1 >= len(part) or not (part[cr + 1] == 0x0A).all()):
            return False
        cr_total += len(cr)
        lf_total += int(np.count_nonzero(part[:_CHUNK] == 0x0A))
        mapped.madvise(mmap.MADV_DONTNEED, start, min(_CHUNK, len(data) - start))
    return cr_total == lf_total


class _Writer:
    """Parquet row groups written by a thread while the next block is read and checked."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path, self.schema, self.rows = path, schema, 0
        self._queue: queue.Queue[pa.RecordBatch | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        writer = None
        try:
            while (batch := self._queue.get()) is not None:
                if self._error is not None:
                    continue  # drain after an error: the reader must never block
                try:
                    if writer is None:
                        writer = pq.ParquetWriter(
                            self.path,
                            self.schema,
                            compression="snappy",
                            use_dictionary=list(_PARQUET_DICTIONARY),
                            write_statistics=list(_STATISTICS),
                            store_schema=False,
                        )
                    writer.write_batch(batch, row_group_size=batch.num_rows)
                    self.rows += batch.num_rows
                except BaseException as exc:  # handed to the reader at close()
                    self._error = exc
        finally:
            if writer is not None:
                try:
                    writer.close()
                except BaseException as exc:  # the footer could not be written
                    self._error = self._error or exc

    def put(self, batch: pa.RecordBatch) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(batch)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error


class _Aside:
    """The rows left to the SQL checks: their record number ``n`` and text as read."""

    def __init__(self, spill: Path) -> None:
        self.spill, self.rows = spill, 0
        self._batches: list[pa.RecordBatch] = []
        self._writer: pq.ParquetWriter | None = None

    def add(self, raw: pa.RecordBatch, rows: np.ndarray, offset: int) -> None:
        taken = raw.take(pa.array(rows))
        arrays = [pa.array(rows + offset + 1, pa.int64())]
        for name in COLUMNS:
            column = _unquoted(taken.column(name))
            try:
                arrays.append(column.cast(pa.string()))
            except pa.ArrowInvalid as exc:
                raise _Irregular("有的内容不是 UTF-8 编码") from exc
        batch = pa.RecordBatch.from_arrays(arrays, names=["n", *COLUMNS])
        self.rows += batch.num_rows
        if self._writer is None and self.rows > ASIDE_IN_MEMORY:
            self._writer = pq.ParquetWriter(
                self.spill,
                batch.schema,
                compression="none",
                use_dictionary=False,
                write_statistics=False,
                store_schema=False,
            )
            for held in self._batches:
                self._writer.write_batch(held)
            self._batches = []
        if self._writer is not None:
            self._writer.write_batch(batch)
        else:
            self._batches.append(batch)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()

    def source(self, con: Any) -> str:
        if self._writer is not None:
            return f"read_parquet({_quote(str(self.spill))})"
        con.register("csv_aside", pa.Table.from_batches(self._batches))
        return "csv_aside"


def _unquoted(column: pa.Array) -> pa.Array:
    """Quoted values as DuckDB's reader gives them; _Irregular for a quote out of place."""
    offsets = _offsets(column)
    if not (_bytes(column)[offsets[0] : offsets[-1]] == QUOTE).any():
        return column
    return pa.array([_unquote(v) for v in column.to_pylist()], pa.binary())


def _unquote(raw: bytes) -> bytes:
    if b'"' not in raw:
        return raw
    inner = raw[1:-1]
    if len(raw) < 2 or raw[0] != QUOTE or raw[-1] != QUOTE or b'"' in inner.replace(b'""', b""):
        raise _Irregular("有的引号位置不规范")
    return inner.replace(b'""', b'"')


def _text(raw: bytes) -> str:
    """A value unquoted and decoded as DuckDB's reader gives it."""
    try:
        return _unquote(raw).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Irregular("有的内容不是 UTF-8 编码") from exc


# verdicts on one distinct value of a column: (accepted as is, value written)
def _event_verdict(raw: bytes) -> tuple[bool, str | None]:
    text = _text(raw).strip(SPACES)
    event = text.lower() if text.isascii() else None
    return event in EVENTS, event


def _party_verdict(raw: bytes) -> tuple[bool, str | None]:
    """An entity: the upper-case code when it is a valid USCC."""
    text = _text(raw).strip(SPACES)
    party = text.upper() if text.isascii() else ""
    ok = len(party) == 18 and _USCC_CHARS.issuperset(party) and not codes.uscc_problem(party)
    return ok, party if ok else None


def _counterparty_verdict(raw: bytes) -> tuple[bool, str | None]:
    """None (and accepted) when empty."""
    if not _text(raw).strip(SPACES):
        return True, None
    return _party_verdict(raw)


def _free_text_verdict(raw: bytes) -> tuple[bool, str | None]:
    """Product, batch: trimmed, None when empty."""
    return True, _text(raw).strip(SPACES) or None


def _expiry_verdict(raw: bytes) -> tuple[bool, int | None]:
    """Days since 1970 of a plain YYYY-MM-DD date (DuckDB reads it the same), None when
    empty; any other spelling is left to the SQL checks."""
    text = _text(raw).strip(SPACES)
    if not text:
        return True, None
    match = _DATE.match(text)
    if not match:
        return False, None
    try:
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return False, None
    return True, (day - dt.date(1970, 1, 1)).days


def _quantity_verdict(raw: bytes) -> tuple[bool, float | None]:
    text = _text(raw).strip(SPACES) or "1"
    if not _QUANTITY.match(text):
        return False, None
    value = float(text)
    return value > 0 and math.isfinite(value), value


class _Column:
    """One column of a block as indices into its distinct values, with the verdict on
    each distinct value (cached across blocks). A column of one repeated value (often
    quantity, product) skips the hashing."""

    def __init__(
        self,
        raw: pa.Array,
        judge: Callable[[bytes], tuple[bool, Any]],
        cache: dict[bytes, tuple[bool, Any]],
    ) -> None:
        n = len(raw)
        same = _repeated(raw)
        if same is not None:
            distinct = [same]
            self.indices = pa.array(np.zeros(n, dtype=np.int32))
        else:
            encoded = pc.dictionary_encode(raw)
            distinct = encoded.dictionary.to_pylist()
            self.indices = encoded.indices
        self.index = np.frombuffer(
            self.indices.buffers()[1], dtype=np.int32, count=n, offset=self.indices.offset * 4
        )
        if len(cache) > 1_000_000:
            cache.clear()
        verdicts = []
        for value in distinct:
            verdict = cache.get(value)
            if verdict is None:
                verdict = cache[value] = judge(value)
            verdicts.append(verdict)
        self.values = [v for _ok, v in verdicts]
        self.ok = np.array([ok for ok, _v in verdicts], dtype=bool)
        self.none = np.array([v is None for v in self.values], dtype=bool)

    def ok_rows(self) -> np.ndarray | None:
        """Which rows have an accepted value (None: all)."""
        return None if self.ok.all() else self.ok[self.index]

    def none_rows(self) -> np.ndarray | None:
        """Which rows are written as NULL (None: none)."""
        return self.none[self.index] if self.none.any() else None

    def dictionary(self) -> pa.Array:
        """Arrow dictionary array of the written values (NULL where the value is None)."""
        dictionary = pa.array([v if v is not None else "" for v in self.values], pa.string())
        nulls = self.none_rows()
        indices = self.indices if nulls is None else pa.array(self.index, mask=nulls)
        return pa.DictionaryArray.from_arrays(indices, dictionary)

    def numbers(self, kind: type, arrow_type: pa.DataType) -> pa.Array:
        values: np.ndarray = np.array([v if v is not None else 0 for v in self.values], kind)
        return pa.array(values[self.index], arrow_type, mask=self.none_rows())


def _offsets(raw: pa.Array) -> np.ndarray:
    return np.frombuffer(
        raw.buffers()[1], dtype=np.int32, count=len(raw) + 1, offset=raw.offset * 4
    )


def _bytes(raw: pa.Array) -> np.ndarray:
    data = raw.buffers()[2]
    return np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)


def _repeated(raw: pa.Array) -> bytes | None:
    """The value, when every row of the column has the same one."""
    n = len(raw)
    offsets = _offsets(raw)
    width = int(offsets[1] - offsets[0]) if n else 0
    if not n or int(offsets[-1] - offsets[0]) != n * width:
        return None
    if width == 0:
        return b""
    start = int(offsets[0])
    rows = _bytes(raw)[start : start + n * width].reshape(n, width)
    # a few rows first: most columns differ early
    if not (rows[:: max(1, n // 64)] == rows[0]).all() or not (np.diff(offsets) == width).all():
        return None
    if not (rows == rows[0]).all():
        return None
    return rows[0].tobytes()


def _plain_dates(raw: pa.Array) -> pa.Array | None:
    """A column of YYYY-MM-DD dates only, as dates (Arrow's parser takes exactly that
    spelling of ten bytes, and the day must exist); None for anything else."""
    offsets = _offsets(raw)
    if int(offsets[-1] - offsets[0]) != 10 * len(raw) or not (np.diff(offsets) == 10).all():
        return None
    try:
        return pc.cast(raw.view(pa.string()), pa.date32())
    except pa.ArrowInvalid:
        return None


def _fixed(raw: pa.Array, width: int) -> tuple[np.ndarray | None, np.ndarray]:
    """Values of exactly ``width`` bytes (quoted: ``width`` + 2) as an n × width byte
    matrix, and which rows had that width (None: all, unquoted); other rows are zeros."""
    n = len(raw)
    offsets = _offsets(raw)
    start = int(offsets[0])
    if int(offsets[-1]) - start == n * width:
        lengths = np.diff(offsets)
        if (lengths == width).all():
            return None, _bytes(raw)[start : start + n * width].reshape(n, width)
    else:
        lengths = np.diff(offsets)
    matrix = np.zeros((n, width), dtype=np.uint8)
    plain = lengths == width
    ok = plain.copy()
    for chosen, size in ((plain, width), (lengths == width + 2, width + 2)):
        if not chosen.any():
            continue
        picked = raw.filter(pa.array(chosen))
        first = int(_offsets(picked)[0])
        rows = _bytes(picked)[first : first + len(picked) * size].reshape(-1, size)
        if size == width:
            matrix[chosen] = rows
        else:
            good = (rows[:, 0] == QUOTE) & (rows[:, -1] == QUOTE)
            where = np.flatnonzero(chosen)[good]
            matrix[where] = rows[good, 1:-1]
            ok[where] = True
    return ok, matrix


_U32 = np.uint32


def _quads(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An n × 4k matrix of ASCII digits, four at a time (SWAR on 32-bit words): which
    rows hold anything but digits, and the k four-digit numbers of each row (k × n)."""
    x = np.ascontiguousarray(matrix).view(_U32) - _U32(0x30303030)
    # a byte below '0' borrows and one above '9' passes 0x7F with 0x76 added: high bit
    flags = (x | (x + _U32(0x76767676))) & _U32(0x80808080)
    seen = flags[:, 0].copy()
    for j in range(1, flags.shape[1]):
        seen |= flags[:, j]
    x = (x * _U32(10) + (x >> _U32(8))) & _U32(0x00FF00FF)  # two-digit numbers
    x = (x * _U32(100) + (x >> _U32(16))) & _U32(0xFFFF)  # four-digit numbers
    return seen != 0, np.ascontiguousarray(x.T)


def _pairs(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Like ``_quads`` but two digits at a time: rows with non-digits, 2k × n numbers."""
    x = np.ascontiguousarray(matrix).view(_U32) - _U32(0x30303030)
    flags = (x | (x + _U32(0x76767676))) & _U32(0x80808080)
    seen = flags[:, 0].copy()
    for j in range(1, flags.shape[1]):
        seen |= flags[:, j]
    x = (x * _U32(10) + (x >> _U32(8))) & _U32(0x00FF00FF)
    return seen != 0, np.ascontiguousarray(x.view(np.uint16).T)


def _strings(matrix: np.ndarray) -> pa.Array:
    """An n × width byte matrix as Arrow strings (checked ASCII before)."""
    n, width = matrix.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    data = np.ascontiguousarray(matrix)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def _month_tables() -> tuple[np.ndarray, np.ndarray]:
    """Days since 1970 of the first day, and length, of each month from FIRST_YEAR on."""
    starts, lengths = [], []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for month in range(1, 13):
            first = dt.date(year, month, 1)
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            starts.append((first - dt.date(1970, 1, 1)).days)
            lengths.append((following - first).days)
    return np.array(starts, dtype=np.int64), np.array(lengths, dtype=np.int64)


# Asia/Shanghai is UTC+8 all year since its last summer time (1991): earlier times, and
# later than any plausible one, take the SQL checks
FIRST_YEAR, LAST_YEAR = 1992, 2199
SHANGHAI = 8 * 3600
_MONTH_START, _MONTH_LENGTH = _month_tables()
_FIRST_SECOND = int(_MONTH_START[0]) * 86400
_LAST_SECOND = int(_MONTH_START[-1] + _MONTH_LENGTH[-1]) * 86400
# the digits of YYYY-MM-DDThh:mm:ss, two '0' after them to fill four 32-bit words
_TIME_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
_UNIT_SHIFT = np.uint64((8 * 10**19 + units.DRUG20_OFFSET) % 2**64)


class _Block:
    """The vectorised checks on one block of raw CSV bytes."""

    def __init__(self, digest: str, now: dt.datetime, registered: np.ndarray | None) -> None:
        self.digest = digest
        self.registered = registered
        self.latest = int(_latest(now).timestamp())
        self.caches: dict[str, dict[bytes, tuple[bool, Any]]] = {c: {} for c in COLUMNS}
        self.schema = _write_schema()

    def check(self, raw: pa.RecordBatch) -> tuple[pa.RecordBatch | None, np.ndarray]:
        """The accepted rows as a batch of the events schema, and the others' positions."""
        n = raw.num_rows
        if n == 0:
            return None, np.zeros(0, dtype=np.int64)
        ok = np.ones(n, dtype=bool)
        code, unit, identifier = self._codes(raw.column("code"), ok)
        micros, day = self._times(raw.column("time"), ok)
        checks = [
            ("event", _event_verdict),
            ("entity", _party_verdict),
            ("counterparty", _counterparty_verdict),
            ("product", _free_text_verdict),
            ("batch", _free_text_verdict),
            ("quantity", _quantity_verdict),
        ]
        expiry = _plain_dates(raw.column("expiry"))
        if expiry is None:
            checks.append(("expiry", _expiry_verdict))
        judged = {
            name: _Column(raw.column(name), judge, self.caches[name]) for name, judge in checks
        }
        if expiry is None:
            expiry = judged["expiry"].numbers(np.int32, pa.int32()).view(pa.date32())
        for column in judged.values():
            rows = column.ok_rows()
            if rows is not None:
                ok &= rows
        event, counterparty = judged["event"], judged["counterparty"]
        missing = counterparty.none_rows()
        if missing is not None:
            needs = np.array([v in NEEDS_COUNTERPARTY for v in event.values], dtype=bool)
            ok &= ~(needs[event.index] & missing)
        product = judged["product"]
        if product.none.all():
            product_out = identifier
        else:
            named = pa.array([v or "" for v in product.values], pa.string()).take(product.indices)
            product_out = pc.if_else(pa.array(product.none[product.index]), identifier, named)
        constant = pa.array(np.zeros(n, dtype=np.int32))
        arrays = {
            "code": code,
            "unit": pa.array(unit, pa.int64()),
            "family": pa.DictionaryArray.from_arrays(constant, pa.array(["drug20"])),
            "event": event.dictionary(),
            "time": pa.array(micros, pa.int64()).view(pa.timestamp("us", tz="UTC")),
            "day": pa.array(day, pa.int32()).view(pa.date32()),
            "entity": judged["entity"].dictionary(),
            "counterparty": counterparty.dictionary(),
            "product": product_out,
            "batch": judged["batch"].dictionary(),
            "expiry": expiry,
            "quantity": judged["quantity"].numbers(np.float64, pa.float64()),
            "event_id": pa.nulls(n, pa.string()),
            "via": pa.nulls(n, pa.string()),
            "source": pa.DictionaryArray.from_arrays(constant, pa.array([self.digest])),
        }
        batch = pa.RecordBatch.from_arrays(
            [arrays[f.name] for f in self.schema], schema=self.schema
        )
        if ok.all():
            return batch, np.zeros(0, dtype=np.int64)
        rest = np.flatnonzero(~ok)
        if len(rest) == n:
            return None, rest
        return batch.filter(pa.array(ok)), rest

    def _codes(self, raw: pa.Array, ok: np.ndarray) -> tuple[pa.Array, np.ndarray, pa.Array]:
        """20-digit drug codes (``ok`` cleared for the others): the code, its unit key and
        its product identifier."""
        fits, m = _fixed(raw, 20)
        if fits is None:
            try:  # Arrow's integer parser: only digits, and the whole of each value
                tail = pc.cast(pc.binary_slice(raw, 1, 20).view(pa.string()), pa.uint64())
            except pa.ArrowInvalid:
                pass
            else:
                value = tail.to_numpy()
                ok &= m[:, 0] == ord("8")
                if self.registered is not None:
                    identifier = value // np.uint64(10**13) + np.uint64(8_000_000)
                    ok &= self.registered[np.where(ok, identifier, 0)]
                unit = (value - np.uint64(units.DRUG20_OFFSET)).view(np.int64)
                return raw.view(pa.string()), unit, _strings(m[:, :7])
        bad, quads = _quads(m)
        ok &= ~bad & (m[:, 0] == ord("8"))
        if fits is not None:
            ok &= fits
        # the 20 digits modulo 2^64, less 8·10^19 and the offset: the key of the last 19
        value = quads[0].astype(np.uint64)
        for quad in quads[1:]:
            value = value * np.uint64(10000) + quad
        unit = (value - _UNIT_SHIFT).view(np.int64)
        if self.registered is not None:
            identifier = quads[0] * _U32(1000) + quads[1] // _U32(10)
            ok &= self.registered[np.where(ok, identifier, 0)]
        # the bytes as they are when every value had 20 bytes (rows not accepted are
        # dropped before anything reads them)
        code = raw.view(pa.string()) if fits is None else _strings(m)
        return code, unit, _strings(m[:, :7])

    def _times(self, raw: pa.Array, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """YYYY-MM-DDThh:mm:ss (or a space for T) with no zone (Asia/Shanghai), Z or
        ±hh:mm (``ok`` cleared for other times): UTC microseconds, the day in Shanghai."""
        n = len(raw)
        lengths = np.diff(_offsets(raw))
        if (lengths == 19).all():
            m = _fixed(raw, 19)[1]
            try:  # Arrow's ISO 8601 parser: with 19 bytes, only YYYY-MM-DD[T ]hh:mm:ss
                wall = pc.cast(raw.view(pa.string()), pa.timestamp("s"))
            except pa.ArrowInvalid:
                fits, seconds, day = self._wall(m)
            else:
                local = wall.view(pa.int64()).to_numpy()
                fits = (m[:, 10] == ord("T")) | (m[:, 10] == ord(" "))
                fits &= (local >= _FIRST_SECOND) & (local < _LAST_SECOND)
                seconds = local - SHANGHAI
                day = (local // 86400).astype(np.int32)
            ok &= fits & (seconds <= self.latest)
            return seconds * 1_000_000, day
        accepted = np.zeros(n, dtype=bool)
        seconds = np.zeros(n, dtype=np.int64)
        present = set(np.unique(lengths).tolist())
        for width in (19, 20, 25):
            if not present & {width, width + 2}:
                continue
            shape, m = _fixed(raw, width)
            fits, local, _day = self._wall(m)
            if shape is not None:
                fits &= shape
            if width == 19:
                utc = local
            elif width == 20:
                fits &= m[:, 19] == ord("Z")
                utc = local + SHANGHAI
            else:
                sign = np.where(m[:, 19] == ord("-"), -1, 1)
                fits &= ((m[:, 19] == ord("+")) | (m[:, 19] == ord("-"))) & (m[:, 22] == ord(":"))
                bad, zone = _pairs(np.concatenate([m[:, 20:22], m[:, 23:25]], axis=1))
                hours, minutes = zone[0].astype(np.int64), zone[1].astype(np.int64)
                fits &= ~bad & (hours <= 14) & (minutes < 60)
                utc = local + SHANGHAI - sign * (hours * 3600 + minutes * 60)
            fits &= ~accepted & (utc <= self.latest)
            seconds[fits] = utc[fits]
            accepted |= fits
        ok &= accepted
        return seconds * 1_000_000, ((seconds + SHANGHAI) // 86400).astype(np.int32)

    @staticmethod
    def _wall(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The first 19 bytes as a wall time in Asia/Shanghai: whether it is a real one,
        its UTC seconds, its day."""
        n = len(m)
        digits = np.empty((n, 16), dtype=np.uint8)
        digits[:, :14] = m[:, _TIME_DIGITS]
        digits[:, 14:] = ord("0")
        bad, pairs = _pairs(digits)
        fits = ~bad & (m[:, 4] == ord("-")) & (m[:, 7] == ord("-"))
        fits &= (m[:, 10] == ord("T")) | (m[:, 10] == ord(" "))
        fits &= (m[:, 13] == ord(":")) & (m[:, 16] == ord(":"))
        year = pairs[0].astype(np.int64) * 100 + pairs[1]
        month = pairs[2].astype(np.int64)
        mday = pairs[3].astype(np.int64)
        fits &= (year >= FIRST_YEAR) & (year <= LAST_YEAR) & (month >= 1) & (month <= 12)
        index = np.where(fits, (year - FIRST_YEAR) * 12 + month - 1, 0)
        fits &= (mday >= 1) & (mday <= _MONTH_LENGTH[index])
        fits &= (pairs[4] < 24) & (pairs[5] < 60) & (pairs[6] < 60)
        days = _MONTH_START[index] + mday - 1
        seconds = (
            days * 86400
            + pairs[4].astype(np.int64) * 3600
            + pairs[5].astype(np.int64) * 60
            + pairs[6]
            - SHANGHAI
        )
        return fits, seconds, days.astype(np.int32)
