# ruff: noqa: S608 - SQL built from fixed schemas, patterns and quoted literals
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
import csv
import datetime as dt
import functools
import gc
import os
import threading
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from yaoan.analytics.trace import codes, epcis, units
from yaoan.analytics.trace.store import TIME_ZONE, Transaction, _quote, arrow_schema

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


# --- the bulk path ------------------------------------------------------------------------
#
# A JSON document of BULK_MIN_EVENTS events or more is mapped in DuckDB: once orjson has
# parsed (and so checked) it, no Python code runs per event of the common shape — an
# ObjectEvent with an ISO 8601 eventTime with zone, an action, CBV bizStep/disposition, an
# epcList and/or quantityList, readPoint/bizLocation and source/destination lists (no
# sensors, ILMD, aggregation or error declaration) whose JSON text is "plain" (PLAIN_JSON:
# strings of printable ASCII or common CJK without quotes, backslashes, commas or
# brackets; no numbers but whole quantities; no true/false/null). Every other event, and
# every event that would be rejected, that reaches units packed in it, or whose ID another
# event of the document shares, goes the general path (``json_event`` + ``Mapper``), so
# both paths give the same rows and the same rejects. The distinct CBV steps, source and
# destination types, parties and codes (other than 20-digit drug codes, SGTIN URNs and
# plain GS1 Digital Links, which SQL converts) are judged in Python once each (``short``,
# ``trace_event``, ``party``, ``codes.parse_many``). An event without eventID gets the
# SHA-256 of its Python ``repr`` (``epcis._hash_id``); for a plain event that text is its
# compact JSON with ", " and ": " between tokens and single quotes, so DuckDB computes it.

BULK_MIN_EVENTS = 256  # below, the general path costs less than the bulk path's set-up

_TEXT = (
    r"\x20-\x21\x23-\x26\x28-\x2B\x2D-\x5A\x5E-\x7A\x7C\x7E"
    r"\x{3001}-\x{303F}\x{4E00}-\x{9FFF}\x{FF01}-\x{FF5E}"
)  # printable, without " ' , [ \ ] { } (nor U+3000, a space that repr escapes)
_FIRST = _TEXT.replace(r"\x2D-\x5A", r"\x2D-\x39\x3B-\x5A")  # not ":" (see _REPR)
# strings, structure, and whole numbers as quantities: no other number, no true/false/null
PLAIN_JSON = rf'(?:"(?:[{_FIRST}][{_TEXT}]*)?"|"quantity":-?[0-9]+|[{{}}\[\]:,])*'
# top-level members the general path reads that the bulk shape does not have
_OTHER_KEYS = (
    "errorDeclaration",
    "parentID",
    "childEPCs",
    "inputEPCList",
    "outputEPCList",
    "childQuantityList",
    "outputQuantityList",
    "sensorElementList",
    "ilmd",
)
EVENT_TIME = (
    r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
    r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?"
    r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
)
_DRUG20 = codes.DRUG20_SQL_PATTERN
# EPCs that SQL turns into keys as codes.parse does (the serial without spaces, which
# codes.clean would remove); any other form goes through codes.parse_many
_SGTIN = r"urn:epc:id:sgtin:([0-9]+)\.([0-9]+)\.([!-~]+)"
_DIGITAL_LINK = r"https://id\.gs1\.org/01/([0-9]{14})/21/([0-9A-Za-z]{1,20})"


def _check_digit(body: str) -> str:
    """SQL: the GS1 mod-10 check digit of a 13-digit text (codes.gs1_check_digit)."""
    terms = " + ".join(
        f"{3 if k % 2 else 1} * (ascii(substr({body}, {k}, 1)) - 48)" for k in range(1, 14)
    )
    return f"(10 - ({terms}) % 10) % 10"


# scalars as VARCHAR (an object or array there reads as its JSON text, "[…" or "{…");
# containers as their JSON text, read further only when present
_SPEC = orjson.dumps(
    {
        **dict.fromkeys(
            ("type", "eventID", "eventTime", "eventTimeZoneOffset", "action"), "VARCHAR"
        ),
        **dict.fromkeys(("bizStep", "disposition"), "VARCHAR"),
        **dict.fromkeys(
            (
                "epcList",
                "quantityList",
                "readPoint",
                "bizLocation",
                "sourceList",
                "destinationList",
                *_OTHER_KEYS,
            ),
            "JSON",
        ),
    }
).decode()
_QUANTITIES = '[{"epcClass":"VARCHAR","quantity":"DOUBLE"}]'
# the Python repr of a plain event from its compact JSON: no string holds a comma or starts
# with a colon, so every "," and every '":' is between tokens
_REPR = """replace(replace(replace(j, ',', ', '), '":', '": '), '"', '''')"""


