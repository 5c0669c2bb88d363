# ruff: noqa: S608 - SQL over the test's own temporary tables
"""The bulk path of EPCIS JSON ingest (DuckDB, no Python object per event for the common
shape) gives exactly what the general path (one ``EpcisEvent`` per event) gives."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pytest

from yaoan.analytics.tests.trace import district as d
from yaoan.analytics.tests.trace.conftest import quiet
from yaoan.analytics.trace import codes, epcis, epcis_bulk, epcis_bulk_sql, ingest, ingest_epcis
from yaoan.analytics.trace.store import Store

W, P, S = d.WHOLESALER, d.PHARMACY, d.VACCINATION_SITE
TABLES = ("events", "links", "sensors")


def gtin(body: str) -> str:
    return body + codes.gs1_check_digit(body)


def ev(i: int, **fields: Any) -> dict[str, Any]:
    """A plain shipment of one 20-digit code from the wholesaler to the pharmacy."""
    base = {
        "type": "ObjectEvent",
        "eventTime": f"2026-02-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00+08:00",
        "eventTimeZoneOffset": "+08:00",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "epcList": [d.code(d.DRUG, 1000 + i)],
        "sourceList": [{"type": "owning_party", "source": W}],
        "destinationList": [{"type": "owning_party", "destination": P}],
    }
    return {**base, "example:case": f"c{i}", **fields}


def special_events() -> list[dict[str, Any]]:
    """One event per shape or edge the two paths must treat alike."""
    dl = f"https://id.gs1.org/01/{gtin('0950600013435')}/21/B7"
    bad_dl = "https://id.gs1.org/01/09506000134350/21/B7"  # wrong check digit
    sgtin = "urn:epc:id:sgtin:0614141.107346.2017"
    case = "urn:epc:id:sscc:0614141.1234567890"
    sdt = "urn:epcglobal:cbv:sdt:"
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()
    return [
        ev(1, eventID="urn:uuid:00000000-0000-4000-8000-000000000001"),
        ev(2, eventID=""),  # an empty ID: the content digest
        ev(3, bizStep="urn:epcglobal:cbv:bizstep:receiving", disposition="in_progress"),
        ev(4, bizStep="https://ref.gs1.org/cbv/BizStep-shipping", disposition="returned"),
        ev(
            5,
            action="DELETE",
            bizStep="destroying",
            sourceList=[],
            destinationList=[],
            bizLocation={"id": P},
        ),
        ev(
            6,
            bizStep="retail_selling",
            sourceList=[],
            destinationList=[],
            readPoint={"id": "urn:epc:id:sgln:0614141.00777.0"},
            bizLocation={"id": P},
        ),
        ev(7, bizStep="dispensing", readPoint={"id": f"urn:epc:id:pgln:{P}"}),
        ev(
            8,
            bizStep="administering",
            sourceList=[],
            destinationList=[],
            bizLocation={"id": f"https://id.example.cn/party/{S}"},
        ),
        ev(9, bizStep="inspecting"),  # no trace meaning: nothing loaded
        ev(10, epcList=[sgtin, dl]),
        ev(
            11,
            epcList=[],
            quantityList=[
                {"epcClass": "urn:epc:class:lgtin:0614141.107346.L1", "quantity": 12},
                {"epcClass": "urn:epc:class:lgtin:0614141.107346.L2"},
            ],
        ),
        ev(
            12,
            quantityList=[
                {"epcClass": "urn:epc:class:lgtin:0614141.107346.L3", "quantity": 2.5, "uom": "KGM"}
            ],
        ),
        ev(
            13,
            eventID="q-float",
            quantityList=[{"epcClass": "urn:epc:class:lgtin:0614141.107346.L3", "quantity": 2.5}],
        ),
        ev(14, quantityList=[{"epcClass": "urn:epc:class:lgtin:0614141.107346.L4", "quantity": 0}]),
        ev(
            15,
            quantityList=[{"epcClass": "urn:epc:class:lgtin:0614141.107346.L5", "quantity": "5"}],
        ),
        ev(16, epcList=[bad_dl]),
        ev(17, epcList=["8123"]),
        ev(18, epcList=[f"{dl}?17=271231&10=LOT9"]),
        ev(
            19,
            sourceList=[
                {"type": f"{sdt}owning_party", "source": f"urn:x:{W}"},
                {"type": "https://ref.gs1.org/cbv/SDT-location", "source": "urn:epc:id:sgln:1.2.3"},
            ],
            destinationList=[
                {"type": "possessing_party", "destination": P},
                {"type": "owning_party", "destination": ""},
            ],
        ),
        ev(
            20,
            sourceList=[
                {"type": "owning_party", "source": W},
                {"type": "owning_party", "source": S},
            ],
        ),  # the last one counts
        ev(21, bizStep="receiving", sourceList=[], destinationList=[]),  # no entity: rejected
        ev(22, eventTime=future),
        ev(23, eventTime="2026-02-03T10:00:00"),  # no zone
        ev(24, eventTime="2026-02-03T10:00:00.123456Z"),
        ev(25, eventTime="2026-02-03T10:00:00.5-05:00"),
        ev(26, eventTime="2026-02-30T10:00:00+08:00"),
        ev(27, eventTime="2026-02-03 10:00:00+08:00"),
        ev(28, eventTimeZoneOffset=""),
        ev(29, action="UPDATE"),
        ev(30, bizStep=None),
        ev(31, readPoint=None, bizLocation={"id": P}),
        ev(32, eventID=123),
        ev(33, epcList=[d.code(d.DRUG, 33), 5]),
        ev(34, **{"example:note": "仁和大药房 收货，已核对", "gs1:ext": {"a": [1, 2]}}),
        ev(35, **{"example:note": "it's"}),
        ev(36, **{"example:note": 'say "hi"'}),
        ev(37, **{"example:note": ":colon first"}),
        ev(38, **{"example:note": "café"}),
        ev(39, **{"example:flag": True, "example:count": 3}),
        ev(40, **{"example:note": "收货"}),
        ev(41, bizStep="receiving", eventID="urn:uuid:dup"),
        ev(42, bizStep="shipping", eventID="urn:uuid:dup"),  # the same ID: skipped
        ev(43),
        ev(43),  # the same content: the same digest, skipped
        ev(44, eventID="resent"),  # loaded by an earlier file: skipped
        {
            "type": "AggregationEvent",
            "eventTime": "2026-02-05T08:00:00+08:00",
            "eventTimeZoneOffset": "+08:00",
            "action": "ADD",
            "bizStep": "packing",
            "parentID": case,
            "childEPCs": [d.code(d.DRUG, 900), d.code(d.DRUG, 901)],
            "readPoint": {"id": W},
        },
        ev(45, eventTime="2026-02-05T09:00:00+08:00", epcList=[case]),
        ev(46, errorDeclaration={"declarationTime": "2026-02-06T00:00:00+08:00"}),
        ev(
            47,
            sensorElementList=[
                {
                    "sensorMetadata": {"time": "2026-02-05T09:30:00+08:00"},
                    "sensorReport": [{"type": "Temperature", "value": 5}],
                }
            ],
        ),
        ev(48, ilmd={"cbvmda:lotNumber": "LOT48", "cbvmda:itemExpirationDate": "2027-01-31"}),
        {
            "type": "TransactionEvent",
            "eventTime": "2026-02-05T09:00:00+08:00",
            "eventTimeZoneOffset": "+08:00",
            "action": "ADD",
            "bizStep": "shipping",
            "epcList": [d.code(d.DRUG, 49)],
            "readPoint": {"id": W},
        },
        ev(50, type="Nonsense"),
        ev(51, epcList=["  " + d.code(d.DRUG, 51)]),
        ev(52, epcList=[d.code(d.DRUG, 52)], readPoint={"id": W}, bizLocation={}),
        ev(53, epcList=[d.code(d.DRUG, 53) + " "]),
        ev(54, sourceList=[{"type": "owning_party", "source": f"  {W}  "}]),
        ev(55, bizStep="departing", disposition="urn:epcglobal:cbv:disp:returned"),
        ev(
            56,
            quantityList=[
                {"epcClass": "urn:epc:class:lgtin:0614141.107346.L6", "quantity": "1_000"}
            ],
        ),
        ev(
            57,
            quantityList=[{"epcClass": "urn:epc:class:lgtin:0614141.107346.L7", "quantity": "inf"}],
        ),
        ev(58, eventTime="1901-01-01T00:03:00+08:00"),  # local mean time in zoneinfo
        ev(59, eventTime="1988-04-17T00:30:00+09:00"),  # summer time
        ev(60, eventTime="2026-01-01T00:00:00+14:00"),
        "not an object",
    ]


# special events that the bulk path must take (the rest of them go the general path)
BULK_SPECIALS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 18, 19, 20, 24, 25, 40, 54, 55}


def mixed_document(n_plain: int = 300) -> dict[str, Any]:
    rng = random.Random(7)
    events: list[Any] = [ev(1000 + i) for i in range(n_plain)]
    for special in special_events():
        events.insert(rng.randrange(len(events) + 1), special)
    events.append(copy.deepcopy(events[5]))  # a duplicate of a plain event, at the end
    return {"type": "EPCISDocument", "schemaVersion": "2.0", "epcisBody": {"eventList": events}}


def ingest_with(
    monkeypatch: pytest.MonkeyPatch, store: Store, path: Path, bulk: bool, **kw: Any
) -> ingest.IngestResult:
    monkeypatch.setattr(ingest_epcis, "BULK_MIN_EVENTS", 1 if bulk else 10**9)
    (result,) = ingest.ingest(store, [path], progress=quiet, **kw)
    return result


def contents(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows (the order of rows within a part carries no meaning)."""
    con = store.connect()
    try:
        tables = {
            t: con.sql(
                f"SELECT * EXCLUDE (source) REPLACE (CAST(time AS VARCHAR) AS time) FROM {t} "
                "ORDER BY ALL"
            ).fetchall()
            for t in TABLES
        }
        return tables | {"units": con.sql("SELECT * FROM units ORDER BY ALL").fetchall()}
    finally:
        con.close()


