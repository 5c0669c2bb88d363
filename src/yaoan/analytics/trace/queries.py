# ruff: noqa: S608 - SQL built from fixed column names; values are bound parameters
"""Where-from/where-to, recall reach and entity reports, read from the store with DuckDB.

Every function takes a DuckDB connection from ``Store.connect()`` and returns plain
dicts and lists (times as ISO 8601 strings with the +08:00 offset), ready for JSON.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pyarrow as pa

from yaoan.analytics.trace import codes
from yaoan.analytics.trace.store import TIME_ZONE

LOCAL = zoneinfo.ZoneInfo(TIME_ZONE)
SALE_EVENTS = ("sell", "dispense", "administer")
MAX_CHAIN_EVENTS = 2000


class QueryError(ValueError):
    """The question cannot be answered as asked (message in Chinese)."""


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(LOCAL).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _rows(con: Any, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    table: pa.Table = con.sql(sql, params=params or None).to_arrow_table()
    return [{k: _jsonable(v) for k, v in row.items()} for row in table.to_pylist()]


def where(con: Any, raw_code: str) -> dict[str, Any]:
    """Everything known about one unit: its product, batch and expiry, its chain of events,
    the containers it travelled in and the units packed inside it (with their chains)."""
    code = codes.parse(raw_code)
    if not code.valid or code.key is None:
        raise QueryError(code.problem or "追溯码无效")
    key = code.key
    contents = _rows(
        con,
        """WITH RECURSIVE inside(child, parent, depth) AS (
             SELECT child, parent, 1 FROM links WHERE parent = ? AND kind = 'aggregation'
             UNION
             SELECT l.child, l.parent, i.depth + 1 FROM links l JOIN inside i
               ON l.parent = i.child WHERE l.kind = 'aggregation' AND i.depth < 6)
           SELECT DISTINCT child AS code, parent AS container FROM inside ORDER BY code""",
        [key],
    )
    containers = _rows(
        con,
        """SELECT parent AS container, time, action FROM links
           WHERE child = ? AND kind = 'aggregation' ORDER BY time""",
        [key],
    )
    wanted = [key, *(c["code"] for c in contents)]
    con.register("_wanted", pa.table({"code": pa.array(wanted, pa.string())}))
    chain = _rows(
        con,
        f"""SELECT e.code, e.event, e.time, e.entity, en.name AS entity_name, e.counterparty,
                   cp.name AS counterparty_name, e.quantity, e.via, e.event_id
            FROM events e JOIN _wanted w ON e.code = w.code
            LEFT JOIN entities en ON en.uscc = e.entity
            LEFT JOIN entities cp ON cp.uscc = e.counterparty
            ORDER BY e.time, e.code, e.event LIMIT {MAX_CHAIN_EVENTS}""",
    )
    facts = _rows(
        con,
        """SELECT max(e.product) AS product, max(e.batch) AS batch, min(e.expiry) AS expiry,
                  max(e.family) AS family
           FROM events e WHERE e.code = ?""",
        [key],
    )[0]
    product = facts["product"] or code.product
    names = _rows(con, "SELECT name FROM products WHERE product_key = ? LIMIT 1", [product or ""])
    return {
        "code": key,
        "family": facts["family"] or code.family,
        "product": product,
        "product_name": names[0]["name"] if names else None,
        "batch": facts["batch"] or code.batch,
        "expiry": facts["expiry"] or _jsonable(code.expiry),
        "chain": [e for e in chain if e["code"] == key],
        "containers": containers,
        "contents": contents,
        "content_chains": [e for e in chain if e["code"] != key],
        "entities": sorted({e["entity"] for e in chain if e["entity"]}),
    }


def batch_reach(con: Any, product: str, batch: str) -> list[dict[str, Any]]:
    """Recall reach: every entity that received units of the batch, with the units it
    received, shipped, sold (incl. dispensed/administered), returned, destroyed, and
    presumably still holds."""
    sales = ", ".join(f"'{e}'" for e in SALE_EVENTS)
    return _rows(
        con,
        f"""WITH b AS (
              SELECT * FROM events WHERE product = ? AND batch = ?
            ), per AS (
              SELECT entity,
                SUM(CASE WHEN event = 'receive' THEN quantity ELSE 0 END) AS received,
                SUM(CASE WHEN event = 'ship' THEN quantity ELSE 0 END) AS shipped,
                SUM(CASE WHEN event IN ({sales}) THEN quantity ELSE 0 END) AS sold,
                SUM(CASE WHEN event = 'return' THEN quantity ELSE 0 END) AS returned,
                SUM(CASE WHEN event = 'destroy' THEN quantity ELSE 0 END) AS destroyed,
                COUNT(DISTINCT code) AS units_seen,
                MIN(CASE WHEN event = 'receive' THEN time END) AS first_received,
                MAX(time) AS last_event
              FROM b GROUP BY entity
            )
            SELECT per.entity, en.name AS entity_name, en.entity_type, en.station_id,
                   received, shipped, sold, returned, destroyed,
                   received - shipped - sold - returned - destroyed AS held,
                   units_seen, first_received, last_event
            FROM per LEFT JOIN entities en ON en.uscc = per.entity
            WHERE received > 0
            ORDER BY held DESC, per.entity""",
        [product, batch],
    )


def entity_report(
    con: Any, uscc: str, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> dict[str, Any]:
    """What an entity received and from whom, shipped to whom, sold, in [from, to]; and
    its balance per product over all its events up to ``to``."""
    lo = date_from or dt.date(1900, 1, 1)
    hi = date_to or dt.date(9999, 12, 31)
    sales = ", ".join(f"'{e}'" for e in SALE_EVENTS)
    window = "entity = ? AND day BETWEEN ? AND ?"
    received = _rows(
        con,
        f"""SELECT product, counterparty AS supplier, cp.name AS supplier_name,
                   SUM(quantity) AS units, COUNT(*) AS events, MIN(time) AS first, MAX(time) AS last
            FROM events LEFT JOIN entities cp ON cp.uscc = events.counterparty
            WHERE event = 'receive' AND {window}
            GROUP BY product, counterparty, cp.name ORDER BY product, supplier""",
        [uscc, lo, hi],
    )
    shipped = _rows(
        con,
        f"""SELECT product, event, counterparty AS receiver, cp.name AS receiver_name,
                   SUM(quantity) AS units, COUNT(*) AS events
            FROM events LEFT JOIN entities cp ON cp.uscc = events.counterparty
            WHERE event IN ('ship', 'return') AND {window}
            GROUP BY product, event, counterparty, cp.name ORDER BY product, receiver""",
        [uscc, lo, hi],
    )
    sold = _rows(
        con,
        f"""SELECT product, event, SUM(quantity) AS units, COUNT(*) AS events
            FROM events WHERE event IN ({sales}, 'destroy') AND {window}
            GROUP BY product, event ORDER BY product, event""",
        [uscc, lo, hi],
    )
    balance = _rows(
        con,
        """SELECT product,
              SUM(CASE WHEN event = 'receive' THEN quantity ELSE -quantity END) AS balance
            FROM events WHERE entity = ? AND day <= ?
            GROUP BY product ORDER BY product""",
        [uscc, hi],
    )
    names = _rows(con, "SELECT name, entity_type FROM entities WHERE uscc = ?", [uscc])
    return {
        "entity": uscc,
        "name": names[0]["name"] if names else None,
        "entity_type": names[0]["entity_type"] if names else None,
        "date_from": _jsonable(date_from),
        "date_to": _jsonable(date_to),
        "received": received,
        "shipped": shipped,
        "sold": sold,
        "balance": balance,
    }


def list_anomalies(
    con: Any,
    rule: str | None = None,
    entities: set[str] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """Stored anomalies (the set kept current by each ingest), newest first."""
    where_sql, params = ["TRUE"], []
    if rule:
        where_sql.append("a.rule = ?")
        params.append(rule)
    if entities is not None:
        con.register("_scope", pa.table({"uscc": pa.array(sorted(entities), pa.string())}))
        where_sql.append("a.entity IN (SELECT uscc FROM _scope)")
    condition = " AND ".join(where_sql)
    total = con.execute(f"SELECT COUNT(*) FROM anomalies a WHERE {condition}", params).fetchall()[
        0
    ][0]
    rows = _rows(
        con,
        f"""SELECT a.rule, a.code, a.entity, en.name AS entity_name, a.time, a.detail
            FROM anomalies a LEFT JOIN entities en ON en.uscc = a.entity
            WHERE {condition}
            ORDER BY a.time DESC, a.rule, a.code LIMIT {int(limit)} OFFSET {int(offset)}""",
        params,
    )
    return int(total), rows
