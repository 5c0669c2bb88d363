"""The demo's regulated entities as specifications: identity, address, people, ratings and
licences, generated from a seeded ``random.Random`` and a seeded Faker. Writing them is
``writers``' job (through the services, or in bulk for benchmark-sized districts)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from yaoan.common.identifiers import USCC_ALPHABET, uscc_check_character
from yaoan.core.models import Subdistrict
from yaoan.registry.demo.naming import Draft, shape_of
from yaoan.registry.demo.tables import (
    AREA_CODE,
    CITY,
    DISTRICT,
    PROVINCE_ABBR,
    WeightTable,
    licence_rules,
    mix,
    names,
)
from yaoan.registry.enums import EntityStatus, EntityType, LicenceKind, LicenceStatus, RatingKind
from yaoan.registry.pinyin import pinyin_initials


@dataclass
class LicenceSpec:
    kind: str
    number: str
    valid_from: dt.date
    valid_until: dt.date | None
    issuer: str
    status: str = LicenceStatus.VALID


@dataclass
class EntitySpec:
    index: int
    data: dict[str, Any]
    initials: str
    risk: str
    credit: str
    licences: list[LicenceSpec] = field(default_factory=list)
    chain_hq_key: int | None = None  # index of the chain HQ among the chains
    extra_rating: tuple[str, str, str] | None = None  # kind, new value, reason


@dataclass
class Context:
    today: dt.date
    rng: random.Random
    subdistricts: list[Subdistrict]
    chain_names: list[str]
    people: list[str]  # a pool of faker names (faker is slow)
    surnames: list[str]
    licence_serial: Counter[str] = field(default_factory=Counter)


# --- identifiers ------------------------------------------------------------------------


def _b31(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, r = divmod(n, 31)
        out.append(USCC_ALPHABET[r])
    return "".join(reversed(out))


def make_uscc(index: int, prefix: str) -> str:
    """A valid code, unique per index: authority+category, the district code, and a
    nine-character organisation code (a bijective scramble of the index), check character."""
    if prefix[0] in "15":  # institutions and social organisations: numeric org codes
        org = f"{(index * 7_919_333 + 40_117_003) % 10**8:08d}" + USCC_ALPHABET[index % 31]
    else:  # businesses registered after 2015: MA + 7 characters
        org = "MA" + _b31((index * 7919 + 1_234_567) % 31**7, 7)
    body = f"{prefix}{AREA_CODE}{org}"
    return body + uscc_check_character(body)


@lru_cache(maxsize=4096)
def _initials(part: str) -> str:
    return pinyin_initials(part)


def initials_of(parts: tuple[str, ...]) -> str:
    """Pinyin initials of a name built from parts; each part's initials are cached (the
    bulk path makes 100k names from a few hundred parts)."""
    return "".join(_initials(p) for p in parts)


def _phone(rng: random.Random) -> str:
    return rng.choice(names().mobile_prefixes) + f"{rng.randrange(10**8):08d}"


def _weighted(rng: random.Random, table: WeightTable) -> str:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights=weights)[0]


# --- licences ---------------------------------------------------------------------------


def _licence_number(kind: str, n: int, year: int) -> str:
    area = AREA_CODE[2:]
    return {
        LicenceKind.DRUG_RETAIL: f"{PROVINCE_ABBR}CB{area}{n:05d}",
        LicenceKind.DRUG_WHOLESALE: f"{PROVINCE_ABBR}AA{area}{n:04d}",
        LicenceKind.DRUG_CHAIN: f"{PROVINCE_ABBR}BA{area}{n:04d}",
        LicenceKind.DEVICE_CLASS_3: f"{PROVINCE_ABBR}青市监械经营许{year}{n:05d}号",
        LicenceKind.DEVICE_CLASS_2_FILING: f"{PROVINCE_ABBR}青市监械经营备{year}{n:05d}号",
        LicenceKind.MEDICAL_PRACTICE: f"PDY{n:06d}-{AREA_CODE}-A1001",
        LicenceKind.CLINIC_FILING: f"青卫诊备〔{year}〕{n:05d}号",
        LicenceKind.SPECIAL_DRUG: f"{PROVINCE_ABBR}印鉴{year}{n:05d}",
        LicenceKind.VACCINATION: f"青卫接种〔{year}〕{n:04d}号",
        LicenceKind.ONLINE_FILING: f"{PROVINCE_ABBR}网售备{year}{n:05d}",
        LicenceKind.PLASMA: f"{PROVINCE_ABBR}浆证〔{year}〕{n:03d}号",
    }[LicenceKind(kind)]


def _issuer(kind: str) -> str:
    rules = licence_rules()
    if kind in rules.city_issued:
        return f"{CITY}药品监督管理局"
    if kind == LicenceKind.PLASMA:
        return f"{CITY}卫生健康委员会"
    if kind in rules.health_issued:
        return f"{DISTRICT}卫生健康委员会"
    return f"{DISTRICT}市场监督管理局"


def _licence(ctx: Context, kind: str, entity_index: int, status: str) -> LicenceSpec:
    """Validity relative to today: a fixed share already expired, within 30 and 90 days."""
    ctx.licence_serial[kind] += 1
    n = ctx.licence_serial[kind]
    rng, today = ctx.rng, ctx.today
    number, issuer = _licence_number(kind, n, 2019 + n % 7), _issuer(kind)
    years = licence_rules().period_years.get(kind, 5)
    if kind in LicenceKind.filings():
        valid_from = today - dt.timedelta(days=rng.randint(30, 6 * 365))
        return LicenceSpec(kind, number, valid_from, None, issuer, status)
    bucket = (entity_index * 7 + n) % 40
    if bucket in (0, 1):  # already expired
        until = today - dt.timedelta(days=rng.randint(1, 300))
    elif bucket == 2:  # within 30 days
        until = today + dt.timedelta(days=rng.randint(1, 30))
    elif bucket in (3, 4):  # within 31–90 days
        until = today + dt.timedelta(days=rng.randint(31, 90))
    else:
        until = today + dt.timedelta(days=rng.randint(91, years * 365 - 1))
    valid_from = until - dt.timedelta(days=years * 365)
    return LicenceSpec(kind, number, valid_from, until, issuer, status)


# --- entities ---------------------------------------------------------------------------

STATUS_TABLE: WeightTable = [
    (EntityStatus.OPERATING, 95),
    (EntityStatus.SUSPENDED, 3),
    (EntityStatus.CANCELLED, 2),
]


def _risk_table(etype: str) -> WeightTable:
    table = mix()
    kind = "high" if etype in table.high_risk else "low" if etype in table.low_risk else "default"
    return table.risk[kind]


def _entity_spec(ctx: Context, index: int, etype: str) -> EntitySpec:
    """One entity of type ``etype``; ``index`` makes its credit code unique."""
    rng = ctx.rng
    # urban streets hold more businesses than rural towns
    sub = rng.choices(ctx.subdistricts, weights=[s.population for s in ctx.subdistricts])[0]
    draft = Draft(
        rng, index, sub, rng.choice(names().trade), ctx.chain_names, ctx.people, ctx.surnames
    )
    shape = shape_of(etype, draft)
    status = _weighted(rng, STATUS_TABLE)
    lic_status = (
        LicenceStatus.CANCELLED if status == EntityStatus.CANCELLED else LicenceStatus.VALID
    )
    road = shape.road or rng.choice(names().roads)
    spec = EntitySpec(
        index=index,
        data={
            "name": "".join(shape.parts),
            "uscc": make_uscc(index, shape.prefix),
            "entity_type": etype,
            "medical_level": shape.medical_level,
            "device_class": shape.device_class,
            "subdistrict": sub,
            "address": f"{CITY}{DISTRICT}{sub.name}{road}{rng.randint(1, 399)}号",
            "legal_representative": rng.choice(ctx.people),
            "quality_manager": rng.choice(ctx.people)
            if etype != EntityType.COSMETICS_DEALER
            else "",
            "contact_phone": _phone(rng),
            "status": status,
            "handles_special_drugs": shape.special,
            "in_volume_procurement": shape.vbp,
            "offers_medical_beauty": shape.beauty,
            "handles_cold_chain": shape.cold,
        },
        initials=initials_of(shape.parts),
        risk=_weighted(rng, _risk_table(etype)),
        credit=_weighted(rng, mix().credit),
        chain_hq_key=shape.chain_key,
    )
    spec.licences = [_licence(ctx, k, index, lic_status) for k in shape.licence_kinds]
    if rng.random() < 0.04:  # a later regrading, e.g. after an inspection found problems
        kind = rng.choice([RatingKind.RISK, RatingKind.CREDIT])
        spec.extra_rating = (kind, rng.choice("BCD"), rng.choice(names().regrading_reasons))
    return spec


def entity_specs(ctx: Context, counts: dict[str, int], start_index: int) -> Iterator[EntitySpec]:
    """Chain headquarters first (their stores refer to them), the rest interleaved."""
    order: list[str] = []
    for etype, _w in mix().per_600:
        order += [etype] * counts.get(etype, 0)
    chains = [t for t in order if t == EntityType.PHARMACY_CHAIN]
    rest = [t for t in order if t != EntityType.PHARMACY_CHAIN]
    ctx.rng.shuffle(rest)
    for offset, etype in enumerate(chains + rest):
        yield _entity_spec(ctx, start_index + offset, etype)
