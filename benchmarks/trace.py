# ruff: noqa: S608  (SQL over generated data and file paths only)
"""Benchmark of the trace engine on a synthetic district supply chain.

    .venv/bin/python benchmarks/trace.py [--events 100000000] [--csv-events 10000000]
        [--epcis-events 500000] [--dir /tmp/yaoan-bench-trace] [--keep]

A district of 20 wholesalers, 2 000 pharmacies and 30 vaccination sites; 500 products of
which 25 are cold-chain vaccines. Each unit goes maker → wholesaler → pharmacy (vaccines:
vaccination site) → patient: four events. The events are generated with DuckDB straight
into Parquet parts of a real store (manifest and all), with about a thousand injected
cases per anomaly rule and their ground truth. Phases run in child processes, each
reporting its own peak memory:

- csv:   the real CSV ingest (bulk validation, Parquet, rejects) of a CSV slice;
- epcis: the real EPCIS JSON-LD ingest of a generated plain and a mixed document, and the
         fixed cost of an ingest (a one-event document);
- rules: every anomaly rule over the whole store (DuckDB), then ``duplicate_sale`` alone
         and a bare hand-written DuckDB query doing only that rule, on the same data;
         precision and recall per rule against the injected cases.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from yaoan.analytics.trace import anomalies, ingest, units  # noqa: E402
from yaoan.analytics.trace.codes import USCC_ALPHABET, USCC_WEIGHTS  # noqa: E402
from yaoan.analytics.trace.store import FileEntry, Store, now_iso  # noqa: E402

WHOLESALERS, PHARMACIES, SITES, STRANGERS = 20, 2000, 30, 20
PRODUCTS, VACCINES = 500, 25
DRUG20_UNIT = units.drug20_sql("ev.code")
SENSOR_UNIT = units.drug20_sql("ucode(i)")
INJECT = 25_000  # every 25 000th unit carries an injected case (≈ 1 000 per rule at 100M)
EXTRA = {"no_receipt": 30_000_000, "unlicensed": 31_000_000, "channel": 32_000_000}


def uscc(n: int) -> str:
    body = f"91500111MA{n:07d}"[:17]
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return body + USCC_ALPHABET[(31 - total % 31) % 31]


def registry() -> dict[str, list[dict[str, Any]]]:
    import datetime as dt

    def entity(n: int, kind: str) -> dict[str, Any]:
        return {
            "uscc": uscc(n),
            "name": f"{kind}{n}",
            "entity_type": kind,
            "status": "operating",
            "station_id": n % 7,
            "handles_special_drugs": False,
            "handles_cold_chain": kind != "retail_pharmacy",
        }

    def licence(n: int, kind: str) -> dict[str, Any]:
        return {
            "uscc": uscc(n),
            "kind": kind,
            "valid_from": dt.date(2020, 1, 1),
            "valid_until": None,
            "status": "valid",
        }

    groups = [
        (range(1, WHOLESALERS + 1), "wholesaler", "drug_wholesale"),
        (range(1001, 1001 + PHARMACIES), "retail_pharmacy", "drug_retail"),
        (range(5001, 5001 + SITES), "vaccination_site", "vaccination"),
    ]
    return {
        "entities": [entity(n, kind) for ns, kind, _l in groups for n in ns],
        "licences": [licence(n, lic) for ns, _k, lic in groups for n in ns],
        "products": [
            {
                "product_key": f"8{p:06d}",
                "product_id": p,
                "name": f"产品{p}",
                "product_class": "drug",
                "special_drug_kind": "",
                "is_prescription": p % 3 == 0,
                "is_vaccine": p < VACCINES,
                "is_cold_chain": p < VACCINES,
            }
            for p in range(PRODUCTS)
        ],
    }


MACROS = f"""
CREATE OR REPLACE MACRO prod(u) AS u % {PRODUCTS};
CREATE OR REPLACE MACRO cold(u) AS u % {PRODUCTS} < {VACCINES};
CREATE OR REPLACE MACRO ucode(u) AS
  '8' || lpad(CAST(u % {PRODUCTS} AS VARCHAR), 6, '0')
  || lpad(CAST(u AS VARCHAR), 9, '0') || '0000';
CREATE OR REPLACE MACRO wh(u) AS 1 + u % {WHOLESALERS};
CREATE OR REPLACE MACRO shop(u) AS CASE WHEN cold(u) THEN 5001 + u % {SITES}
                                        ELSE 1001 + (u * 7919) % {PHARMACIES} END;
