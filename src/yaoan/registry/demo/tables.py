"""The demo's fixed tables, read from ``data/``: name parts, the type mix and rating
weights of the district, what each licence kind permits, and the product catalogues.
Edit the data files to change the district; the loader only reads them."""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from yaoan.core.demo.district import district

DATA = Path(__file__).with_name("data")
WeightTable = list[tuple[str, int]]


def _toml(name: str) -> dict[str, Any]:
    return tomllib.loads((DATA / name).read_text(encoding="utf-8"))


def _csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True)
class Names:
    trade: list[str]
    chain_trade: list[str]
    store_qualifiers: list[str]
    clinic_kinds: list[str]
    device_suffixes: list[str]
    cosmetic_suffixes: list[str]
    roads: list[str]
    mobile_prefixes: list[str]
    village_suffixes: list[str]
    platforms: list[str]
    plasma_stations: list[str]
    cosmetic_brands: list[str]
    regrading_reasons: list[str]


@dataclass(frozen=True)
class Mix:
    per_600: WeightTable  # entity type, count in a district of 600 (file order matters)
    caps: dict[str, int]
    risk: dict[str, WeightTable]  # "default" | "high" | "low" → grade weights
    high_risk: frozenset[str]
    low_risk: frozenset[str]
    credit: WeightTable


@dataclass(frozen=True)
class LicenceRules:
    scope: dict[str, str]
    period_years: dict[str, int]
    city_issued: frozenset[str]
    health_issued: frozenset[str]


@dataclass(frozen=True)
class Drug:
    name: str
    dosage_form: str
    specifications: list[str]
    category: str  # H chemical, S biological, Z Chinese medicine (国药准字 letter)
    flags: frozenset[str]  # rx, vbp, cold, vaccine
    special: str  # SpecialDrugKind value, "" for none


@dataclass(frozen=True)
class Device:
    name: str
    device_class: str  # "3" national, "2" provincial, "1" filing
    model: str
    flags: frozenset[str]  # vbp, beauty, cold


@dataclass(frozen=True)
class Cosmetic:
    name: str
    special: bool
    for_children: bool


@cache
def names() -> Names:
    raw = _toml("names.toml")
    return Names(
        trade=raw["trade_names"],
        chain_trade=raw["chain_trade_names"],
        store_qualifiers=raw["store_qualifiers"],
        clinic_kinds=raw["clinic_kinds"],
        device_suffixes=raw["device_suffixes"],
        cosmetic_suffixes=raw["cosmetic_suffixes"],
        roads=raw["roads"],
        mobile_prefixes=raw["mobile_prefixes"],
        village_suffixes=raw["village_suffixes"],
        platforms=raw["platform_names"],
        plasma_stations=raw["plasma_names"],
        cosmetic_brands=raw["cosmetic_brands"],
        regrading_reasons=raw["regrading_reasons"],
    )


@cache
def mix() -> Mix:
    raw = _toml("district.toml")
    caps = dict(raw["caps"])
    caps["pharmacy_chain"] = len(names().chain_trade)  # one chain per chain trade name
    return Mix(
        per_600=list(raw["mix"].items()),
        caps=caps,
        risk={k: list(v.items()) for k, v in raw["risk"].items()},
        high_risk=frozenset(raw["risk_class"]["high"]),
        low_risk=frozenset(raw["risk_class"]["low"]),
        credit=list(raw["credit"].items()),
    )


@cache
def licence_rules() -> LicenceRules:
    raw = _toml("licences.toml")
    return LicenceRules(
        scope=raw["scope"],
        period_years=raw["period_years"],
        city_issued=frozenset(raw["issuer"]["city_drug"]),
        health_issued=frozenset(raw["issuer"]["health"]),
    )


@cache
def drugs() -> list[Drug]:
    return [
        Drug(
            name=r["name"],
            dosage_form=r["dosage_form"],
            specifications=r["specifications"].split("|"),
            category=r["category"],
            flags=frozenset(r["flags"].split()),
            special=r["special"],
        )
        for r in _csv("drugs.csv")
    ]


@cache
def devices() -> list[Device]:
    return [
        Device(r["name"], r["class"], r["model"], frozenset(r["flags"].split()))
        for r in _csv("devices.csv")
    ]


@cache
def cosmetics() -> list[Cosmetic]:
    return [
        Cosmetic(r["name"], r["special"] == "yes", r["children"] == "yes")
        for r in _csv("cosmetics.csv")
    ]


def target_mix(total: int) -> dict[str, int]:
    """How many of each type a district of ``total`` entities has (every type at least 1)."""
    table = mix()
    weight = sum(w for _, w in table.per_600)
    counts = {t: max(1, round(w * total / weight)) for t, w in table.per_600}
    for t, cap in table.caps.items():
        counts[t] = min(counts[t], cap)
    counts["retail_pharmacy"] += total - sum(counts.values())
    return counts


# the district's constants, for the generators' number and address formats
DISTRICT = district().name
CITY = district().city
PROVINCE_ABBR = district().province_abbr
AREA_CODE = district().area_code
