"""CSV trace events → Parquet, validated in bulk.

Header ``code,event,time,entity,counterparty,product,batch,expiry,quantity`` (any order).

One pass over the file (``columnar.load_columnar``): Arrow's CSV reader cuts it into blocks of raw
bytes; each block is checked with vectorised tests that accept only rows the SQL checks
below would accept unchanged — a 20-digit code (its integer key and product identifier
computed from the digits, the identifier looked up in the registry snapshot), a plain ISO
8601 time (no zone = Asia/Shanghai), and for the other columns the verdict on each
*distinct* value of the block (event, parties with their check character, expiry,
quantity, product and batch), judged once in Python. Those rows go straight to a Parquet
part from a writer thread. Every other row — an odd code (GS1, MA, enterprise, judged by
``codes.parse_many``), anything to trim or reject — keeps its record number and goes
through the SQL checks in DuckDB (``sql_checks``), which give the valid ones their
values and the others their reason, for the rejects file.

Files the bytewise reader would read differently from DuckDB's CSV reader (a quote out
of place, a quoted separator or line break, mixed line ends, a wrong column count, bytes
that are not UTF-8) are read again by DuckDB's reader: the whole file validated in SQL
(``sql_checks.load_duckdb``, two scans plus a third for the rejects), so both ways give the same
events, rejects and reasons.

The parts, in import order: ``spec`` (columns, events, header, the load job),
``vectors`` (numpy views of raw byte columns), ``values`` (the verdict on each distinct
value), ``writers`` (the Parquet part and the rows set aside), ``block`` (the vectorised
checks on one block), ``sql_checks`` (the SQL checks and the rejects file), ``columnar``
(the one-pass reader), and here ``load``, which tries the columnar pass and falls back to
DuckDB's reader.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from yaoan.analytics.trace.ingest_csv import columnar, sql_checks
from yaoan.analytics.trace.ingest_csv.spec import (
    COLUMNS,
    EVENTS,
    FUTURE_TOLERANCE,
    NEEDS_COUNTERPARTY,
    REJECT_COLUMNS,
    CsvFileError,
    Irregular,
    Job,
    Progress,
    check_header,
    header_order,
)
from yaoan.analytics.trace.store import Transaction

__all__ = [
    "COLUMNS",
    "EVENTS",
    "FUTURE_TOLERANCE",
    "NEEDS_COUNTERPARTY",
    "REJECT_COLUMNS",
    "CsvFileError",
    "Irregular",
    "Progress",
    "check_header",
    "load",
]


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
    job = Job(
        con,
        path,
        header_order(path),
        txn,
        digest,
        txn.part_path("events", f"{digest}-0.parquet"),
        dt.datetime.now(dt.UTC),
        check_products,
        progress,
    )
    try:
        written, rejected, reject_file, parts = columnar.load_columnar(job)
    except Irregular as exc:
        job.part.unlink(missing_ok=True)
        progress(f"{exc}，改用逐行兼容方式读取…")
        written, rejected, reject_file, parts = sql_checks.load_duckdb(job)
    for part, rows in parts:
        if (strict and rejected) or not rows:
            part.unlink(missing_ok=True)
    if strict and rejected:
        return 0, rejected, reject_file
    return written, rejected, reject_file