def reject_rows(result: ingest.IngestResult) -> list[list[str]]:
    if not result.reject_file:
        return []
    with open(result.reject_file, encoding="utf-8-sig") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize("strict", [False, True])
def test_bulk_and_general_paths_give_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, strict: bool
) -> None:
    path = d.write_json(tmp_path / "mixed.jsonld", mixed_document())
    earlier = d.write_json(
        tmp_path / "earlier.jsonld",
        {"type": "EPCISDocument", "epcisBody": {"eventList": [ev(44, eventID="resent")]}},
    )
    calls: list[int] = []
    real = epcis.json_event
    monkeypatch.setattr(epcis, "json_event", lambda i, raw: calls.append(i) or real(i, raw))
    results, tables = {}, {}
    for bulk in (False, True):
        store = d.store_with_registry(tmp_path / f"store-{bulk}")
        ingest_with(monkeypatch, store, earlier, bulk=False)
        calls.clear()
        results[bulk] = ingest_with(monkeypatch, store, path, bulk=bulk, strict=strict)
        tables[bulk] = contents(store)
        if bulk:  # the plain events and the common special ones were not Python objects
            events = orjson.loads(path.read_bytes())["epcisBody"]["eventList"]
            cases = {
                e.get("example:case"): i for i, e in enumerate(events, start=1) if type(e) is dict
            }
            assert not {cases[f"c{n}"] for n in BULK_SPECIALS} & set(calls)
            assert len(calls) < 60
    general, bulk_ = results[False], results[True]
    assert (bulk_.status, bulk_.events, bulk_.rejected) == (
        general.status,
        general.events,
        general.rejected,
    )
    assert reject_rows(bulk_) == reject_rows(general)
    assert tables[True] == tables[False]
    if not strict:
        assert general.events > 300 and general.rejected > 10
        assert len(tables[True]["links"]) == 2 and len(tables[True]["sensors"]) == 1