def _nested(value: str) -> str:
    """A VARCHAR read from JSON that was an object or array (plain strings hold neither)."""
    return f"left({value}, 1) IN ('[', '{{')"


def _absent_or_string(value: str) -> str:
    return f"({value} IS NULL OR NOT {_nested(value)})"


def _list(value: str, spec: str) -> str:
    """A list member's JSON text as typed values: [] when absent, NULL when not a list."""
    return (
        f"CASE WHEN {value} IS NULL THEN [] "
        f"WHEN left({value}, 1) = '[' THEN from_json({value}, '{spec}') END"
    )


def _place(value: str) -> str:
    """readPoint / bizLocation: '' when absent, the id of an object, else NULL."""
    return (
        f"CASE WHEN {value} IS NULL THEN '' "
        f"WHEN left({value}, 1) = '{{' THEN from_json({value}, '{{\"id\":\"VARCHAR\"}}').id END"
    )


def _parties_ok(value: str, role: str) -> str:
    """sourceList / destinationList: a list of objects with a string type and value."""
    bad = f"s.type IS NULL OR s.{role} IS NULL OR {_nested('s.type')} OR {_nested('s.' + role)}"
    return f"{value} IS NOT NULL AND len(list_filter({value}, lambda s: {bad})) = 0"


def _bulk_checks(latest: dt.datetime) -> str:
    """What an event must satisfy to stay on the bulk path (NULL counts as false)."""
    bad_quantity = f"coalesce(q.epcClass, '') = '' OR {_nested('q.epcClass')} OR q.quantity <= 0"
    checks = [
        "e.type = 'ObjectEvent'",
        "e.action IN ('ADD', 'OBSERVE', 'DELETE')",
        f"coalesce(e.eventTimeZoneOffset, '') <> '' AND NOT {_nested('e.eventTimeZoneOffset')}",
        # Asia/Shanghai is UTC+8 since 1991 (the day in SQL and in zoneinfo agree)
        "ts >= TIMESTAMPTZ '1992-01-01 00:00:00+00'",
        f"ts <= TIMESTAMPTZ '{latest.isoformat()}'",
        _absent_or_string("e.eventID"),
        _absent_or_string("e.bizStep"),
        _absent_or_string("e.disposition"),
        *(f"e.{key} IS NULL" for key in _OTHER_KEYS),
        "epcs IS NOT NULL",
        f"quantities IS NOT NULL AND len(list_filter(quantities, lambda q: {bad_quantity})) = 0",
        # a JSON number (a text such as "1_000" or "inf" Python's float reads its own way)
        "e.quantityList IS NULL OR NOT regexp_matches(e.quantityList, '\"quantity\":[^-0-9]')",
        "read_point IS NOT NULL AND NOT " + _nested("read_point"),
        "biz_location IS NOT NULL AND NOT " + _nested("biz_location"),
        _parties_ok("sources", "source"),
        _parties_ok("destinations", "destination"),
    ]
    return "coalesce(" + "\n AND ".join(f"({c})" for c in checks) + ", false)"


