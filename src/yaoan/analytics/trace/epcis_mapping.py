"""EPCIS events → trace event rows, packaging links and sensor readings (the general path)."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from yaoan.analytics.trace import codes, epcis
from yaoan.analytics.trace.store import TIME_ZONE, Transaction, arrow_schema

BIZ_STEPS = {
    "receiving": "receive",
    "accepting": "receive",
    "arriving": "receive",
    "shipping": "ship",
    "departing": "ship",
    "retail_selling": "sell",
    "dispensing": "dispense",
    "administering": "administer",  # not a CBV step: the vaccination extension we accept
    "destroying": "destroy",
}
OUTGOING = ("ship", "return")
LOCAL = zoneinfo.ZoneInfo(TIME_ZONE)
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
MAX_PACKAGING_DEPTH = 6
REJECT_COLUMNS = ("row", "event_id", "reason")

Progress = Callable[[str], None]


def trace_event(ev: epcis.EpcisEvent) -> str | None:
    """The trace event of an EPCIS event, or None when it has none."""
    if ev.disposition == "returned" and ev.biz_step in ("shipping", "departing", "returning"):
        return "return"
    if ev.type == "ObjectEvent" and ev.action == "DELETE" and ev.biz_step == "destroying":
        return "destroy"
    return BIZ_STEPS.get(ev.biz_step)


@functools.lru_cache(maxsize=65536)
def party(uri: str) -> str:
    """A USCC when the party id carries one (bare, or as its last segment), else the id."""
    text = (uri or "").strip()
    tail = text.replace("/", ":").rsplit(":", 1)[-1].upper()
    if len(tail) == 18 and codes.uscc_problem(tail) is None:
        return tail
    return text


def parties(ev: epcis.EpcisEvent, event: str | None) -> tuple[str, str]:
    """(entity, counterparty) of an event: who records it and the other business."""
    # ``or`` chains, no helper calls: this runs once per event
    sources, destinations = ev.sources, ev.destinations
    src = sources.get("owning_party") or sources.get("possessing_party") or ""
    dst = destinations.get("owning_party") or destinations.get("possessing_party") or ""
    here = ev.biz_location or ev.read_point
    if event == "receive":
        return party(dst or here or destinations.get("location", "")), party(
            src or sources.get("location", "")
        )
    if event in OUTGOING:
        return party(src or here or sources.get("location", "")), party(
            dst or destinations.get("location", "")
        )
    return party(here or src or dst), ""


# Rows are tuples in these column orders (``source`` and ``unit`` are added per table at
# the end): one tuple per row and one Arrow array per column, no dict per row.
ROW_FIELDS = {
    "events": (
        "code",
        "family",
        "event",
        "time",
        "day",
        "entity",
        "counterparty",
        "product",
        "batch",
        "expiry",
        "quantity",
        "event_id",
        "via",
    ),
    "links": ("parent", "child", "time", "action", "kind"),
    "sensors": ("code", "time", "entity", "temp_min", "temp_max", "event_id"),
}


@dataclass
class Tables:
    events: list[tuple[Any, ...]] = field(default_factory=list)
    links: list[tuple[Any, ...]] = field(default_factory=list)
    sensors: list[tuple[Any, ...]] = field(default_factory=list)
    rejects: list[tuple[int, str, str]] = field(default_factory=list)
    skipped: int = 0  # declared erroneous, already loaded, or without trace meaning


class Packaging:
    """Parent → children over time, from the store's links and this document's."""

    def __init__(self) -> None:
        self._history: dict[str, list[tuple[dt.datetime, str, str]]] = defaultdict(list)

    def __bool__(self) -> bool:
        return bool(self._history)

    def add(self, parent: str, child: str, time: dt.datetime, action: str) -> None:
        self._history[parent].append((time, action, child))

    def children(self, parent: str, at: dt.datetime) -> list[str]:
        history = self._history.get(parent)
        if not history:
            return []
        state: dict[str, bool] = {}
        for time, action, child in sorted(history):
            if time <= at:
                state[child] = action != "DELETE"
        return sorted(c for c, inside in state.items() if inside)

    def contents(self, parent: str, at: dt.datetime) -> list[tuple[str, str]]:
        """Every (unit, the container it is directly in), depth-first, bounded depth."""
        found: list[tuple[str, str]] = []
        if parent not in self._history:
            return found
        frontier = [parent]
        for _ in range(MAX_PACKAGING_DEPTH):
            nxt = []
            for container in frontier:
                for child in self.children(container, at):
                    found.append((child, container))
                    nxt.append(child)
            if not nxt:
                break
            frontier = nxt
        return found


@functools.lru_cache(maxsize=1 << 20)
def _parse(raw: str) -> codes.Code:
    return codes.parse(raw)


class Mapper:
    def __init__(
        self,
        digest: str,
        known_ids: set[str],
        packaging: Packaging,
        latest: dt.datetime | None = None,
    ) -> None:
        self.digest = digest
        self.known_ids = known_ids
        self.packaging = packaging
        self.tables = Tables()
        self.latest = latest or dt.datetime.now(dt.UTC) + FUTURE_TOLERANCE

    def code(self, raw: str) -> codes.Code:
        return _parse(raw)

    def reject(self, ev: epcis.EpcisEvent, reason: str) -> None:
        self.tables.rejects.append((ev.index, ev.event_id, reason))

    def add_links(self, events: Iterable[epcis.EpcisEvent]) -> None:
        """Packaging first, so an event on a case reaches units packed later in the file."""
        for ev in events:
            if ev.problem or ev.error_declared or ev.type != "AggregationEvent" or not ev.parent:
                continue
            if ev.time is None:
                continue
            parent = self.code(ev.parent)
            for raw in ev.children:
                child = self.code(raw)
                if parent.key and child.key:
                    self.packaging.add(parent.key, child.key, ev.time, ev.action)

    def map(self, ev: epcis.EpcisEvent) -> None:
        if ev.problem:
            self.reject(ev, ev.problem)
            return
        assert ev.time is not None
        if ev.error_declared or ev.event_id in self.known_ids:
            self.tables.skipped += 1
            return
        if ev.time > self.latest:
            self.reject(ev, "eventTime 晚于当前时间")
            return
        units = self._units(ev)
        if isinstance(units, str):
            self.reject(ev, units)
            return
        self.known_ids.add(ev.event_id)
        event = trace_event(ev)
        entity, counterparty = parties(ev, event)
        if event and not entity:
            self.reject(ev, "无法确定记录单位（缺少 bizLocation、readPoint 或来源/去向方）")
            return
        self._links(ev, units)
        self._sensors(ev, units, entity)
        if not event:
            self.tables.skipped += 1
            return
        when, day = ev.time.astimezone(dt.UTC), ev.time.astimezone(LOCAL).date()
        append = self.tables.events.append
        counterparty_or_none, event_id = counterparty or None, ev.event_id
        for code, qty, via in self._with_contents(ev, units):
            append(
                (
                    code.key,
                    code.family,
                    event,
                    when,
                    day,
                    entity,
                    counterparty_or_none,
                    code.product,
                    code.batch or ev.batch or None,
                    code.expiry or ev.expiry,
                    qty,
                    event_id,
                    via,
                )
            )

    def _units(self, ev: epcis.EpcisEvent) -> list[tuple[codes.Code, float]] | str:
        raws = [*ev.epcs, *([ev.parent] if ev.parent else []), *ev.children]
        if ev.type == "TransformationEvent":
            raws = list(ev.epcs)  # the outputs; inputs are consumed
        if ev.type == "AssociationEvent":
            raws = [ev.parent] if ev.parent else []
        units: list[tuple[codes.Code, float]] = []
        for raw in raws:
            code = self.code(raw)
            if not code.valid:
                return f"EPC“{raw}”：{code.problem}"
            units.append((code, 1.0))
        for raw, qty in ev.quantities:
            code = self.code(raw)
            if not code.valid:
                return f"epcClass“{raw}”：{code.problem}"
            units.append((code, qty))
        return units

    def _with_contents(
        self, ev: epcis.EpcisEvent, units: list[tuple[codes.Code, float]]
    ) -> list[tuple[codes.Code, float, str | None]]:
        assert ev.time is not None
        out: list[tuple[codes.Code, float, str | None]] = [(c, q, None) for c, q in units]
        if not self.packaging:
            return out
        listed = {c.key for c, _q in units}
        for code, _qty in units:
            assert code.key is not None
            for child_key, container in self.packaging.contents(code.key, ev.time):
                if child_key in listed:
                    continue
                listed.add(child_key)
                out.append((self.code(child_key), 1.0, container))
        return out

    def _links(self, ev: epcis.EpcisEvent, units: list[tuple[codes.Code, float]]) -> None:
        if ev.type not in ("AggregationEvent", "AssociationEvent") or not ev.parent:
            return
        assert ev.time is not None
        parent = self.code(ev.parent).key
        kind = "aggregation" if ev.type == "AggregationEvent" else "association"
        when = ev.time.astimezone(dt.UTC)
        for raw in ev.children:
            self.tables.links.append((parent, self.code(raw).key, when, ev.action, kind))

    def _sensors(
        self, ev: epcis.EpcisEvent, units: list[tuple[codes.Code, float]], entity: str
    ) -> None:
        assert ev.time is not None
        for reading in ev.sensors:
            when = (reading.time or ev.time).astimezone(dt.UTC)
            low, high = round(reading.temp_min, 3), round(reading.temp_max, 3)
            for code, _qty in units:
                self.tables.sensors.append((code.key, when, entity or None, low, high, ev.event_id))


def map_events(
    events: list[epcis.EpcisEvent],
    digest: str,
    known_ids: set[str],
    packaging: Packaging,
    latest: dt.datetime | None = None,
) -> Tables:
    """The tables of ``events`` (in document order), one event at a time."""
    mapper = Mapper(digest, known_ids, packaging, latest)
    mapper.add_links(events)
    for ev in events:
        mapper.map(ev)
    return mapper.tables


def existing_packaging(con: Any, events: list[epcis.EpcisEvent]) -> tuple[Packaging, set[str]]:
    """Links already in the store for the containers these events name, and the
    event IDs already loaded (so a re-sent event is skipped)."""
    packaging = Packaging()
    ids = sorted({e.event_id for e in events if e.event_id})
    con.register("_doc_ids", pa.table({"event_id": pa.array(ids, pa.string())}))
    known = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT e.event_id FROM events e JOIN _doc_ids d ON e.event_id = d.event_id"
        ).fetchall()
    }
    named = {_parse(x).key for e in events for x in [*e.epcs, e.parent] if x}
    con.register("_doc_codes", pa.table({"code": pa.array(sorted(k for k in named if k))}))
    rows = con.sql(
        """SELECT l.parent, l.child, l.time, l.action FROM links l
           WHERE l.kind = 'aggregation'
             AND (l.parent IN (SELECT code FROM _doc_codes)
                  OR l.parent IN (SELECT child FROM links WHERE parent IN
                                  (SELECT code FROM _doc_codes)))"""
    ).to_arrow_table()
    for parent, child, time, action in zip(
        *(rows.column(i).to_pylist() for i in range(4)), strict=True
    ):
        packaging.add(parent, child, time.astimezone(dt.UTC), action)
    return packaging, known


def _write_rejects(
    txn: Transaction, digest: str, rejects: list[tuple[int, str, str]]
) -> Path | None:
    if not rejects:
        return None
    reject_file = txn.reject_path(digest)
    with reject_file.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(REJECT_COLUMNS)
        writer.writerows(rejects)
    return reject_file


def _write_tables(
    txn: Transaction, digest: str, tables: Tables, unit_of: dict[str, int], with_events: bool
) -> None:
    for name, rows in (
        ("events", tables.events if with_events else []),
        ("links", tables.links),
        ("sensors", tables.sensors),
    ):
        if rows:
            table = _columns(name, rows, digest, unit_of)
            pq.write_table(table, txn.part_path(name, f"{digest}-0.parquet"))


def _columns(
    name: str, rows: list[tuple[Any, ...]], digest: str, unit_of: dict[str, int]
) -> pa.Table:
    """One Arrow array per column from the row tuples, in the store's schema."""
    schema = arrow_schema(name)
    fields = ROW_FIELDS[name]
    values: dict[str, Any] = {f: () for f in fields}
    if rows:
        values = dict(zip(fields, zip(*rows, strict=True), strict=True))
    values["source"] = [digest] * len(rows)
    if "unit" in schema.names:
        values["unit"] = [unit_of[k] for k in values["code"]]
    return pa.table([pa.array(values[f.name], f.type) for f in schema], schema=schema)