def test_a_resent_bulk_document_adds_nothing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = mixed_document(50)
    first = ingest_with(monkeypatch, store, d.write_json(tmp_path / "a.jsonld", doc), bulk=True)
    again = ingest_with(monkeypatch, store, d.write_json(tmp_path / "a.jsonld", doc), bulk=True)
    assert again.status == "duplicate"
    doc["schemaVersion"] = "2.0.0"  # another file, the same events
    resent = ingest_with(monkeypatch, store, d.write_json(tmp_path / "b.jsonld", doc), bulk=True)
    assert first.events > 50 and (resent.status, resent.events) == ("loaded", 0)


def test_sql_conversion_of_sgtin_and_digital_link_matches_codes_parse() -> None:
    rng = random.Random(11)
    raws = []
    for _ in range(400):
        prefix_len = rng.randrange(6, 13)
        digits = "".join(rng.choice("0123456789") for _ in range(13))
        serial = "".join(
            rng.choice("0123456789ABCXYZabcxyz-._") for _ in range(rng.randrange(1, 25))
        )
        raws.append(f"urn:epc:id:sgtin:{digits[:prefix_len]}.{digits[prefix_len:]}.{serial}")
        body = "".join(rng.choice("0123456789") for _ in range(13))
        check = codes.gs1_check_digit(body) if rng.random() < 0.8 else rng.choice("0123456789")
        alnum = "".join(rng.choice("0123456789ABCabcz") for _ in range(rng.randrange(1, 23)))
        raws.append(f"https://id.gs1.org/01/{body}{check}/21/{alnum}")
    raws += [
        "urn:epc:id:sgtin:0614141.10734.2017",  # 12 digits: bad
        "urn:epc:id:sgtin:0614141.107346.",
        "urn:epc:id:sgtin:0614141.107346.20.17",
        "https://id.gs1.org/01/09506000134352/21/",
        "https://id.gs1.org/01/9506000134352/21/B1",
    ]
    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE _fr AS SELECT unnest($1) AS raw, false AS d20", [raws])
    bulk = epcis_bulk.Bulk(con, None, "x", [])  # type: ignore[arg-type]
    bulk._codes()
    got = {
        r[0]: r[1:]
        for r in con.sql(
            "SELECT raw, key, family, product, serial, batch, expiry, problem FROM _codes"
        ).fetchall()
    }
    assert sorted(got) == sorted(set(raws))
    for raw in raws:
        c = codes.parse(raw)
        assert got[raw] == (c.key, c.family, c.product, c.serial, c.batch, c.expiry, c.problem)