def _fx_sql(latest: dt.datetime) -> str:
    """One row per event of ``_ej``: what the bulk path needs of it, ``ok`` when it is of
    the bulk shape, and its ID (``eid``, the eventID or the digest of its repr)."""
    # an epcList of plain strings: split its compact JSON text
    epcs = (
        "CASE WHEN e.epcList IS NULL OR e.epcList = '[]' THEN [] "
        "WHEN left(e.epcList, 1) = '[' AND NOT regexp_matches(substr(e.epcList, 2), '[\\[{]') "
        "THEN string_split(substr(e.epcList, 3, length(e.epcList) - 4), '\",\"') END"
    )
    return f"""
    WITH x AS (
      SELECT idx, j,
             CASE WHEN regexp_full_match(j, '{PLAIN_JSON}') THEN from_json(j, '{_SPEC}') END AS e
      FROM _ej
    ), y AS (
      SELECT idx, j, e,
             CASE WHEN regexp_full_match(e.eventTime, '{EVENT_TIME}')
                  THEN TRY_CAST(e.eventTime AS TIMESTAMPTZ) END AS ts,
             {epcs} AS epcs,
             {_list("e.quantityList", _QUANTITIES)} AS quantities,
             {_place("e.readPoint")} AS read_point,
             {_place("e.bizLocation")} AS biz_location,
             {_list("e.sourceList", '[{"type":"VARCHAR","source":"VARCHAR"}]')} AS sources,
             {_list("e.destinationList", '[{"type":"VARCHAR","destination":"VARCHAR"}]')}
               AS destinations
      FROM x
    ), z AS (SELECT *, {_bulk_checks(latest)} AS ok FROM y)
    SELECT idx, ok, ts, e.action AS action, coalesce(e.bizStep, '') AS biz,
           coalesce(e.disposition, '') AS disp, epcs, quantities,
           coalesce(nullif(biz_location, ''), nullif(read_point, ''), '') AS here,
           sources, destinations,
           CASE WHEN NOT ok THEN NULL WHEN coalesce(e.eventID, '') <> '' THEN e.eventID
                ELSE 'sha256:' || sha256({_REPR}) END AS eid
    FROM z"""


def _in(values: Iterable[str]) -> str:
    listed = ", ".join(_quote(v) for v in sorted(values))
    return f"IN ({listed})" if listed else "IN (NULL)"


def _register(con: Any, name: str, columns: dict[str, pa.Array]) -> None:
    """A small Python-made table, materialised so the queries join a DuckDB table."""
    con.register(f"{name}_arrow", pa.table(columns))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")


def _free(items: list[Any]) -> None:
    """Empty ``items`` a slice at a time: one ``clear`` would hold the GIL throughout."""
    while items:
        del items[-2048:]