CREATE OR REPLACE MACRO t0(u) AS TIMESTAMPTZ '2026-01-01 08:00:00+08'
  + to_days(CAST(u % 280 AS INTEGER)) + to_minutes(CAST(u % 600 AS BIGINT));
"""


def setup(con: Any) -> None:
    con.execute("SET TimeZone='Asia/Shanghai'")
    con.execute(MACROS)
    numbers = [*range(0, WHOLESALERS + 1), *range(1001, 1001 + PHARMACIES)]
    numbers += [*range(5001, 5001 + SITES), *range(9001, 9001 + STRANGERS), 100]
    import pyarrow as pa

    con.register(
        "ids_arrow",
        pa.table({"n": numbers, "uscc": [uscc(n) for n in numbers]}),
    )
    con.execute("CREATE OR REPLACE TABLE ids AS SELECT * FROM ids_arrow")


def chain_sql(lo: int, hi: int, source: str) -> str:
    """Four events per unit u in [lo, hi); injected expiries and duplicate/multiple sales."""
    return f"""
WITH u AS (
  SELECT i AS u, ucode(i) AS code, wh(i) AS w, shop(i) AS r, t0(i) AS t,
         CASE WHEN cold(i) THEN 'administer' ELSE 'sell' END AS sale,
         CASE WHEN NOT cold(i) AND i % {INJECT} = 103 THEN DATE '2026-01-01'
              ELSE DATE '2027-06-30' END AS expiry
  FROM range({lo}, {hi}) t(i)
), ev AS (
  SELECT code, 'receive' AS event, t AS time, w AS e, 100 AS c, expiry FROM u
  UNION ALL SELECT code, 'ship', t + INTERVAL 1 DAY, w, r, expiry FROM u
  UNION ALL SELECT code, 'receive', t + INTERVAL 2 DAY, r, w, expiry FROM u
  UNION ALL SELECT code, sale, t + INTERVAL 3 DAY, r, NULL, expiry FROM u
  -- injected: sold twice at the same pharmacy
  UNION ALL SELECT code, 'sell', t + INTERVAL 10 DAY, r, NULL, expiry FROM u
    WHERE NOT cold(u) AND u % {INJECT} = 101
  -- injected: also shipped to, received and sold at a second pharmacy
  UNION ALL SELECT code, 'ship', t + INTERVAL 4 DAY, w, 1001 + (r - 1000) % {PHARMACIES}, expiry
    FROM u WHERE NOT cold(u) AND u % {INJECT} = 102
  UNION ALL SELECT code, 'receive', t + INTERVAL 5 DAY, 1001 + (r - 1000) % {PHARMACIES}, w, expiry
    FROM u WHERE NOT cold(u) AND u % {INJECT} = 102
  UNION ALL SELECT code, 'sell', t + INTERVAL 11 DAY, 1001 + (r - 1000) % {PHARMACIES}, NULL, expiry
    FROM u WHERE NOT cold(u) AND u % {INJECT} = 102
)
SELECT ev.code, {DRUG20_UNIT} AS unit, 'drug20' AS family, ev.event, ev.time,
       CAST(ev.time AS DATE) AS day,
       ie.uscc AS entity, ic.uscc AS counterparty, substr(ev.code, 1, 7) AS product,
       'B' || substr(ev.code, 2, 6) AS batch, ev.expiry, 1.0 AS quantity,
       CAST(NULL AS VARCHAR) AS event_id, CAST(NULL AS VARCHAR) AS via, '{source}' AS source
FROM ev JOIN ids ie ON ie.n = ev.e LEFT JOIN ids ic ON ic.n = ev.c
"""


def extra_sql(n: int) -> str:
    """New units: sold without receipt; held by unregistered entities; bought from a
    pharmacy (no wholesale licence)."""
    nr, ul, ch = EXTRA["no_receipt"], EXTRA["unlicensed"], EXTRA["channel"]
    return f"""
WITH nr AS (SELECT i AS u FROM range({nr}, {nr + n}) t(i) WHERE NOT cold(i)),
ul AS (SELECT i AS u, 9001 + i % {STRANGERS} AS x FROM range({ul}, {ul + n}) t(i)
       WHERE NOT cold(i)),
