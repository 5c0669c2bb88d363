"""EPCIS events → trace events, packaging links and sensor readings in Parquet.

CBV business steps map to the event vocabulary (BIZ_STEPS); events whose step has no
trace meaning (commissioning, inspecting, packing …) add no trace event but still add
their packaging links and sensor readings. An event on a container (an SSCC case, a
pallet) also reaches the units packed in it at that time (``via`` = the container), so
the rules and queries see unit-level events only. An event declared erroneous
(errorDeclaration) is not loaded; an eventID already in the store is skipped.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from yaoan.analytics.trace import epcis, units
from yaoan.analytics.trace.epcis_bulk import Bulk
from yaoan.analytics.trace.epcis_bulk_sql import BULK_MIN_EVENTS
from yaoan.analytics.trace.epcis_mapping import (
    Progress,
    _write_rejects,
    _write_tables,
    existing_packaging,
    map_events,
)
from yaoan.analytics.trace.store import Transaction


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Parsing and mapping make millions of small objects and no reference cycles; the
    cyclic garbage collector would scan them again and again (over half the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load(
    con: Any,
    path: Path,
    txn: Transaction,
    digest: str,
    strict: bool,
    progress: Progress,
) -> tuple[int, int, Path | None]:
    progress("解析 EPCIS 文档…")
    with _collector_paused():
        data = path.read_bytes()
        if not epcis.is_json(data):
            return _load_events(con, epcis.parse(data).events, txn, digest, strict, progress)
        raw_events = epcis.json_events(data)
        del data
        if len(raw_events) < BULK_MIN_EVENTS:
            events = [epcis.json_event(i, e) for i, e in enumerate(raw_events, start=1)]
            return _load_events(con, events, txn, digest, strict, progress)
        bulk = Bulk(con, txn, digest, raw_events)
        del raw_events  # the bulk path frees them once it no longer needs them
        return bulk.load(strict, progress)


def _load_events(
    con: Any,
    events: list[epcis.EpcisEvent],
    txn: Transaction,
    digest: str,
    strict: bool,
    progress: Progress,
) -> tuple[int, int, Path | None]:
    """The general path: every event as an ``EpcisEvent`` through the ``Mapper``."""
    progress(f"映射 {len(events)} 个 EPCIS 事件…")
    packaging, known = existing_packaging(con, events)
    tables = map_events(events, digest, known, packaging)
    reject_file = _write_rejects(txn, digest, tables.rejects)
    if strict and tables.rejects:
        return 0, len(tables.rejects), reject_file
    keyed = {r[0] for rows in (tables.events, tables.sensors) for r in rows}
    unit_of = units.assign(con, txn, digest, keyed)
    _write_tables(txn, digest, tables, unit_of, with_events=True)
    return len(tables.events), len(tables.rejects), reject_file
