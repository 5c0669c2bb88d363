"""A small synthetic district for the trace tests: registry snapshot, a clean supply chain,
and one crafted case per anomaly rule. Every party code is a valid synthetic USCC."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

from yaoan.analytics.trace.codes import USCC_ALPHABET, USCC_WEIGHTS
from yaoan.analytics.trace.ingest_csv import COLUMNS
from yaoan.analytics.trace.store import Store


def uscc(n: int) -> str:
    body = f"91500111MA{n:07d}"[:17]
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return body + USCC_ALPHABET[(31 - total % 31) % 31]


MAKER = uscc(100)  # out-of-district manufacturer, not in the registry
WHOLESALER = uscc(1)
PHARMACY = uscc(2)
PHARMACY_2 = uscc(3)
CLINIC = uscc(4)
VACCINATION_SITE = uscc(5)
LAPSED_PHARMACY = uscc(6)  # its licence ran out in 2025
UNLICENSED_SELLER = uscc(7)  # a registered pharmacy that sells to others (no wholesale licence)
STRANGER = uscc(99)  # not in the registry

DRUG = "8123456"  # prescription drug
VACCINE = "8654321"  # vaccine, cold chain
OTC = "8222222"


def code(product: str, serial: int) -> str:
    return f"{product}{serial:09d}0000"


def _entity(u: str, name: str, kind: str) -> dict[str, Any]:
    return {
        "uscc": u,
        "name": name,
        "entity_type": kind,
        "status": "operating",
        "station_id": 1 if u != PHARMACY_2 else 2,
        "handles_special_drugs": False,
        "handles_cold_chain": kind in ("wholesaler", "vaccination_site"),
    }


def _licence(u: str, kind: str, until: dt.date | None = None) -> dict[str, Any]:
    return {
        "uscc": u,
        "kind": kind,
        "valid_from": dt.date(2020, 1, 1),
        "valid_until": until,
        "status": "valid",
    }


def _product(key: str, name: str, **flags: Any) -> dict[str, Any]:
    return {
        "product_key": key,
        "product_id": int(key),
        "name": name,
        "product_class": "drug",
        "special_drug_kind": "",
        "is_prescription": False,
        "is_vaccine": False,
        "is_cold_chain": False,
        **flags,
    }


REGISTRY = {
    "entities": [
        _entity(WHOLESALER, "青江医药批发", "wholesaler"),
        _entity(PHARMACY, "仁和大药房", "retail_pharmacy"),
        _entity(PHARMACY_2, "康宁药房", "retail_pharmacy"),
        _entity(CLINIC, "东街诊所", "clinic"),
        _entity(VACCINATION_SITE, "东街社区卫生服务中心", "vaccination_site"),
        _entity(LAPSED_PHARMACY, "过期药房", "retail_pharmacy"),
        _entity(UNLICENSED_SELLER, "转手药房", "retail_pharmacy"),
    ],
    "licences": [
        _licence(WHOLESALER, "drug_wholesale"),
        _licence(PHARMACY, "drug_retail"),
        _licence(PHARMACY_2, "drug_retail"),
        _licence(CLINIC, "clinic_filing"),
        _licence(VACCINATION_SITE, "vaccination"),
        _licence(LAPSED_PHARMACY, "drug_retail", dt.date(2025, 6, 30)),
        _licence(UNLICENSED_SELLER, "drug_retail"),
    ],
    "products": [
        _product(DRUG, "阿莫西林胶囊", is_prescription=True),
        _product(VACCINE, "流感疫苗", is_vaccine=True, is_cold_chain=True),
        _product(OTC, "维生素C片"),
    ],
}


def store_with_registry(root: Path) -> Store:
    store = Store(root)
    store.write_registry(REGISTRY)
    return store


def row(c: str, event: str, day: int, entity: str, counterparty: str = "", **kw: Any) -> list[str]:
    values = {
        "code": c,
        "event": event,
        "time": f"2026-01-{day:02d}T10:00:00",
        "entity": entity,
        "counterparty": counterparty,
        "product": "",
        "batch": kw.get("batch", "B2026"),
        "expiry": kw.get("expiry", "2027-12-31"),
        "quantity": str(kw.get("quantity", 1)),
    }
    return [values[c] for c in COLUMNS]


def handed_down(c: str, seller: str = PHARMACY, start: int = 2, **kw: Any) -> list[list[str]]:
    """Maker → wholesaler → pharmacy → patient, the normal chain of one pack."""
    return [
        row(c, "receive", start, WHOLESALER, MAKER, **kw),
        row(c, "ship", start + 1, WHOLESALER, seller, **kw),
        row(c, "receive", start + 2, seller, WHOLESALER, **kw),
    ]


def clean_rows() -> list[list[str]]:
    rows = []
    for serial in range(1, 6):
        c = code(DRUG, serial)
        rows += [*handed_down(c), row(c, "sell", 6, PHARMACY)]
    split = code(OTC, 1)  # a 10-unit pack sold in three parts (拆零)
    rows += handed_down(split, quantity=10)
    rows += [row(split, "sell", 7 + i, PHARMACY, quantity=3) for i in range(3)]
    kept = code(DRUG, 50)  # received and still on the shelf
    rows += handed_down(kept, seller=CLINIC)
    return rows


# one crafted case per rule: (rule, code, entity) it must produce
DUPLICATE = code(DRUG, 101)
MULTI = code(DRUG, 102)
NO_RECEIPT = code(DRUG, 103)
EXPIRED = code(DRUG, 104)
HELD_BY_STRANGER = code(DRUG, 105)
LAPSED = code(DRUG, 106)
GREY = code(DRUG, 107)
VACCINE_AT_PHARMACY = code(VACCINE, 108)


def anomaly_rows() -> list[list[str]]:
    return [
        *handed_down(DUPLICATE),
        row(DUPLICATE, "sell", 6, PHARMACY),
        row(DUPLICATE, "sell", 9, PHARMACY),
        *handed_down(MULTI),
        row(MULTI, "sell", 6, PHARMACY),
        row(MULTI, "ship", 5, WHOLESALER, PHARMACY_2),
        row(MULTI, "receive", 7, PHARMACY_2, WHOLESALER),
        row(MULTI, "sell", 8, PHARMACY_2),
        row(NO_RECEIPT, "sell", 6, PHARMACY),
        *handed_down(EXPIRED, expiry="2025-12-31"),
        row(EXPIRED, "sell", 6, PHARMACY, expiry="2025-12-31"),
        row(HELD_BY_STRANGER, "receive", 2, WHOLESALER, MAKER),
        row(HELD_BY_STRANGER, "ship", 3, WHOLESALER, STRANGER),
        row(HELD_BY_STRANGER, "receive", 4, STRANGER, WHOLESALER),
        *handed_down(LAPSED, seller=LAPSED_PHARMACY),
        row(LAPSED, "sell", 6, LAPSED_PHARMACY),
        row(GREY, "receive", 2, UNLICENSED_SELLER, WHOLESALER),
        row(GREY, "receive", 4, PHARMACY, UNLICENSED_SELLER),
        row(GREY, "sell", 6, PHARMACY),
        *handed_down(VACCINE_AT_PHARMACY),
    ]


EXPECTED = {
    ("duplicate_sale", DUPLICATE, PHARMACY),
    ("duplicate_sale", MULTI, PHARMACY_2),
    ("sold_at_multiple_entities", MULTI, PHARMACY_2),
    ("sale_without_receipt", NO_RECEIPT, PHARMACY),
    ("sold_after_expiry", EXPIRED, PHARMACY),
    ("unlicensed_holder", HELD_BY_STRANGER, STRANGER),
    ("unlicensed_holder", LAPSED, LAPSED_PHARMACY),
    ("unlicensed_holder", VACCINE_AT_PHARMACY, PHARMACY),
    ("illegal_channel", GREY, PHARMACY),
    # the vaccine shipped to the pharmacy travelled with no temperature record
    ("cold_chain_excursion", VACCINE_AT_PHARMACY, WHOLESALER),
}


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


def vaccine_doc(serials: list[int], temps: list[float], day: int = 10) -> dict[str, Any]:
    """EPCIS JSON-LD: the wholesaler ships vaccines to the vaccination site with a logger's
    readings, the site receives and administers them."""
    epcs = [code(VACCINE, s) for s in serials]

    def event(step: str, hour: int, src: str, dst: str, **extra: Any) -> dict[str, Any]:
        return {
            "type": "ObjectEvent",
            "eventTime": f"2026-01-{day:02d}T{hour:02d}:00:00+08:00",
            "eventTimeZoneOffset": "+08:00",
            "action": "OBSERVE",
            "bizStep": step,
            "epcList": epcs,
            "sourceList": [{"type": "owning_party", "source": src}] if src else [],
            "destinationList": [{"type": "owning_party", "destination": dst}] if dst else [],
            **extra,
        }

    readings = [
        {
            "sensorMetadata": {
                "time": f"2026-01-{day:02d}T{9 + i // 2:02d}:{30 * (i % 2):02d}:00+08:00"
            },
            "sensorReport": [{"type": "Temperature", "value": t, "uom": "CEL"}],
        }
        for i, t in enumerate(temps)
    ]
    return {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-01-20T00:00:00+08:00",
        "epcisBody": {
            "eventList": [
                event("receiving", 7, MAKER, WHOLESALER),
                event("shipping", 8, WHOLESALER, VACCINATION_SITE, sensorElementList=readings),
                event("receiving", 12, WHOLESALER, VACCINATION_SITE),
                {
                    **event("administering", 15, "", ""),
                    "bizLocation": {"id": VACCINATION_SITE},
                },
            ]
        },
    }


def write_json(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path