ch AS (SELECT i AS u, 1001 + i % 20 AS s, 1500 + i % 20 AS p FROM range({ch}, {ch + n}) t(i)
       WHERE NOT cold(i)),
ev AS (
  SELECT ucode(u) AS code, 'sell' AS event, t0(u) AS time, shop(u) AS e, NULL AS c FROM nr
  UNION ALL SELECT ucode(u), 'receive', t0(u), wh(u), 100 FROM ul
  UNION ALL SELECT ucode(u), 'ship', t0(u) + INTERVAL 1 DAY, wh(u), x FROM ul
  UNION ALL SELECT ucode(u), 'receive', t0(u) + INTERVAL 2 DAY, x, wh(u) FROM ul
  UNION ALL SELECT ucode(u), 'sell', t0(u) + INTERVAL 3 DAY, x, NULL FROM ul
  UNION ALL SELECT ucode(u), 'receive', t0(u), wh(u), 100 FROM ch
  UNION ALL SELECT ucode(u), 'ship', t0(u) + INTERVAL 1 DAY, wh(u), s FROM ch
  UNION ALL SELECT ucode(u), 'receive', t0(u) + INTERVAL 2 DAY, s, wh(u) FROM ch
  UNION ALL SELECT ucode(u), 'ship', t0(u) + INTERVAL 3 DAY, s, p FROM ch
  UNION ALL SELECT ucode(u), 'receive', t0(u) + INTERVAL 4 DAY, p, s FROM ch
  UNION ALL SELECT ucode(u), 'sell', t0(u) + INTERVAL 5 DAY, p, NULL FROM ch
)
SELECT ev.code, {DRUG20_UNIT} AS unit, 'drug20' AS family, ev.event, ev.time,
       CAST(ev.time AS DATE) AS day,
       ie.uscc AS entity, ic.uscc AS counterparty, substr(ev.code, 1, 7) AS product,
       'B' || substr(ev.code, 2, 6) AS batch, DATE '2027-06-30' AS expiry, 1.0 AS quantity,
       CAST(NULL AS VARCHAR) AS event_id, CAST(NULL AS VARCHAR) AS via, 'bench-extra' AS source
FROM ev JOIN ids ie ON ie.n = ev.e LEFT JOIN ids ic ON ic.n = ev.c
"""


def sensors_sql(units: int) -> str:
    """One logger reading per cold-chain shipment; injected: too warm, or none at all."""
    return f"""
SELECT ucode(i) AS code, {SENSOR_UNIT} AS unit,
       t0(i) + INTERVAL 1 DAY + INTERVAL 2 HOUR AS time,
       ids.uscc AS entity,
       CASE WHEN i % {INJECT} = 4 THEN 12.5 ELSE 4.0 + (i % 30) / 10.0 END AS temp_min,
       CASE WHEN i % {INJECT} = 4 THEN 12.5 ELSE 4.0 + (i % 30) / 10.0 END AS temp_max,
       CAST(NULL AS VARCHAR) AS event_id, 'bench' AS source
