# ruff: noqa: S608 - SQL built from fixed schemas, patterns and quoted literals
"""The EPCIS bulk path's SQL: plain-JSON patterns, the DuckDB read spec and the checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import orjson
import pyarrow as pa

from yaoan.analytics.trace import codes
from yaoan.analytics.trace.store import _quote

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