class Bulk:
    """One JSON document through the bulk path (see above)."""

    def __init__(self, con: Any, txn: Transaction, digest: str, raw_events: list[Any]) -> None:
        self.con = con
        self.txn = txn
        self.digest = digest
        self.raw_events = raw_events
        self.latest = dt.datetime.now(dt.UTC) + FUTURE_TOLERANCE

    def sql(self, query: str) -> list[tuple[Any, ...]]:
        return list(self.con.execute(query).fetchall())

    def load(self, strict: bool, progress: Progress) -> tuple[int, int, Path | None]:
        progress(f"批量映射 {len(self.raw_events)} 个 EPCIS 事件…")
        # orjson writes the parsed events back as one compact array for DuckDB to read
        # (under the transaction's tmp/, which a crash leaves for the next write to remove)
        name = str(self.txn.tmp / "epcis-events.json")
        with open(name, "wb") as fh:
            fh.write(orjson.dumps(self.raw_events))
        # freeing the parsed document takes a while: done meanwhile (DuckDB works without
        # the GIL). The events of the general path are parsed again from their JSON text
        # (the same values: orjson → DuckDB → orjson).
        freeing = threading.Thread(target=_free, args=(self.raw_events,), daemon=True)
        self.raw_events = []
        freeing.start()
        try:
            try:
                self._read(name)
            finally:
                os.unlink(name)
            self._judge()
            general = self._general_events()
            return self._load_rest(general, strict, progress)
        finally:
            freeing.join()

    def _load_rest(
        self, general: list[epcis.EpcisEvent], strict: bool, progress: Progress
    ) -> tuple[int, int, Path | None]:
        progress(f"逐个映射其余 {len(general)} 个 EPCIS 事件…")
        packaging, known = existing_packaging(self.con, general)
        tables = map_events(general, self.digest, known, packaging, self.latest)
        reject_file = _write_rejects(self.txn, self.digest, tables.rejects)
        if strict and tables.rejects:
            return 0, len(tables.rejects), reject_file
        keyed = {r[0] for rows in (tables.events, tables.sensors) for r in rows}
        keyed.update(
            r[0]
            for r in self.sql(
                """SELECT DISTINCT c.key FROM _fr r JOIN _final USING (idx)
                    JOIN _codes c ON c.raw = r.raw
                    WHERE NOT r.d20"""
            )
        )
        unit_of = units.assign(self.con, self.txn, self.digest, keyed)
        _write_tables(self.txn, self.digest, tables, unit_of, with_events=False)
        loaded = self._write_events(tables, unit_of)
        return loaded, len(tables.rejects), reject_file

    def _read(self, name: str) -> None:
        """``_ej``: the events' JSON text, ``_fx``: what the bulk path needs of each, one row
        per event (``idx`` = its position, 1-based)."""
        # numbered as read (one pipeline), then judged from the table (in parallel)
        read = """CREATE OR REPLACE TEMP TABLE _ej AS
            SELECT row_number() OVER () AS idx, CAST(json AS VARCHAR) AS j
            FROM read_json({name}, format='array', records=false, columns={{'json': 'JSON'}}
                           {size})"""
        try:  # DuckDB's default buffer (16 MiB an event) reads faster than a bigger one
            self.con.execute(read.format(name=_quote(name), size=""))
        except duckdb.InvalidInputException:
            size = f", maximum_object_size={os.path.getsize(name) + 1}"
            self.con.execute(read.format(name=_quote(name), size=size))
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE _fx AS {_fx_sql(self.latest)}")

    def _judge(self) -> None:
        """``_ff``: the events of the bulk shape that load cleanly, with their trace event
        (NULL: none), ID, entity and counterparty; ``_fr``: their codes, in order."""
        con = self.con
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _fr AS
            SELECT idx, pos, raw, qty, regexp_full_match(raw, '{_DRUG20}') AS d20 FROM (
              SELECT idx, generate_subscripts(epcs, 1) AS pos, unnest(epcs) AS raw,
                     CAST(1 AS DOUBLE) AS qty
              FROM _fx WHERE ok AND len(epcs) > 0
              UNION ALL
              SELECT idx, n + pos, q.epcClass, coalesce(q.quantity, 1) FROM (
                SELECT idx, len(epcs) AS n, unnest(quantities) AS q,
                       generate_subscripts(quantities, 1) AS pos
                FROM _fx WHERE ok AND len(quantities) > 0))"""
        )
        self._codes()
        self._steps()
        roles = self._roles()

        def role(field: str, value: str, name: str) -> str:
            last = f"list_filter(x.{field}, lambda s: s.type {_in(roles[name])})[-1]"
            return f"coalesce({last}.{value}, '')"

        def owner(field: str, value: str) -> str:
            own, pos = role(field, value, "owning_party"), role(field, value, "possessing_party")
            return f"coalesce(nullif({own}, ''), nullif({pos}, ''), '')"

        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _fe AS
            WITH p AS (
              SELECT x.idx, x.ts, x.eid, m.event, x.here,
                     {owner("sources", "source")} AS src,
                     {role("sources", "source", "location")} AS src_loc,
                     {owner("destinations", "destination")} AS dst,
                     {role("destinations", "destination", "location")} AS dst_loc
              FROM _fx x JOIN _steps m
                ON m.action = x.action AND m.biz = x.biz AND m.disp = x.disp
              WHERE x.ok
            )
            SELECT idx, ts, event, eid,
              CASE WHEN event = 'receive' THEN coalesce(nullif(dst, ''), nullif(here, ''), dst_loc)
                   WHEN event IN ('ship', 'return')
                     THEN coalesce(nullif(src, ''), nullif(here, ''), src_loc)
                   ELSE coalesce(nullif(here, ''), nullif(src, ''), dst) END AS entity_raw,
              CASE WHEN event = 'receive' THEN coalesce(nullif(src, ''), src_loc)
                   WHEN event IN ('ship', 'return') THEN coalesce(nullif(dst, ''), dst_loc)
                   ELSE '' END AS counterparty_raw
            FROM p"""
        )
        found = self.sql(
            """SELECT entity_raw FROM _fe WHERE event IS NOT NULL
               UNION SELECT counterparty_raw FROM _fe WHERE event IS NOT NULL"""
        )
        raws = sorted(r[0] for r in found)
        _register(
            con,
            "_party",
            {
                "raw": pa.array(raws, pa.string()),
                "value": pa.array([party(r) for r in raws], pa.string()),
            },
        )
        # valid codes and a recording entity; an ID no other event of the bulk shape has
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _ff AS
            SELECT f.idx, f.ts, f.event, f.eid, pe.value AS entity,
                   nullif(pc.value, '') AS counterparty
            FROM _fe f LEFT JOIN _party pe ON pe.raw = f.entity_raw
                       LEFT JOIN _party pc ON pc.raw = f.counterparty_raw
            WHERE (f.event IS NULL OR pe.value <> '')
              AND f.idx NOT IN (
                SELECT r.idx FROM _fr r LEFT JOIN _codes c ON c.raw = r.raw
                WHERE NOT r.d20 AND (c.raw IS NULL OR c.problem IS NOT NULL))
              AND f.eid NOT IN (SELECT eid FROM _fe GROUP BY eid HAVING count(*) > 1)"""
        )

    def _codes(self) -> None:
        """``_codes``: every code of ``_fr`` other than a 20-digit drug code, parsed. SGTIN
        URNs and GS1 Digital Links of the plain form (id.gs1.org, GTIN and serial only) are
        converted in SQL; the rest, distinct values only, by ``codes.parse_many``."""
        con = self.con
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _codes AS
            WITH odd AS (SELECT DISTINCT raw FROM _fr WHERE NOT d20),
            sgtin AS (
              SELECT raw, regexp_extract(raw, '{_SGTIN}', ['prefix', 'item', 'serial']) AS m
              FROM odd WHERE regexp_full_match(raw, '{_SGTIN}')
            ), sgtin_body AS (
              SELECT raw, m.item[1] || m.prefix || m.item[2:] AS body, m.serial AS serial
              FROM sgtin WHERE length(m.prefix) + length(m.item) = 13
            ), link AS (
              SELECT raw, m.gtin AS gtin, m.serial AS serial FROM (
                SELECT raw, regexp_extract(raw, '{_DIGITAL_LINK}', ['gtin', 'serial']) AS m
                FROM odd WHERE regexp_full_match(raw, '{_DIGITAL_LINK}'))
              WHERE right(m.gtin, 1) = CAST({_check_digit("left(m.gtin, 13)")} AS VARCHAR)
            ), units AS (
              SELECT raw, body || CAST({_check_digit("body")} AS VARCHAR) AS gtin, serial
              FROM sgtin_body
              UNION ALL SELECT raw, gtin, serial FROM link
            )
            SELECT raw, '01' || gtin || '21' || serial AS key, 'gs1' AS family, gtin AS product,
                   serial, CAST(NULL AS VARCHAR) AS batch, CAST(NULL AS DATE) AS expiry,
                   CAST(NULL AS VARCHAR) AS problem
            FROM units"""
        )
        rest = self.sql("SELECT raw FROM _fr WHERE NOT d20 EXCEPT SELECT raw FROM _codes")
        table = codes.parse_many(r[0] for r in rest)
        con.register("_codes_arrow", table)
        con.execute(f"INSERT INTO _codes SELECT {', '.join(table.column_names)} FROM _codes_arrow")
        con.unregister("_codes_arrow")

    def _steps(self) -> None:
        """(action, bizStep, disposition) as written → the trace event, once per combination."""
        combos = self.sql("SELECT DISTINCT action, biz, disp FROM _fx WHERE ok")
        events = [
            trace_event(
                epcis.EpcisEvent(
                    0, "ObjectEvent", action=a, biz_step=epcis.short(b), disposition=epcis.short(d)
                )
            )
            for a, b, d in combos
        ]
        _register(
            self.con,
            "_steps",
            {
                "action": pa.array([c[0] for c in combos], pa.string()),
                "biz": pa.array([c[1] for c in combos], pa.string()),
                "disp": pa.array([c[2] for c in combos], pa.string()),
                "event": pa.array(events, pa.string()),
            },
        )

    def _roles(self) -> dict[str, set[str]]:
        """Source/destination types as written, by the CBV role they name."""
        found = self.sql(
            """SELECT DISTINCT t FROM (
                 SELECT unnest(list_transform(sources, lambda s: s.type)) AS t
                 FROM _fx WHERE ok
                 UNION ALL
                 SELECT unnest(list_transform(destinations, lambda s: s.type))
                 FROM _fx WHERE ok)"""
        )
        roles: dict[str, set[str]] = {
            "owning_party": set(),
            "possessing_party": set(),
            "location": set(),
        }
        for (raw,) in found:
            name = epcis.short(raw)
            if name in roles:
                roles[name].add(raw)
        return roles

    def _general_events(self) -> list[epcis.EpcisEvent]:
        """The events that go the general path, in document order. Of ``_ff`` the bulk path
        writes ``_final``: those with a trace event and an ID not loaded before."""
        con = self.con
        general = self._parsed("SELECT idx FROM _fx WHERE idx NOT IN (SELECT idx FROM _ff)")
        # an ID another event shares: the general path decides which one counts
        ids = sorted({ev.event_id for ev in general.values()})
        # a code that is a container (in the store or in this document) reaches its contents
        parents = {
            _parse(ev.parent).key
            for ev in general.values()
            if ev.type == "AggregationEvent" and ev.parent
        }
        _register(con, "_general_ids", {"eid": pa.array(ids, pa.string())})
        _register(
            con,
            "_doc_parents",
            {"parent": pa.array(sorted(p for p in parents if p), pa.string())},
        )
        moved = self.sql(
            """SELECT idx FROM _ff WHERE eid IN (SELECT eid FROM _general_ids)
                UNION
                SELECT r.idx FROM _fr r JOIN _ff USING (idx) LEFT JOIN _codes c ON c.raw = r.raw
                WHERE CASE WHEN r.d20 THEN r.raw ELSE c.key END
                      IN (SELECT parent FROM links WHERE kind = 'aggregation'
                          UNION ALL SELECT parent FROM _doc_parents)"""
        )
        _register(con, "_moved", {"idx": pa.array([r[0] for r in moved], pa.int64())})
        general.update(self._parsed("SELECT idx FROM _moved"))
        con.execute("DROP TABLE _ej")
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _final AS
               SELECT * FROM _ff
               WHERE event IS NOT NULL AND idx NOT IN (SELECT idx FROM _moved)
                 AND eid NOT IN (SELECT event_id FROM events WHERE event_id IS NOT NULL)"""
        )
        return [general[i] for i in sorted(general)]

    def _parsed(self, indexes: str) -> dict[int, epcis.EpcisEvent]:
        """The events at the ``indexes`` (a query) as ``EpcisEvent``s."""
        rows = self.sql(f"SELECT idx, j FROM _ej WHERE idx IN ({indexes}) ORDER BY idx")
        return {i: epcis.json_event(i, orjson.loads(j)) for i, j in rows}

    def _write_events(self, tables: Tables, unit_of: dict[str, int]) -> int:
        """The bulk rows and the general rows as one Parquet part (the order of the rows in
        a part carries no meaning: they are not sorted, which would cost ~1 µs a row)."""
        con = self.con
        schema = arrow_schema("events")
        general = _columns("events", tables.events, self.digest, unit_of)
        con.register("_general_rows", general)
        _register(
            con,
            "_unit_map",
            {
                "code": pa.array(list(unit_of), pa.string()),
                "unit": pa.array(list(unit_of.values()), pa.int64()),
            },
        )
        bulk = {
            "code": "CASE WHEN r.d20 THEN r.raw ELSE c.key END",
            "unit": f"CASE WHEN r.d20 THEN {units.drug20_sql('r.raw')} ELSE u.unit END",
            "family": "CASE WHEN r.d20 THEN 'drug20' ELSE c.family END",
            "event": "f.event",
            "time": "f.ts",
            "day": f"CAST(timezone('{TIME_ZONE}', f.ts) AS DATE)",
            "entity": "f.entity",
            "counterparty": "f.counterparty",
            "product": "CASE WHEN r.d20 THEN substr(r.raw, 1, 7) ELSE c.product END",
            "batch": "CASE WHEN r.d20 THEN NULL ELSE nullif(c.batch, '') END",
            "expiry": "CASE WHEN r.d20 THEN NULL ELSE c.expiry END",
            "quantity": "r.qty",
            "event_id": "f.eid",
            "via": "CAST(NULL AS VARCHAR)",
            "source": _quote(self.digest),
        }
        assert list(bulk) == schema.names
        bulk_rows = (
            "SELECT "
            + ", ".join(f"{expr} AS {name}" for name, expr in bulk.items())
            + """ FROM _fr r JOIN _final f USING (idx) LEFT JOIN _codes c ON c.raw = r.raw
                  LEFT JOIN _unit_map u ON u.code = c.key"""
        )
        general_rows = "SELECT " + ", ".join(schema.names) + " FROM _general_rows"
        total = self.sql("SELECT count(*) FROM _fr JOIN _final USING (idx)")[0][0]
        total += general.num_rows
        if total:
            part = self.txn.part_path("events", f"{self.digest}-0.parquet")
            con.execute(
                f"""COPY (SELECT {", ".join(schema.names)}
                          FROM ({bulk_rows} UNION ALL {general_rows}))
                    TO {_quote(str(part))} (FORMAT parquet)"""
            )
        return int(total)