FROM range({units}) t(i) JOIN ids ON ids.n = wh(i)
WHERE cold(i) AND i % {INJECT} <> 5
"""


def generate(root: Path, events: int) -> dict[str, Any]:
    units = events // 4
    store = Store(root / "store")
    store.write_registry(registry())
    started = time.monotonic()
    with store.writing() as txn:
        con = store.connect(txn.base)
        setup(con)
        parts = []
        step = 2_500_000
        for n, lo in enumerate(range(0, units, step)):
            path = txn.part_path("events", f"bench-{n:03d}.parquet")
            con.execute(
                f"COPY ({chain_sql(lo, min(units, lo + step), 'bench')}) "
                f"TO '{path}' (FORMAT parquet)"
            )
            parts.append(path)
            print(f"generate: {min(units, lo + step) * 4:,} events", file=sys.stderr, flush=True)
        extra = txn.part_path("events", "bench-extra.parquet")
        con.execute(f"COPY ({extra_sql(max(50, units // INJECT))}) TO '{extra}' (FORMAT parquet)")
        sensors = txn.part_path("sensors", "bench.parquet")
        con.execute(f"COPY ({sensors_sql(units)}) TO '{sensors}' (FORMAT parquet)")
        total = con.sql(
            "SELECT count(*) FROM read_parquet(["
            + ", ".join(repr(str(p)) for p in [*parts, extra])
            + "])"
        ).fetchall()[0][0]
        con.close()
        txn.add(
            FileEntry(
                digest="bench",
                name="generated",
                kind="generated",
                events=int(total),
                rejected=0,
                ingested_at=now_iso(),
                parts={
                    "events": [txn.published_name(p) for p in [*parts, extra]],
                    "sensors": [txn.published_name(sensors)],
                },
            )
        )
        txn.commit()
    return {"events": int(total), "seconds": time.monotonic() - started}


def expected(con: Any, units: int) -> dict[str, set[tuple[str, ...]]]:
    """Ground truth per rule, at the rule's granularity (its key columns)."""
    n = max(50, units // INJECT)
    nr, ul, ch = EXTRA["no_receipt"], EXTRA["unlicensed"], EXTRA["channel"]

    def q(sql: str) -> set[tuple[str, ...]]:
        return {tuple(str(v) for v in r) for r in con.sql(sql).fetchall()}

    dup = f"range({units}) t(i) WHERE NOT cold(i) AND i % {INJECT} IN (101, 102)"
    return {
        "duplicate_sale": q(f"SELECT ucode(i) FROM {dup}"),
        "sold_at_multiple_entities": q(
            f"SELECT ucode(i) FROM range({units}) t(i) WHERE NOT cold(i) AND i % {INJECT} = 102"
        ),
        "sale_without_receipt": q(
            f"SELECT ucode(i) FROM range({nr}, {nr + n}) t(i) WHERE NOT cold(i)"
        ),
        "sold_after_expiry": q(
            f"SELECT ucode(i) FROM range({units}) t(i) WHERE NOT cold(i) AND i % {INJECT} = 103"
        ),
        "unlicensed_holder": q(
            f"""SELECT DISTINCT ids.uscc, substr(ucode(i), 1, 7) FROM range({ul}, {ul + n}) t(i)
                JOIN ids ON ids.n = 9001 + i % {STRANGERS} WHERE NOT cold(i)"""
        ),
        "illegal_channel": q(
            f"""SELECT DISTINCT p.uscc, s.uscc FROM range({ch}, {ch + n}) t(i)
                JOIN ids p ON p.n = 1500 + i % 20 JOIN ids s ON s.n = 1001 + i % 20
                WHERE NOT cold(i)"""
        ),
        "cold_chain_excursion": q(
            f"SELECT ucode(i) FROM range({units}) t(i) WHERE cold(i) AND i % {INJECT} IN (4, 5)"
        ),
    }


def found_keys(table: Any) -> dict[str, set[tuple[str, ...]]]:
    keys: dict[str, set[tuple[str, ...]]] = {}
    for row in table.to_pylist():
        rule = row["rule"]
        if rule == "unlicensed_holder":
            key: tuple[str, ...] = (row["entity"], row["code"][:7])
        elif rule == "illegal_channel":
            key = (row["entity"], row["detail"][1:19])
        else:
            key = (row["code"],)
        keys.setdefault(rule, set()).add(key)
    return keys


BARE_DUPLICATE_SALE = """
WITH s AS (
  SELECT unit, code, entity, time, quantity FROM read_parquet({files})
  WHERE event IN ('sell', 'dispense', 'administer')
), c AS (
  SELECT unit, count(*) AS n, sum(quantity) AS sold, min(entity) <> max(entity) AS multi
  FROM s GROUP BY unit HAVING count(*) > 1
), p AS (
  SELECT e.unit, max(e.quantity) AS units FROM read_parquet({files}) e SEMI JOIN c USING (unit)
  WHERE e.event IN ('receive', 'ship') GROUP BY e.unit
), f AS (
  SELECT c.* FROM c LEFT JOIN p USING (unit) WHERE c.multi OR c.sold > coalesce(p.units, 1)
)
SELECT code, arg_min(entity, (time, entity)) FILTER (WHERE k = 2) FROM (
  SELECT s.code, s.entity, s.time,
         row_number() OVER (PARTITION BY s.unit ORDER BY s.time, s.entity) AS k
  FROM s SEMI JOIN f USING (unit)) GROUP BY code
"""


def phase_rules(root: Path, units: int) -> dict[str, Any]:
    store = Store(root / "store")
    out: dict[str, Any] = {}
    started = time.monotonic()
    table, skipped = anomalies.full_run(store)
    out["all_rules_seconds"] = time.monotonic() - started
    out["anomalies"] = table.num_rows
    con = store.connect()
    setup(con)
    truth = expected(con, units)
    found = found_keys(table)
    out["quality"] = {}
    for rule, want in truth.items():
        got = found.get(rule, set())
        hit = len(got & want)
        out["quality"][rule] = {
            "injected": len(want),
            "found": len(got),
            "precision": hit / len(got) if got else 1.0,
            "recall": hit / len(want) if want else 1.0,
        }
    files = "[" + ", ".join(f"'{p}'" for p in store.paths("events")) + "]"
    timings: dict[str, list[float]] = {"rule": [], "bare": []}
    for _ in range(2):
        started = time.monotonic()
        anomalies.full_run(store, ["duplicate_sale"])
        timings["rule"].append(time.monotonic() - started)
        started = time.monotonic()
        con.sql(BARE_DUPLICATE_SALE.format(files=files)).fetchall()
        timings["bare"].append(time.monotonic() - started)
    out["duplicate_sale_seconds"] = min(timings["rule"])
    out["bare_duplicate_sale_seconds"] = min(timings["bare"])
    out["skipped"] = skipped
    return out


def phase_csv(root: Path, rows: int) -> dict[str, Any]:
    scratch = Store(root / "csv-store")
    shutil.rmtree(scratch.root, ignore_errors=True)
    scratch.write_registry(registry())
    path = root / "slice.csv"
    if not path.exists():
        con = scratch.connect()
        setup(con)
        lo = 40_000_000
        con.execute(
            f"""COPY (SELECT code, event, strftime(time, '%Y-%m-%dT%H:%M:%S') AS time, entity,
                       coalesce(counterparty, '') AS counterparty, '' AS product, batch,
                       CAST(expiry AS VARCHAR) AS expiry, '1' AS quantity
                FROM ({chain_sql(lo, lo + rows // 4, "csv")}) ORDER BY time)
                TO '{path}' (HEADER)"""
        )
        con.close()
    # the machine is shared: the load before the run and the CPU time it took say how
    # much of the wall time was this ingest's own
    load = os.getloadavg()[0]
    cpu = time.process_time()
    started = time.monotonic()
    (result,) = ingest.ingest(scratch, [path], run_rules=False, progress=lambda n: lambda m: None)
    seconds = time.monotonic() - started
    cpu = time.process_time() - cpu
    started = time.monotonic()
    shutil.rmtree(scratch.root / "events")
    scratch.root.joinpath("manifest.json").unlink()
    (again,) = ingest.ingest(scratch, [path], run_rules=True, progress=lambda n: lambda m: None)
    with_rules = time.monotonic() - started
    return {
        "rows": rows,
        "bytes": path.stat().st_size,
        "events": result.events,
        "rejected": result.rejected,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "load_average": load,
        "events_per_second": result.events / seconds,
        "with_incremental_rules_seconds": with_rules,
        "with_rules_events_per_second": again.events / with_rules,
    }


def epcis_document(n: int, mixed: bool) -> dict[str, Any]:
    """A JSON-LD upload of ``n`` events. Plain: ObjectEvents with one 20-digit code each,
    shipped/received between owning parties (USCC). Mixed: also SGTIN URN and Digital Link
    EPCs, LGTIN quantities, eventIDs, CBV URIs, sales at a bizLocation, cases packed by
    AggregationEvents and shipped whole, cold-chain sensor readings and a few bad codes."""
    import datetime as dt

    from yaoan.analytics.trace.codes import gs1_check_digit

    wholesaler, pharmacy = uscc(1), uscc(1001)
    parties = {
        "sourceList": [{"type": "owning_party", "source": wholesaler}],
        "destinationList": [{"type": "owning_party", "destination": pharmacy}],
    }

    start = dt.datetime(2026, 3, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=8)))

    def when(i: int) -> str:  # one event a second: no two events alike
        return (start + dt.timedelta(seconds=i)).isoformat()

    def code(i: int) -> str:
        return f"8{i % PRODUCTS:06d}{50_000_000 + i:09d}0000"

    def plain(i: int) -> dict[str, Any]:
        return {
            "type": "ObjectEvent",
            "eventTime": when(i),
            "eventTimeZoneOffset": "+08:00",
            "action": "OBSERVE",
            "bizStep": "shipping" if i % 2 else "receiving",
            "epcList": [code(i)],
            **parties,
        }

    def other(i: int) -> list[dict[str, Any]]:
        kind = i % 20
        ev = plain(i)
        if kind == 1:  # an eventID, CBV URIs, two codes
            ev["eventID"] = f"urn:uuid:6e1f0c3a-0000-4000-8000-{i:012d}"
            ev["bizStep"] = "urn:epcglobal:cbv:bizstep:shipping"
            ev["disposition"] = "https://ref.gs1.org/cbv/Disp-in_transit"
            ev["epcList"] = [code(i), code(i + 7_000_000)]
        elif kind == 2:  # SGTIN URN, sold at a pharmacy
            ev = {
                "type": "ObjectEvent",
                "eventTime": when(i),
                "eventTimeZoneOffset": "+08:00",
                "action": "OBSERVE",
                "bizStep": "retail_selling",
                "epcList": [f"urn:epc:id:sgtin:0614141.{i % 9}07346.S{i}"],
                "readPoint": {"id": "urn:epc:id:sgln:0614141.00777.0"},
                "bizLocation": {"id": f"urn:epc:id:pgln:{pharmacy}"},
            }
        elif kind == 3:  # GS1 Digital Link
            body = f"0950600013{i % 1000:03d}"
            ev["epcList"] = [f"https://id.gs1.org/01/{body}{gs1_check_digit(body)}/21/D{i}"]
        elif kind == 4:  # LGTIN quantities, received
            ev["bizStep"] = "https://ref.gs1.org/cbv/BizStep-receiving"
            ev["epcList"] = []
            lgtin = f"urn:epc:class:lgtin:0614141.107346.L{i % 50}"
            ev["quantityList"] = [{"epcClass": lgtin, "quantity": 10 + i % 5}]
        elif kind == 5 and i % 100 == 5:  # a case: packed, then shipped whole
            case = f"urn:epc:id:sscc:0614141.{i:010d}"
            pack = {
                "type": "AggregationEvent",
                "eventTime": when(i - 1),
                "eventTimeZoneOffset": "+08:00",
                "action": "ADD",
                "bizStep": "packing",
                "parentID": case,
                "childEPCs": [code(i + 9_000_000 + k) for k in range(10)],
                "readPoint": {"id": wholesaler},
            }
            ev["bizStep"], ev["epcList"] = "shipping", [case]
            return [pack, ev]
        elif kind == 6 and i % 100 == 6:  # a cold-chain shipment with logger readings
            ev["bizStep"] = "shipping"
            ev["sensorElementList"] = [
                {
                    "sensorMetadata": {"time": when(i)},
                    "sensorReport": [{"type": "Temperature", "value": 4.5, "uom": "CEL"}],
                }
            ]
        elif kind == 7 and i % 1000 == 7:  # a bad code: rejected with its reason
            ev["epcList"] = ["(01)09506000134353(21)X"]
        return [ev]

    events: list[dict[str, Any]] = []
    i = 0
    while len(events) < n:
        events.extend(other(i) if mixed else [plain(i)])
        i += 1
    return {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-03-30T00:00:00+08:00",
        "epcisBody": {"eventList": events[:n]},
    }