def test_plain_text_is_what_repr_keeps_as_it_is() -> None:
    """The characters PLAIN_JSON lets into a string are printed by repr unchanged."""
    ranges = [(0x20, 0x7E), (0x3001, 0x303F), (0x4E00, 0x9FFF), (0xFF01, 0xFF5E)]
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            if ch in "\"',[\\]{}":
                continue
            assert repr(ch) == f"'{ch}'", hex(cp)
    plain = [{"a": "b", "c": ["收货：已核对", "x:y"], "d": {"e": "f"}, "quantity": 12, "g": []}]
    con = duckdb.connect()
    text = con.execute(
        f"SELECT {epcis_bulk_sql._REPR}, regexp_full_match(j, '{epcis_bulk_sql.PLAIN_JSON}') "
        "FROM (SELECT CAST($1 AS VARCHAR) AS j)",
        [orjson.dumps(plain[0]).decode()],
    ).fetchall()[0]
    assert text == (repr(plain[0]), True)


def test_an_event_bigger_than_duckdbs_read_buffer_loads(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = ev(1, **{"example:note": "x" * (40 << 20)})
    doc = {"type": "EPCISDocument", "epcisBody": {"eventList": [big, ev(2)]}}
    sized: list[str] = []
    getsize = epcis_bulk.os.path.getsize
    monkeypatch.setattr(epcis_bulk.os.path, "getsize", lambda p: sized.append(p) or getsize(p))
    result = ingest_with(monkeypatch, store, d.write_json(tmp_path / "big.jsonld", doc), bulk=True)
    assert (result.status, result.events, result.rejected) == ("loaded", 2, 0)
    assert sized  # read again with a buffer as big as the document
