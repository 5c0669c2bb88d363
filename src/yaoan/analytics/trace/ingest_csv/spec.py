"""What a CSV trace file holds and what both readers share: the columns, the events, the
header check, one file's load job, and the error that sends a file to DuckDB's reader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yaoan.analytics.trace.store import Transaction

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


def header_order(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", errors="replace") as fh:
        line = fh.readline()
    return [c.strip().strip('"').lower() for c in line.split(",")]


@dataclass(frozen=True)
class Job:
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


def latest_time(now_utc: dt.datetime) -> dt.datetime:
    """The latest acceptable event time, to the second."""
    return (now_utc + FUTURE_TOLERANCE).replace(microsecond=0)


class Irregular(Exception):
    """The file needs DuckDB's CSV reader (the message says why, in Chinese)."""