EPCIS_DOCS = ("one", "plain", "mixed")


def phase_epcis_documents(root: Path, n: int) -> dict[str, Any]:
    for name in EPCIS_DOCS:
        doc = epcis_document(1 if name == "one" else n, mixed=name == "mixed")
        (root / f"{name}.jsonld").write_text(json.dumps(doc))
    return {}


def phase_epcis_load(root: Path, name: str) -> dict[str, Any]:
    """One ingest of a generated document into an empty store (its own process: the peak
    memory is the ingest's)."""
    scratch = Store(root / f"epcis-store-{name}")
    shutil.rmtree(scratch.root, ignore_errors=True)
    scratch.write_registry(registry())
    path = root / f"{name}.jsonld"
    load = os.getloadavg()[0]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    (result,) = ingest.ingest(scratch, [path], run_rules=False, progress=lambda n: lambda m: None)
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    shutil.rmtree(scratch.root, ignore_errors=True)
    return {
        "events": result.events,
        "rejected": result.rejected,
        "bytes": path.stat().st_size,
        "seconds": seconds,
        # all threads of the process: the work done, whatever else the machine runs
        "cpu_seconds": after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime,
        "load_average": load,
        "events_per_second": result.events / seconds,
    }


def phase_epcis(args: argparse.Namespace) -> dict[str, Any]:
    """The real EPCIS ingest of a plain and of a mixed document, and the fixed cost of an
    ingest (a one-event document: store, DuckDB connection, registry, manifest)."""
    run_phase(args, "epcis-documents")
    fixed = [run_phase(args, "epcis-load", "one") for _ in range(3)]
    out: dict[str, Any] = {"fixed_seconds": min(f["seconds"] for f in fixed)}
    for name in ("plain", "mixed"):
        out[name] = run_phase(args, "epcis-load", name)
    out["peak_rss_mb"] = max(out[name]["peak_rss_mb"] for name in ("plain", "mixed"))
    return out


