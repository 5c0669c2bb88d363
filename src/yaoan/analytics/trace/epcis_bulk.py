# ruff: noqa: S608 - SQL built from fixed schemas, patterns and quoted literals
"""The EPCIS bulk path: a large JSON document mapped in DuckDB (``Bulk``)."""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow as pa

from yaoan.analytics.trace import codes, epcis, units
from yaoan.analytics.trace.epcis_bulk_sql import (
    _DIGITAL_LINK,
    _DRUG20,
    _SGTIN,
    _check_digit,
    _free,
    _fx_sql,
    _in,
    _register,
)
from yaoan.analytics.trace.epcis_mapping import (
    FUTURE_TOLERANCE,
    Progress,
    Tables,
    _columns,
    _parse,
    _write_rejects,
    _write_tables,
    existing_packaging,
    map_events,
    party,
    trace_event,
)
from yaoan.analytics.trace.store import TIME_ZONE, Transaction, _quote, arrow_schema


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