def child(args: argparse.Namespace) -> None:
    root = Path(args.dir)
    root.mkdir(parents=True, exist_ok=True)
    if args.phase == "generate":
        result = generate(root, args.events)
    elif args.phase == "csv":
        result = phase_csv(root, args.csv_events)
    elif args.phase == "epcis":
        print(json.dumps(phase_epcis(args), default=str))
        return
    elif args.phase == "epcis-documents":
        result = phase_epcis_documents(root, args.epcis_events)
    elif args.phase == "epcis-load":
        result = phase_epcis_load(root, args.epcis_doc)
    else:
        result = phase_rules(root, args.events // 4)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result, default=str))


def run_phase(args: argparse.Namespace, phase: str, doc: str = "") -> dict[str, Any]:
    argv = [
        sys.executable,
        __file__,
        "--phase",
        phase,
        "--dir",
        args.dir,
        "--events",
        str(args.events),
    ]
    argv += ["--csv-events", str(args.csv_events), "--epcis-events", str(args.epcis_events)]
    argv += ["--epcis-doc", doc]
    done = subprocess.run(argv, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(results: dict[str, dict[str, Any]]) -> None:
    g, c, e, r = (results[k] for k in ("generate", "csv", "epcis", "rules"))
    print(f"events in the store:            {g['events']:,} (generated in {g['seconds']:.0f} s)")
    print(
        f"CSV ingest:                     {c['events']:,} events, {c['bytes'] / 2**20:,.0f} MiB in "
        f"{c['seconds']:.1f} s = {c['events_per_second']:,.0f} events/s "
        f"(peak {c['peak_rss_mb']:,.0f} MiB); with incremental rules "
        f"{c['with_rules_events_per_second']:,.0f} events/s"
    )
    for kind in ("plain", "mixed"):
        x = e[kind]
        print(
            f"EPCIS JSON-LD ingest ({kind}):   {x['events']:,} events in {x['seconds']:.1f} s = "
            f"{x['events_per_second']:,.0f} events/s (CPU {x['cpu_seconds']:.1f} s, load "
            f"{x['load_average']:.1f}, peak {x['peak_rss_mb']:,.0f} MiB)"
        )
    print(f"EPCIS fixed cost (one event):   {e['fixed_seconds']:.3f} s")
    print(
        f"all 7 rules, {g['events']:,} events: {r['all_rules_seconds']:.1f} s, "
        f"{r['anomalies']:,} anomalies (peak {r['peak_rss_mb']:,.0f} MiB)"
    )
    ratio = r["duplicate_sale_seconds"] / r["bare_duplicate_sale_seconds"]
    print(
        f"duplicate_sale rule:            {r['duplicate_sale_seconds']:.1f} s; bare DuckDB query "
        f"{r['bare_duplicate_sale_seconds']:.1f} s; ratio {ratio:.2f}"
    )
    print("rule                         injected   found  precision  recall")
    for rule, q in r["quality"].items():
        print(
            f"{rule:28} {q['injected']:8,} {q['found']:7,} "
            f"{q['precision']:10.3f} {q['recall']:7.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000_000)
    parser.add_argument("--csv-events", type=int, default=10_000_000)
    parser.add_argument("--epcis-events", type=int, default=500_000)
    parser.add_argument("--dir", default="/tmp/yaoan-bench-trace")
    parser.add_argument("--keep", action="store_true", help="keep the generated data")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--epcis-doc", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        child(args)
        return
    root = Path(args.dir)
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    results = {}
    for phase in ("generate", "csv", "epcis", "rules"):
        print(f"== {phase}", file=sys.stderr, flush=True)
        results[phase] = run_phase(args, phase)
    (root / "results.json").write_text(json.dumps(results, indent=1, default=str))
    report(results)
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
