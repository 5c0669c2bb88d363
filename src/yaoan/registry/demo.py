"""The demo district (青江区): a synthetic, reproducible regulator and its regulated entities.

Everything here is made up with a fixed seed (Faker zh_CN and Python's ``random``). No name,
phone or e-mail of a real official appears; the district, its towns and streets are fictional.

Two ways of writing entities:

* the normal demo (~600 entities) goes through the registry services, so every entity,
  licence, product and rating has its audit record, exactly as if staff had entered it;
* ``--entities N`` above the normal size adds entities with ``bulk_create`` in batches (one
  summary audit record), for benchmarks at 100k entities.

The demo accounts have known passwords and TOTP secrets derived from their usernames. That is
only acceptable on a development or demonstration machine, which is why the command refuses
to run unless ``DEBUG`` is on or ``YAOAN_DEMO=1`` (see ``demo_allowed``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from yaoan.common.identifiers import USCC_ALPHABET, gs1_check_digit, uscc_check_character
from yaoan.core import audit
from yaoan.core import services as core_services
from yaoan.core.actors import system_actor
from yaoan.core.enums import AreaType, OrgUnitKind, Role, SubdistrictKind
from yaoan.core.models import OrgUnit, Subdistrict, User
from yaoan.registry import services
from yaoan.registry.enums import (
    DeviceClass,
    EntityStatus,
    EntityType,
    LicenceKind,
    LicenceStatus,
    MedicalLevel,
    ProductClass,
    RatingKind,
    SpecialDrugKind,
)
from yaoan.registry.models import Entity, EntityRatingChange, Licence
from yaoan.registry.pinyin import pinyin_initials

SEED = 20260101
DISTRICT = "青江区"
CITY = "重庆市"
PROVINCE_ABBR = "渝"
AREA_CODE = "500199"  # fictional county-level division code (not assigned to any district)
BUREAU_CODE = "qj-bureau"  # the marker: the demo is loaded when this org unit exists
DEMO_SOURCE = "demo"
NORMAL_SIZE = 600
BATCH = 2000

# One password for every demo account: 16 characters, four classes, not on the weak list.
DEMO_PASSWORD = "Qingjiang-Demo-2026!"  # noqa: S105  (a published demo credential)


def demo_allowed() -> bool:
    """The demo accounts' secrets are public, so they may only exist where DEBUG is on or the
    operator said explicitly that this is a demonstration machine (``YAOAN_DEMO=1``)."""
    return bool(settings.DEBUG) or os.environ.get("YAOAN_DEMO", "") == "1"


def is_loaded() -> bool:
    return OrgUnit.objects.filter(code=BUREAU_CODE).exists()


# --- org structure ----------------------------------------------------------------------

SECTIONS = [
    ("qj-sec-drug", "药品安全监管股", "药品股"),
    ("qj-sec-device", "医疗器械化妆品监管股", "械妆股"),
    ("qj-sec-law", "法规股", "法规股"),
    ("qj-sec-general", "综合股", "综合股"),
    ("qj-sec-credit", "信用监管股", "信用股"),
    ("qj-sec-monitor", "药品不良反应监测中心", "监测中心"),
]
# station code, name, short name
STATIONS = [
    ("qj-station-jiangcheng", "江城市场监管所", "江城所"),
    ("qj-station-guihua", "桂花市场监管所", "桂花所"),
    ("qj-station-shimen", "石门市场监管所", "石门所"),
]
# code suffix, name, kind, area type, population, station index
SUBDISTRICTS = [
    ("001", "江城街道", SubdistrictKind.STREET, AreaType.URBAN, 118_400, 0),
    ("002", "青云街道", SubdistrictKind.STREET, AreaType.URBAN, 96_700, 0),
    ("003", "白鹭街道", SubdistrictKind.STREET, AreaType.URBAN, 74_200, 0),
    ("004", "桂花街道", SubdistrictKind.STREET, AreaType.URBAN_FRINGE, 58_900, 1),
    ("101", "龙潭镇", SubdistrictKind.TOWN, AreaType.URBAN_FRINGE, 41_300, 1),
    ("102", "清溪镇", SubdistrictKind.TOWN, AreaType.RURAL, 27_600, 1),
    ("103", "石门镇", SubdistrictKind.TOWN, AreaType.RURAL, 33_800, 2),
    ("104", "双河镇", SubdistrictKind.TOWN, AreaType.RURAL, 21_500, 2),
]
MEMBER_DEPARTMENTS = [
    ("qj-dept-health", "青江区卫生健康委员会", "区卫生健康委"),
    ("qj-dept-medinsurance", "青江区医疗保障局", "区医保局"),
    ("qj-dept-police", "重庆市公安局青江区分局", "公安青江分局"),
    ("qj-dept-procuratorate", "青江区人民检察院", "区检察院"),
    ("qj-dept-court", "青江区人民法院", "区法院"),
    ("qj-dept-publicity", "中共青江区委宣传部", "区委宣传部"),
    ("qj-dept-cyberspace", "中共青江区委网络安全和信息化委员会办公室", "区委网信办"),
    ("qj-dept-justice", "青江区司法局", "区司法局"),
    ("qj-dept-development", "青江区发展和改革委员会", "区发展改革委"),
    ("qj-dept-education", "青江区教育委员会", "区教委"),
    ("qj-dept-agriculture", "青江区农业农村委员会", "区农业农村委"),
    ("qj-dept-finance", "青江区财政局", "区财政局"),
    ("qj-dept-commerce", "青江区商务委员会", "区商务委"),
    ("qj-dept-science", "青江区科学技术局", "区科技局"),
    ("qj-dept-ecology", "重庆市青江区生态环境局", "区生态环境局"),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    unit_code: str
    roles: tuple[str, ...]
    note: str
    admin: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("qj.inspector1", STATIONS[0][0], (Role.INSPECTOR,), "江城所检查员"),
    DemoAccount("qj.inspector2", STATIONS[1][0], (Role.INSPECTOR,), "桂花所检查员"),
    DemoAccount("qj.inspector3", STATIONS[2][0], (Role.INSPECTOR,), "石门所检查员"),
    DemoAccount("qj.inspector", "qj-sec-drug", (Role.INSPECTOR,), "区局检查员（全区）"),
    DemoAccount("qj.chief", "qj-sec-drug", (Role.SECTION_CHIEF,), "药品股负责人"),
    DemoAccount("qj.devicechief", "qj-sec-device", (Role.SECTION_CHIEF,), "械妆股负责人"),
    DemoAccount("qj.case", "qj-enforcement", (Role.CASE_OFFICER,), "执法支队办案人员"),
    DemoAccount("qj.office", "qj-committee-office", (Role.COMMITTEE_OFFICE,), "食药安办"),
    DemoAccount("qj.liaison", "qj-dept-health", (Role.LIAISON,), "卫健委联络员"),
    DemoAccount("qj.liaison2", "qj-dept-medinsurance", (Role.LIAISON,), "医保局联络员"),
    DemoAccount("qj.monitor", "qj-sec-monitor", (Role.MONITORING,), "监测人员"),
    DemoAccount("qj.leader", BUREAU_CODE, (Role.LEADER,), "分管局领导"),
    DemoAccount("qj.sysadmin", "qj-sec-general", (Role.SYSTEM_ADMIN,), "系统管理员", True),
    DemoAccount("qj.secadmin", "qj-sec-general", (Role.SECURITY_ADMIN,), "安全管理员", True),
    DemoAccount("qj.auditor", "qj-sec-general", (Role.AUDIT_ADMIN,), "审计管理员", True),
]
DEMO_USERNAMES = frozenset(a.username for a in DEMO_ACCOUNTS)
# The draws step adds pool inspectors under this prefix; a draw can pair anyone in the pool
# with a demo inspector, so they sign in like the accounts above (same password, demo TOTP).
POOL_PREFIX = "qj.draw."
BENCH_USERNAME = "qj.inspector"  # a bureau-level (whole-district) user


def totp_key_hex(username: str) -> str:
    """The demo account's TOTP key (20 bytes, hex), stable across runs and machines."""
    return hashlib.sha256(f"yaoan-demo-totp:{username}".encode()).hexdigest()[:40]


def is_demo_account(user: User) -> bool:
    """A user the demo created: a demo username whose TOTP key is the demo's derived key."""
    if user.username not in DEMO_USERNAMES and not user.username.startswith(POOL_PREFIX):
        return False
    return TOTPDevice.objects.filter(
        user=user, confirmed=True, key=totp_key_hex(user.username)
    ).exists()


def current_code(user: User, at: dt.datetime | None = None) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = (at or timezone.now()).timestamp()
    return f"{totp.token():0{device.digits}d}"


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


def make_gtin14(n: int) -> str:
    body = f"0693{n:09d}"
    return body + gs1_check_digit(body)


# --- naming -----------------------------------------------------------------------------

TRADE_NAMES = [
    "仁济",
    "康宁",
    "益康",
    "福寿",
    "济生",
    "惠民",
    "万和",
    "德仁",
    "康泰",
    "嘉和",
    "永安",
    "瑞康",
    "安康",
    "百草",
    "泰和",
    "春晖",
    "怀仁",
    "济世",
    "长青",
    "华康",
    "信达",
    "恒康",
    "君安",
    "瑞丰",
    "合众",
    "众生",
    "天和",
    "广济",
    "佑安",
    "康乐",
    "润德",
    "祥瑞",
    "颐和",
    "明远",
    "鑫源",
    "博爱",
    "协和堂",
    "杏林",
    "仁和",
    "善德",
    "宏康",
    "金桥",
    "乐康",
    "安泰",
    "健民",
    "普济",
    "顺康",
    "兴隆",
    "红岩",
    "山城",
    "渝康",
    "江南",
    "新桥",
    "青禾",
    "锦程",
]
CHAIN_TRADE_NAMES = ["康和", "仁心", "江渝", "百济"]
STORE_QUALIFIERS = ["", "", "", "有限公司", "有限责任公司"]
CLINIC_KINDS = ["诊所", "口腔诊所", "中医诊所", "中西医结合诊所", "内科诊所", "医疗美容诊所"]
DEVICE_SUFFIXES = ["医疗器械有限公司", "医疗科技有限公司", "医疗器械经营部", "康复器材有限公司"]
COSMETIC_SUFFIXES = ["化妆品店", "美妆店", "日化商行", "美容美发用品店", "化妆品有限公司"]
ROADS = [
    "滨江路",
    "青云路",
    "白鹭大道",
    "桂花街",
    "龙潭路",
    "清溪大街",
    "石门路",
    "双河街",
    "人民路",
    "解放路",
    "建设路",
    "新华路",
    "文化路",
    "学府大道",
    "兴隆街",
    "朝阳路",
    "和平路",
    "长寿路",
]
SCOPE: dict[str, str] = {
    LicenceKind.DRUG_RETAIL: (
        "处方药、甲类非处方药、乙类非处方药：中成药、化学药、生物制品（除疫苗）"
    ),
    LicenceKind.DRUG_WHOLESALE: "中药饮片、中成药、化学药、生物制品（除疫苗）、第二类精神药品",
    LicenceKind.DRUG_CHAIN: (
        "处方药、甲类非处方药、乙类非处方药：中药饮片、中成药、化学药、生物制品"
    ),
    LicenceKind.DEVICE_CLASS_3: "第三类医疗器械：6815注射穿刺器械，6866医用高分子材料及制品",
    LicenceKind.DEVICE_CLASS_2_FILING: "第二类医疗器械（不含体外诊断试剂）",
    LicenceKind.MEDICAL_PRACTICE: "内科；外科；妇产科；儿科；预防保健科；医学检验科",
    LicenceKind.CLINIC_FILING: "全科医疗科",
    LicenceKind.SPECIAL_DRUG: "麻醉药品、第一类精神药品",
    LicenceKind.VACCINATION: "免疫规划疫苗、非免疫规划疫苗接种",
    LicenceKind.ONLINE_FILING: "药品、医疗器械网络销售",
    LicenceKind.PLASMA: "单采血浆",
}
PERIOD_YEARS: dict[str, int] = {
    LicenceKind.SPECIAL_DRUG: 3,
    LicenceKind.VACCINATION: 3,
    LicenceKind.PLASMA: 3,
}
CITY_ISSUED = {LicenceKind.DRUG_WHOLESALE, LicenceKind.DRUG_CHAIN}
HEALTH_ISSUED = {
    LicenceKind.MEDICAL_PRACTICE,
    LicenceKind.CLINIC_FILING,
    LicenceKind.SPECIAL_DRUG,
    LicenceKind.VACCINATION,
}

# Entity types per 600 (the normal demo); scaled for larger districts, with caps.
MIX: list[tuple[str, int]] = [
    (EntityType.PHARMACY_CHAIN, 4),
    (EntityType.RETAIL_PHARMACY, 300),
    (EntityType.WHOLESALER, 8),
    (EntityType.MEDICAL_INSTITUTION, 12),
    (EntityType.CLINIC, 130),
    (EntityType.VACCINATION_SITE, 20),
    (EntityType.CDC, 1),
    (EntityType.DEVICE_DEALER, 60),
    (EntityType.COSMETICS_DEALER, 45),
    (EntityType.ONLINE_SELLER, 17),
    (EntityType.PLATFORM, 2),
    (EntityType.PLASMA_STATION, 1),
]
CAPS = {
    EntityType.PHARMACY_CHAIN: len(CHAIN_TRADE_NAMES),
    EntityType.CDC: 1,
    EntityType.PLATFORM: 3,
    EntityType.PLASMA_STATION: 2,
}


def target_mix(total: int) -> dict[str, int]:
    """How many of each type a district of ``total`` entities has (every type at least 1)."""
    weight = sum(w for _, w in MIX)
    counts = {t: max(1, round(w * total / weight)) for t, w in MIX}
    for t, cap in CAPS.items():
        counts[t] = min(counts[t], cap)
    counts[EntityType.RETAIL_PHARMACY] += total - sum(counts.values())
    return counts


@lru_cache(maxsize=4096)
def _initials(part: str) -> str:
    return pinyin_initials(part)


def initials_of(parts: tuple[str, ...]) -> str:
    """Pinyin initials of a name built from parts; each part's initials are cached (the
    bulk path makes 100k names from a few hundred parts)."""
    return "".join(_initials(p) for p in parts)


# --- entity specs -----------------------------------------------------------------------


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
    fake: Faker
    subdistricts: list[Subdistrict]
    chain_names: list[str]
    licence_serial: Counter[str] = field(default_factory=Counter)
    people: list[str] = field(default_factory=list)  # a pool of faker names (faker is slow)
    surnames: list[str] = field(default_factory=list)


MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "157",
    "158",
    "159",
    "166",
    "177",
    "180",
    "181",
    "186",
    "187",
    "189",
    "191",
    "199",
]


def _phone(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights=weights)[0]


RISK_BY_TYPE: dict[str, list[tuple[str, int]]] = {
    "default": [("A", 45), ("B", 35), ("C", 12), ("D", 3), ("", 5)],
    "high": [("A", 15), ("B", 40), ("C", 32), ("D", 10), ("", 3)],
    "low": [("A", 60), ("B", 25), ("C", 5), ("D", 1), ("", 9)],
}
HIGH_RISK_TYPES = {
    EntityType.WHOLESALER,
    EntityType.VACCINATION_SITE,
    EntityType.CDC,
    EntityType.PLASMA_STATION,
    EntityType.MEDICAL_INSTITUTION,
}
LOW_RISK_TYPES = {EntityType.COSMETICS_DEALER, EntityType.CLINIC}
CREDIT_TABLE = [("A", 58), ("B", 32), ("C", 6), ("D", 1), ("", 3)]


def _licence(ctx: Context, kind: str, entity_index: int, status: str) -> LicenceSpec:
    """Validity relative to today: a fixed share already expired, within 30 and 90 days."""
    ctx.licence_serial[kind] += 1
    n = ctx.licence_serial[kind]
    rng, today = ctx.rng, ctx.today
    year = 2019 + n % 7
    numbers: dict[str, str] = {
        LicenceKind.DRUG_RETAIL: f"{PROVINCE_ABBR}CB{AREA_CODE[2:]}{n:05d}",
        LicenceKind.DRUG_WHOLESALE: f"{PROVINCE_ABBR}AA{AREA_CODE[2:]}{n:04d}",
        LicenceKind.DRUG_CHAIN: f"{PROVINCE_ABBR}BA{AREA_CODE[2:]}{n:04d}",
        LicenceKind.DEVICE_CLASS_3: f"{PROVINCE_ABBR}青市监械经营许{year}{n:05d}号",
        LicenceKind.DEVICE_CLASS_2_FILING: f"{PROVINCE_ABBR}青市监械经营备{year}{n:05d}号",
        LicenceKind.MEDICAL_PRACTICE: f"PDY{n:06d}-{AREA_CODE}-A1001",
        LicenceKind.CLINIC_FILING: f"青卫诊备〔{year}〕{n:05d}号",
        LicenceKind.SPECIAL_DRUG: f"{PROVINCE_ABBR}印鉴{year}{n:05d}",
        LicenceKind.VACCINATION: f"青卫接种〔{year}〕{n:04d}号",
        LicenceKind.ONLINE_FILING: f"{PROVINCE_ABBR}网售备{year}{n:05d}",
        LicenceKind.PLASMA: f"{PROVINCE_ABBR}浆证〔{year}〕{n:03d}号",
    }
    if kind in CITY_ISSUED:
        issuer = f"{CITY}药品监督管理局"
    elif kind == LicenceKind.PLASMA:
        issuer = f"{CITY}卫生健康委员会"
    elif kind in HEALTH_ISSUED:
        issuer = f"{DISTRICT}卫生健康委员会"
    else:
        issuer = f"{DISTRICT}市场监督管理局"
    years = PERIOD_YEARS.get(kind, 5)
    if kind in LicenceKind.filings():
        valid_from = today - dt.timedelta(days=rng.randint(30, 6 * 365))
        return LicenceSpec(kind, numbers[kind], valid_from, None, issuer, status)
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
    return LicenceSpec(kind, numbers[kind], valid_from, until, issuer, status)


def _entity_spec(ctx: Context, index: int, etype: str) -> EntitySpec:
    """One entity of type ``etype``; ``index`` makes its credit code unique."""
    rng = ctx.rng
    # urban streets hold more businesses than rural towns
    sub = rng.choices(ctx.subdistricts, weights=[s.population for s in ctx.subdistricts])[0]
    sub_short = sub.name.removesuffix("街道").removesuffix("镇")
    trade = rng.choice(TRADE_NAMES)
    prefix = "91"
    medical_level = device_class = ""
    chain_key: int | None = None
    road = ""
    flags = {"special": False, "vbp": False, "beauty": False, "cold": False}
    kinds: list[str] = []
    if etype == EntityType.PHARMACY_CHAIN:
        key = index % len(ctx.chain_names)
        parts: tuple[str, ...] = (
            CITY.removesuffix("市"),
            ctx.chain_names[key],
            "大药房连锁有限公司",
        )
        kinds = [LicenceKind.DRUG_CHAIN, LicenceKind.DEVICE_CLASS_2_FILING]
        flags["vbp"] = flags["cold"] = True
        flags["special"] = rng.random() < 0.5
    elif etype == EntityType.RETAIL_PHARMACY:
        if ctx.chain_names and rng.random() < 0.55:
            chain_key = rng.randrange(len(ctx.chain_names))
            road = rng.choice(ROADS)
            parts = (ctx.chain_names[chain_key], "大药房", road, "店")
            flags["vbp"] = rng.random() < 0.6
        else:
            style = rng.random()
            if style < 0.5:
                parts = (sub_short, trade, "大药房", rng.choice(STORE_QUALIFIERS))
            elif style < 0.8:
                parts = (DISTRICT, trade, "药房", rng.choice(STORE_QUALIFIERS))
            else:
                parts = (trade, "药店")
                prefix = "92"  # 个体工商户
            flags["vbp"] = rng.random() < 0.2
        kinds = [LicenceKind.DRUG_RETAIL]
        if rng.random() < 0.5:
            kinds.append(LicenceKind.DEVICE_CLASS_2_FILING)
        flags["cold"] = rng.random() < 0.25  # insulin and other refrigerated drugs
    elif etype == EntityType.WHOLESALER:
        parts = (CITY.removesuffix("市"), trade, "医药有限公司")
        kinds = [LicenceKind.DRUG_WHOLESALE]
        if rng.random() < 0.5:
            kinds.append(LicenceKind.DEVICE_CLASS_3)
            device_class = DeviceClass.CLASS_2_3
        flags.update(vbp=True, cold=rng.random() < 0.7, special=rng.random() < 0.4)
    elif etype == EntityType.MEDICAL_INSTITUTION:
        slot = index % 6
        if slot == 0:
            parts, medical_level, prefix = (DISTRICT, "人民医院"), MedicalLevel.LEVEL_3, "12"
        elif slot == 1:
            parts, medical_level, prefix = (DISTRICT, "中医院"), MedicalLevel.LEVEL_3, "12"
        elif slot == 2:
            parts, medical_level, prefix = (DISTRICT, "妇幼保健院"), MedicalLevel.LEVEL_2, "12"
        elif slot == 3:
            parts, medical_level, prefix = ((DISTRICT, trade, "医院"), MedicalLevel.LEVEL_2, "52")
        else:
            centre = "社区卫生服务中心" if sub.kind == SubdistrictKind.STREET else "中心卫生院"
            parts, medical_level, prefix = (sub.name, centre), MedicalLevel.LEVEL_1, "12"
        kinds = [LicenceKind.MEDICAL_PRACTICE]
        if medical_level != MedicalLevel.LEVEL_1:
            kinds.append(LicenceKind.SPECIAL_DRUG)
            flags["special"] = True
        flags.update(vbp=True, cold=True, beauty=slot == 3 and rng.random() < 0.7)
    elif etype == EntityType.CLINIC:
        if sub.kind == SubdistrictKind.TOWN and rng.random() < 0.5:
            village = rng.choice(ctx.surnames) + rng.choice(
                ["家村", "湾村", "坝村", "沟村", "岭村"]
            )
            parts = (sub.name, village, "卫生室")
            prefix = rng.choice(["N1", "52", "12"])  # collective, private non-profit, public
            kinds = [LicenceKind.MEDICAL_PRACTICE]
            flags["vbp"] = True
        else:
            clinic_kind = rng.choice(CLINIC_KINDS)
            person = rng.choice(ctx.people)
            parts = (DISTRICT, person, clinic_kind) if rng.random() < 0.5 else (trade, clinic_kind)
            prefix = rng.choice(["92", "52", "91"])
            kinds = [LicenceKind.CLINIC_FILING]
            flags["beauty"] = clinic_kind == "医疗美容诊所"
            flags["special"] = rng.random() < 0.03
    elif etype == EntityType.VACCINATION_SITE:
        place = "社区卫生服务中心" if sub.kind == SubdistrictKind.STREET else "卫生院"
        parts = (sub.name, place, "预防接种门诊")
        prefix = "12"
        kinds = [LicenceKind.MEDICAL_PRACTICE, LicenceKind.VACCINATION]
        flags.update(cold=True, vbp=True)
    elif etype == EntityType.CDC:
        parts = (DISTRICT, "疾病预防控制中心")
        prefix = "12"
        kinds = [LicenceKind.VACCINATION]
        flags["cold"] = True
    elif etype == EntityType.DEVICE_DEALER:
        parts = (CITY.removesuffix("市"), trade, rng.choice(DEVICE_SUFFIXES))
        device_class = _weighted(rng, [("2", 55), ("3", 20), ("2,3", 25)])
        if device_class in ("3", "2,3"):
            kinds.append(LicenceKind.DEVICE_CLASS_3)
        if device_class in ("2", "2,3"):
            kinds.append(LicenceKind.DEVICE_CLASS_2_FILING)
        flags["cold"] = device_class != "2" and rng.random() < 0.2  # IVD reagents
        flags["beauty"] = device_class != "2" and rng.random() < 0.15  # hyaluronic fillers
    elif etype == EntityType.COSMETICS_DEALER:
        parts = (DISTRICT, sub_short, trade, rng.choice(COSMETIC_SUFFIXES))
        prefix = "92" if rng.random() < 0.6 else "91"
        # cosmetics trading needs no licence in China; the dealer is registered only
    elif etype == EntityType.ONLINE_SELLER:
        parts = (CITY.removesuffix("市"), trade, "大药房网络科技有限公司")
        kinds = [LicenceKind.DRUG_RETAIL, LicenceKind.ONLINE_FILING]
        flags["vbp"] = rng.random() < 0.3
    elif etype == EntityType.PLATFORM:
        parts = (CITY.removesuffix("市"), rng.choice(["云药", "医链", "健购"]), "网络科技有限公司")
        kinds = [LicenceKind.ONLINE_FILING]
    else:  # EntityType.PLASMA_STATION
        parts = (DISTRICT, rng.choice(["恒源", "康源"]), "单采血浆站")
        prefix = "12"
        kinds = [LicenceKind.PLASMA]
        flags["cold"] = True
    parts = tuple(p for p in parts if p)
    name = "".join(parts)
    status = _weighted(
        rng,
        [(EntityStatus.OPERATING, 95), (EntityStatus.SUSPENDED, 3), (EntityStatus.CANCELLED, 2)],
    )
    lic_status = (
        LicenceStatus.CANCELLED if status == EntityStatus.CANCELLED else LicenceStatus.VALID
    )
    table = RISK_BY_TYPE[
        "high" if etype in HIGH_RISK_TYPES else "low" if etype in LOW_RISK_TYPES else "default"
    ]
    spec = EntitySpec(
        index=index,
        data={
            "name": name,
            "uscc": make_uscc(index, prefix),
            "entity_type": etype,
            "medical_level": medical_level,
            "device_class": device_class,
            "subdistrict": sub,
            "address": f"{CITY}{DISTRICT}{sub.name}{road or rng.choice(ROADS)}"
            f"{rng.randint(1, 399)}号",
            "legal_representative": rng.choice(ctx.people),
            "quality_manager": rng.choice(ctx.people)
            if etype != EntityType.COSMETICS_DEALER
            else "",
            "contact_phone": _phone(rng),
            "status": status,
            "handles_special_drugs": flags["special"],
            "in_volume_procurement": flags["vbp"],
            "offers_medical_beauty": flags["beauty"],
            "handles_cold_chain": flags["cold"],
        },
        initials=initials_of(parts),
        risk=_weighted(rng, table),
        credit=_weighted(rng, CREDIT_TABLE),
        chain_hq_key=chain_key,
    )
    spec.licences = [_licence(ctx, k, index, lic_status) for k in kinds]
    if rng.random() < 0.04:  # a later regrading, e.g. after an inspection found problems
        kind = rng.choice([RatingKind.RISK, RatingKind.CREDIT])
        spec.extra_rating = (
            kind,
            rng.choice("BCD"),
            rng.choice(
                [
                    "年度风险评估：日常检查发现问题较多，上调风险等级",
                    "双随机检查发现不合格项目，整改后复查",
                    "行政处罚结案，依规调整信用分类",
                    "投诉举报核查属实",
                ]
            ),
        )
    return spec


def entity_specs(ctx: Context, counts: dict[str, int], start_index: int) -> Iterator[EntitySpec]:
    """Chain headquarters first (their stores refer to them), the rest interleaved."""
    order: list[str] = []
    for etype, _w in MIX:
        order += [etype] * counts.get(etype, 0)
    chains = [t for t in order if t == EntityType.PHARMACY_CHAIN]
    rest = [t for t in order if t != EntityType.PHARMACY_CHAIN]
    ctx.rng.shuffle(rest)
    for offset, etype in enumerate(chains + rest):
        yield _entity_spec(ctx, start_index + offset, etype)


# --- products ---------------------------------------------------------------------------

# generic name, dosage form, specifications, category letter, flags
DRUGS: list[tuple[str, str, list[str], str, dict[str, Any]]] = [
    ("阿莫西林胶囊", "胶囊剂", ["0.25g*24粒", "0.5g*20粒"], "H", {"vbp": True, "rx": True}),
    ("头孢克肟片", "片剂", ["0.1g*6片"], "H", {"vbp": True, "rx": True}),
    ("头孢呋辛酯片", "片剂", ["0.25g*12片"], "H", {"vbp": True, "rx": True}),
    ("阿奇霉素片", "片剂", ["0.25g*6片"], "H", {"vbp": True, "rx": True}),
    ("左氧氟沙星片", "片剂", ["0.5g*4片"], "H", {"vbp": True, "rx": True}),
    ("布洛芬缓释胶囊", "胶囊剂", ["0.3g*20粒"], "H", {}),
    ("对乙酰氨基酚片", "片剂", ["0.5g*10片"], "H", {}),
    ("氨咖黄敏胶囊", "胶囊剂", ["12粒"], "H", {}),
    ("复方氨酚烷胺片", "片剂", ["12片"], "H", {}),
    ("苯磺酸氨氯地平片", "片剂", ["5mg*28片", "5mg*7片"], "H", {"vbp": True, "rx": True}),
    ("硝苯地平控释片", "片剂", ["30mg*7片"], "H", {"vbp": True, "rx": True}),
    ("缬沙坦胶囊", "胶囊剂", ["80mg*28粒"], "H", {"vbp": True, "rx": True}),
    ("厄贝沙坦片", "片剂", ["0.15g*28片"], "H", {"vbp": True, "rx": True}),
    ("盐酸贝那普利片", "片剂", ["10mg*14片"], "H", {"rx": True}),
    ("酒石酸美托洛尔片", "片剂", ["25mg*20片"], "H", {"vbp": True, "rx": True}),
    ("阿托伐他汀钙片", "片剂", ["20mg*7片", "10mg*28片"], "H", {"vbp": True, "rx": True}),
    ("瑞舒伐他汀钙片", "片剂", ["10mg*28片"], "H", {"vbp": True, "rx": True}),
    ("阿司匹林肠溶片", "片剂", ["100mg*30片"], "H", {"rx": True}),
    ("硫酸氢氯吡格雷片", "片剂", ["75mg*7片"], "H", {"vbp": True, "rx": True}),
    ("盐酸二甲双胍片", "片剂", ["0.5g*20片", "0.25g*48片"], "H", {"vbp": True, "rx": True}),
    ("格列美脲片", "片剂", ["2mg*30片"], "H", {"vbp": True, "rx": True}),
    ("阿卡波糖片", "片剂", ["50mg*30片"], "H", {"vbp": True, "rx": True}),
    ("奥美拉唑肠溶胶囊", "胶囊剂", ["20mg*14粒"], "H", {"vbp": True, "rx": True}),
    ("雷贝拉唑钠肠溶片", "片剂", ["10mg*7片"], "H", {"vbp": True, "rx": True}),
    ("铝碳酸镁咀嚼片", "片剂", ["0.5g*20片"], "H", {}),
    ("蒙脱石散", "散剂", ["3g*10袋"], "H", {}),
    ("多潘立酮片", "片剂", ["10mg*30片"], "H", {}),
    ("氯雷他定片", "片剂", ["10mg*6片"], "H", {}),
    ("西替利嗪片", "片剂", ["10mg*12片"], "H", {}),
    ("孟鲁司特钠片", "片剂", ["10mg*5片"], "H", {"vbp": True, "rx": True}),
    ("沙丁胺醇吸入气雾剂", "气雾剂", ["100μg*200揿"], "H", {"rx": True}),
    ("布地奈德混悬液", "吸入剂", ["2ml:1mg*5支"], "H", {"rx": True}),
    ("左甲状腺素钠片", "片剂", ["50μg*100片"], "H", {"rx": True}),
    ("维生素C片", "片剂", ["0.1g*100片"], "H", {}),
    ("葡萄糖酸钙锌口服溶液", "口服溶液剂", ["10ml*12支"], "H", {}),
    ("甲硝唑片", "片剂", ["0.2g*21片"], "H", {"rx": True}),
    ("红霉素软膏", "软膏剂", ["1%*10g"], "H", {}),
    ("莫匹罗星软膏", "软膏剂", ["2%*5g"], "H", {"rx": True}),
    ("氯化钠注射液", "注射剂", ["100ml:0.9g", "250ml:2.25g"], "H", {"rx": True}),
    ("葡萄糖注射液", "注射剂", ["250ml:12.5g"], "H", {"rx": True}),
    ("注射用头孢曲松钠", "注射剂", ["1.0g"], "H", {"vbp": True, "rx": True}),
    ("注射用奥美拉唑钠", "注射剂", ["40mg"], "H", {"vbp": True, "rx": True}),
    ("恩替卡韦片", "片剂", ["0.5mg*7片"], "H", {"vbp": True, "rx": True}),
    ("富马酸替诺福韦二吡呋酯片", "片剂", ["300mg*30片"], "H", {"vbp": True, "rx": True}),
    ("奥司他韦胶囊", "胶囊剂", ["75mg*10粒"], "H", {"rx": True}),
    ("盐酸吗啡注射液", "注射剂", ["1ml:10mg"], "H", {"rx": True, "special": "narcotic"}),
    ("盐酸吗啡缓释片", "片剂", ["30mg*10片"], "H", {"rx": True, "special": "narcotic"}),
    ("枸橼酸芬太尼注射液", "注射剂", ["2ml:0.1mg"], "H", {"rx": True, "special": "narcotic"}),
    ("盐酸哌替啶注射液", "注射剂", ["1ml:50mg"], "H", {"rx": True, "special": "narcotic"}),
    ("盐酸氯胺酮注射液", "注射剂", ["2ml:0.1g"], "H", {"rx": True, "special": "psychotropic_1"}),
    ("地西泮片", "片剂", ["2.5mg*20片"], "H", {"rx": True, "special": "psychotropic_2"}),
    ("阿普唑仑片", "片剂", ["0.4mg*20片"], "H", {"rx": True, "special": "psychotropic_2"}),
    ("艾司唑仑片", "片剂", ["1mg*20片"], "H", {"rx": True, "special": "psychotropic_2"}),
    ("盐酸曲马多缓释片", "片剂", ["0.1g*10片"], "H", {"rx": True, "special": "psychotropic_2"}),
    ("盐酸麻黄碱注射液", "注射剂", ["1ml:30mg"], "H", {"rx": True, "special": "precursor"}),
    ("复方甘草片", "片剂", ["100片"], "H", {"special": "precursor"}),
    ("硫酸阿托品注射液", "注射剂", ["1ml:0.5mg"], "H", {"rx": True, "special": "toxic"}),
    (
        "注射用A型肉毒毒素",
        "注射剂",
        ["100单位"],
        "S",
        {"rx": True, "special": "toxic", "cold": True},
    ),
    ("甘精胰岛素注射液", "注射剂", ["3ml:300单位"], "S", {"rx": True, "cold": True, "vbp": True}),
    ("门冬胰岛素注射液", "注射剂", ["3ml:300单位"], "S", {"rx": True, "cold": True, "vbp": True}),
    ("重组人干扰素α2b注射液", "注射剂", ["1ml:300万IU"], "S", {"rx": True, "cold": True}),
    ("人血白蛋白", "注射剂", ["10g(20%,50ml)"], "S", {"rx": True, "cold": True}),
    ("乙型肝炎疫苗（酿酒酵母）", "注射剂", ["0.5ml:10μg"], "S", {"vaccine": True}),
    ("麻腮风联合减毒活疫苗", "注射剂", ["0.5ml/支"], "S", {"vaccine": True}),
    ("四价流感病毒裂解疫苗", "注射剂", ["0.5ml/支"], "S", {"vaccine": True}),
    ("23价肺炎球菌多糖疫苗", "注射剂", ["0.5ml/支"], "S", {"vaccine": True}),
    ("冻干人用狂犬病疫苗（Vero细胞）", "注射剂", ["0.5ml/瓶"], "S", {"vaccine": True}),
    ("水痘减毒活疫苗", "注射剂", ["0.5ml/瓶"], "S", {"vaccine": True}),
    ("吸附无细胞百白破联合疫苗", "注射剂", ["0.5ml/支"], "S", {"vaccine": True}),
    ("脊髓灰质炎灭活疫苗", "注射剂", ["0.5ml/支"], "S", {"vaccine": True}),
    ("重组带状疱疹疫苗（CHO细胞）", "注射剂", ["0.5ml/瓶"], "S", {"vaccine": True}),
    ("双价人乳头瘤病毒疫苗", "注射剂", ["0.5ml/支"], "S", {"vaccine": True}),
    ("连花清瘟胶囊", "胶囊剂", ["0.35g*24粒"], "Z", {}),
    ("板蓝根颗粒", "颗粒剂", ["10g*20袋"], "Z", {}),
    ("感冒清热颗粒", "颗粒剂", ["12g*10袋"], "Z", {}),
    ("双黄连口服液", "合剂", ["10ml*10支"], "Z", {}),
    ("六味地黄丸", "丸剂", ["200丸"], "Z", {}),
    ("藿香正气水", "酊剂", ["10ml*10支"], "Z", {}),
    ("复方丹参滴丸", "滴丸剂", ["27mg*180丸"], "Z", {"rx": True}),
    ("血塞通软胶囊", "胶囊剂", ["60mg*24粒"], "Z", {"rx": True}),
    ("银黄颗粒", "颗粒剂", ["4g*10袋"], "Z", {}),
    ("蒲地蓝消炎片", "片剂", ["0.3g*48片"], "Z", {}),
    ("健胃消食片", "片剂", ["0.8g*32片"], "Z", {}),
    ("云南白药气雾剂", "气雾剂", ["85g+30g"], "Z", {}),
    ("麝香保心丸", "丸剂", ["22.5mg*42丸"], "Z", {"rx": True}),
    ("小柴胡颗粒", "颗粒剂", ["10g*10袋"], "Z", {}),
    ("川贝枇杷膏", "煎膏剂", ["150ml"], "Z", {}),
    ("舒肝丸", "丸剂", ["6g*10丸"], "Z", {}),
    ("通心络胶囊", "胶囊剂", ["0.26g*30粒"], "Z", {"rx": True}),
    ("金银花露", "合剂", ["340ml"], "Z", {}),
]
# name, class ("3" national, "2" provincial, "1" filing), model, flags
DEVICES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("一次性使用无菌注射器 带针", "3", "1ml/2ml/5ml", {}),
    ("一次性使用输液器 带针", "3", "0.7#", {}),
    ("一次性使用静脉留置针", "3", "22G", {}),
    ("冠状动脉药物洗脱支架系统", "3", "3.0×18mm", {"vbp": True}),
    ("人工晶状体", "3", "+20.0D", {"vbp": True}),
    ("人工髋关节假体", "3", "陶瓷-陶瓷", {"vbp": True}),
    ("软性亲水接触镜", "3", "-3.00D 日抛", {}),
    ("注射用交联透明质酸钠凝胶", "3", "1.0ml", {"beauty": True, "cold": False}),
    ("胶原蛋白植入剂", "3", "0.5ml", {"beauty": True, "cold": True}),
    ("新型冠状病毒抗原检测试剂盒（胶体金法）", "3", "1人份/盒", {"cold": False}),
    ("乙型肝炎病毒表面抗原检测试剂盒", "3", "48人份/盒", {"cold": True}),
    ("医用防护口罩", "2", "N95 折叠式", {}),
    ("医用外科口罩", "2", "17.5×9.5cm", {}),
    ("电子血压计", "2", "上臂式", {}),
    ("血糖仪", "2", "GM-100", {}),
    ("血糖试纸", "2", "50片/瓶", {}),
    ("医用制氧机", "2", "5L", {}),
    ("压缩式雾化器", "2", "NB-210", {}),
    ("助听器", "2", "耳背式", {}),
    ("天然胶乳橡胶避孕套", "2", "52mm", {}),
    ("红外体温计", "2", "额温枪", {}),
    ("医用冷敷贴", "2", "5片/盒", {"beauty": True}),
    ("一次性使用无菌导尿管", "2", "F14", {}),
    ("医用脱脂纱布", "1", "8×10cm", {}),
    ("医用棉签", "1", "10cm*50支", {}),
    ("医用退热贴", "1", "4贴/盒", {}),
    ("医用绷带", "1", "5cm×450cm", {}),
]
# name, special?, children?
COSMETICS: list[tuple[str, bool, bool]] = [
    ("清透防晒乳 SPF50+ PA+++", True, False),
    ("美白淡斑精华液", True, False),
    ("植物染发膏（自然黑）", True, False),
    ("防脱洗发液", True, False),
    ("卷发烫发剂", True, False),
    ("儿童防晒霜 SPF30", True, True),
    ("保湿修护面霜", False, False),
    ("氨基酸洁面乳", False, False),
    ("玻尿酸补水面膜", False, False),
    ("柔润身体乳", False, False),
    ("滋润护手霜", False, False),
    ("控油洗发水", False, False),
    ("丝滑护发素", False, False),
    ("口红（正红色）", False, False),
    ("持妆粉底液", False, False),
    ("儿童洗发沐浴露", False, True),
    ("儿童润肤霜", False, True),
    ("婴儿护臀膏", False, True),
    ("儿童牙膏（草莓味）", False, True),
    ("香水（木质调）", False, False),
]


def _cosmetic_size(name: str, rng: random.Random) -> str:
    for word, size in (("口红", "3.5g"), ("香水", "50ml"), ("面膜", "25ml*5片"), ("牙膏", "60g")):
        if word in name:
            return size
    return rng.choice(["50ml", "100g", "30ml", "200ml"])


def product_specs(rng: random.Random) -> list[dict[str, Any]]:
    """About 200 drugs, 60 devices and 40 cosmetics; numbers follow the NMPA formats."""
    holders = sorted({f"{t}制药有限公司" for t in TRADE_NAMES[:30]})
    out: list[dict[str, Any]] = []
    serial = 0
    variants = 0
    while len(out) < 200:
        for generic, form, specs, letter, flags in DRUGS:
            if len(out) >= 200:
                break
            if variants and (flags.get("special") or rng.random() < 0.4):
                continue  # special drugs and some others have one holder only
            holder = holders[(serial * 7) % len(holders)]
            serial += 1
            year = rng.choice([2005, 2008, 2010, 2013, 2015, 2019, 2020, 2021, 2022, 2023])
            vaccine = bool(flags.get("vaccine"))
            out.append(
                {
                    "product_class": ProductClass.DRUG,
                    "name": generic,
                    "generic_name": generic.split("（")[0],
                    "approval_number": f"国药准字{letter}{year}{serial:04d}",
                    "holder": holder,
                    "dosage_form": form,
                    "specification": specs[serial % len(specs)],
                    "special_drug_kind": flags.get("special", SpecialDrugKind.NONE),
                    "is_prescription": bool(flags.get("rx") or vaccine or flags.get("special")),
                    "is_vaccine": vaccine,
                    "is_cold_chain": vaccine or bool(flags.get("cold")),
                    "in_volume_procurement": bool(flags.get("vbp")),
                    "product_identifier": f"8{serial:06d}",
                }
            )
        variants += 1
    device_serial = 0
    for round_ in range(3):
        for name, cls, model, flags in DEVICES:
            if round_ and rng.random() < 0.25:
                continue
            device_serial += 1
            year = rng.choice([2019, 2020, 2021, 2022, 2023, 2024])
            maker = f"{rng.choice(TRADE_NAMES)}医疗器械有限公司"
            if cls == "3":
                reg = f"国械注准{year}3{rng.randint(1, 22):02d}{device_serial:04d}"
            elif cls == "2":
                reg = f"{PROVINCE_ABBR}械注准{year}2{rng.randint(1, 22):02d}{device_serial:04d}"
            else:
                reg = f"{PROVINCE_ABBR}青械备{year}{device_serial:04d}号"
            out.append(
                {
                    "product_class": ProductClass.DEVICE,
                    "name": name,
                    "registration_number": reg,
                    "udi_di": make_gtin14(device_serial * 37 + 1000),
                    "holder": maker,
                    "dosage_form": model,
                    "specification": model,
                    "in_volume_procurement": bool(flags.get("vbp")),
                    "is_cold_chain": bool(flags.get("cold")),
                    "is_prescription": False,
                }
            )
    cosmetic_serial = 0
    for _round in range(2):
        for name, special, children in COSMETICS:
            cosmetic_serial += 1
            year = rng.choice([2021, 2022, 2023, 2024])
            if special:
                reg = f"国妆特字G{year}{cosmetic_serial:04d}"
            else:
                reg = f"{PROVINCE_ABBR}G妆网备字{year}{cosmetic_serial:06d}"
            out.append(
                {
                    "product_class": ProductClass.COSMETIC,
                    "name": f"{rng.choice(['清研', '悦颜', '雅沁', '柔沁', '润之'])}{name}",
                    "registration_number": reg,
                    "holder": f"{rng.choice(TRADE_NAMES)}日化有限公司",
                    "specification": _cosmetic_size(name, rng),
                    "is_for_children": children,
                }
            )
    return out


# --- loading ------------------------------------------------------------------------------


@dataclass
class LoadResult:
    structure_created: bool
    entities_added: int
    entities_total: int
    licences_added: int


def _context(today: dt.date, offset: int) -> Context:
    random.seed(SEED + offset)  # anything that draws from the global generator is seeded too
    fake = Faker("zh_CN")
    fake.seed_instance(SEED + offset)
    subdistricts = list(
        Subdistrict.objects.filter(code__startswith=AREA_CODE).select_related("station")
    )
    return Context(
        today=today,
        rng=random.Random(SEED + offset),
        fake=fake,
        subdistricts=subdistricts,
        chain_names=list(CHAIN_TRADE_NAMES),
        people=[fake.name() for _ in range(3000)],
        surnames=[fake.last_name() for _ in range(200)],
    )


def _unit(
    code: str, name: str, short: str, kind: str, parent: OrgUnit | None, order: int
) -> OrgUnit:
    unit = OrgUnit.objects.create(
        code=code, name=name, short_name=short, kind=kind, parent=parent, sort_order=order
    )
    audit.record(
        "core.org_unit.created",
        obj=unit,
        reason=DEMO_SOURCE,
        after=audit.snapshot(unit, ["code", "name", "kind", "parent_id"]),
    )
    return unit


def _build_structure() -> None:
    bureau = _unit(
        BUREAU_CODE, f"{DISTRICT}市场监督管理局", "区市场监管局", OrgUnitKind.BUREAU, None, 1
    )
    for i, (code, name, short) in enumerate(SECTIONS):
        _unit(code, name, short, OrgUnitKind.SECTION, bureau, 10 + i)
    stations = [
        _unit(code, f"{DISTRICT}市场监督管理局{name}", short, OrgUnitKind.STATION, bureau, 30 + i)
        for i, (code, name, short) in enumerate(STATIONS)
    ]
    _unit(
        "qj-enforcement",
        f"{DISTRICT}市场监督管理局执法支队",
        "执法支队",
        OrgUnitKind.ENFORCEMENT_TEAM,
        bureau,
        40,
    )
    _unit(
        "qj-committee-office",
        f"{DISTRICT}食品药品安全委员会办公室",
        "区食药安办",
        OrgUnitKind.COMMITTEE_OFFICE,
        None,
        50,
    )
    for i, (code, name, short) in enumerate(MEMBER_DEPARTMENTS):
        _unit(code, name, short, OrgUnitKind.MEMBER_DEPARTMENT, None, 60 + i)
    for suffix, name, kind, area, population, station in SUBDISTRICTS:
        sub = Subdistrict.objects.create(
            code=f"{AREA_CODE}{suffix}000",
            name=name,
            kind=kind,
            station=stations[station],
            area_type=area,
            population=population,
        )
        audit.record(
            "core.subdistrict.created",
            obj=sub,
            reason=DEMO_SOURCE,
            after=audit.snapshot(sub, ["code", "name", "kind", "station_id", "area_type"]),
        )


def _create_accounts(fake: Faker) -> None:
    units = {u.code: u for u in OrgUnit.objects.filter(code__startswith="qj-")}
    for account in DEMO_ACCOUNTS:
        user = core_services.create_user(
            actor=system_actor("demo-roles"),
            username=account.username,
            display_name=fake.name(),
            org_unit=units[account.unit_code],
            roles=account.roles,
            password=DEMO_PASSWORD,
            # the three administrators change the seeded password at first sign-in (S1)
            must_change_password=account.admin,
            phone=fake.phone_number(),
        )
        enrol_demo_totp(user)


def enrol_demo_totp(user: User) -> None:
    """Give a demo account its confirmed TOTP device with the published, derived key."""
    TOTPDevice.objects.create(
        user=user, name="TOTP", key=totp_key_hex(user.username), confirmed=True
    )
    audit.record("core.user.totp_enrolled", obj=user, reason=DEMO_SOURCE)


def _chief() -> User:
    return User.objects.get(username="qj.chief")


def _write_through_services(
    ctx: Context, specs: Iterator[EntitySpec], actor: User
) -> tuple[int, int]:
    chain_pk: dict[int, int] = {}
    entities = licences = 0
    for spec in specs:
        data = dict(spec.data)
        if spec.data["entity_type"] != EntityType.PHARMACY_CHAIN and spec.chain_hq_key is not None:
            data["chain_headquarters"] = Entity.objects.get(pk=chain_pk[spec.chain_hq_key])
        entity = services.create_entity(actor=actor, data=data, source=DEMO_SOURCE)
        if spec.data["entity_type"] == EntityType.PHARMACY_CHAIN:
            chain_pk[spec.index % len(ctx.chain_names)] = entity.pk
        entities += 1
        for lic in spec.licences:
            services.add_licence(
                actor=actor,
                entity=entity,
                data={
                    "kind": lic.kind,
                    "number": lic.number,
                    "scope": SCOPE[LicenceKind(lic.kind)],
                    "issued_on": lic.valid_from,
                    "valid_from": lic.valid_from,
                    "valid_until": lic.valid_until,
                    "issuer": lic.issuer,
                    "status": lic.status,
                },
            )
            licences += 1
        for kind, value in ((RatingKind.RISK, spec.risk), (RatingKind.CREDIT, spec.credit)):
            if value:
                services.set_rating(
                    actor=actor,
                    entity=entity,
                    kind=kind,
                    value=value,
                    reason="演示数据：年度风险分级与信用分类评定",
                    source=DEMO_SOURCE,
                )
        if spec.extra_rating:
            extra_kind, value, reason = spec.extra_rating
            services.set_rating(
                actor=actor,
                entity=entity,
                kind=extra_kind,
                value=value,
                reason=reason,
                source=DEMO_SOURCE,
            )
    return entities, licences


def _fast_insert(objs: list[Any]) -> None:
    """INSERT with executemany: what bulk_create does, without its per-row SQL building
    (several times faster at 100k rows). Every concrete field is written, defaults included,
    and ``auto_now`` fields get their value from ``pre_save`` as in ``save()``."""
    if not objs:
        return
    meta = objs[0]._meta
    fields = list(meta.concrete_fields)
    qn = connection.ops.quote_name
    # identifiers come from the model and are quoted; values are parameters
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        qn(meta.db_table),
        ", ".join(qn(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objs]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def _existing_chain_pks(ctx: Context) -> dict[int, int]:
    out: dict[int, int] = {}
    for key, trade in enumerate(ctx.chain_names):
        pk = (
            Entity.objects.filter(entity_type=EntityType.PHARMACY_CHAIN, name__contains=trade)
            .values_list("pk", flat=True)
            .first()
        )
        if pk is not None:
            out[key] = pk
    return out


def _write_bulk(
    ctx: Context,
    specs: Iterator[EntitySpec],
    actor: User,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """bulk_create in batches: entities, then their licences and rating history."""
    chain_pk = _existing_chain_pks(ctx)
    now = timezone.now()
    pending: list[EntitySpec] = []
    totals = [0, 0]
    next_id: dict[type[models.Model], int] = {
        model: (model._default_manager.aggregate(m=Max("id"))["m"] or 0) + 1
        for model in (Entity, Licence, EntityRatingChange)
    }

    def take_id(model: type[models.Model]) -> int:
        next_id[model] += 1
        return next_id[model] - 1

    def flush() -> None:
        if not pending:
            return
        objs = []
        for spec in pending:
            obj = Entity(
                id=take_id(Entity),
                **spec.data,
                name_initials=spec.initials,
                risk_grade=spec.risk,
                credit_class=spec.credit,
            )
            if spec.extra_rating:
                kind, value, _reason = spec.extra_rating
                setattr(obj, "risk_grade" if kind == RatingKind.RISK else "credit_class", value)
            if (
                spec.data["entity_type"] != EntityType.PHARMACY_CHAIN
                and spec.chain_hq_key in chain_pk
            ):
                obj.chain_headquarters_id = chain_pk[spec.chain_hq_key]
            objs.append(obj)
        _fast_insert(objs)
        lics: list[Licence] = []
        changes: list[EntityRatingChange] = []
        for spec, obj in zip(pending, objs, strict=True):
            if spec.data["entity_type"] == EntityType.PHARMACY_CHAIN:
                chain_pk.setdefault(spec.index % len(ctx.chain_names), obj.pk)
            for lic in spec.licences:
                lics.append(
                    Licence(
                        id=take_id(Licence),
                        entity_id=obj.pk,
                        kind=lic.kind,
                        number=lic.number,
                        scope=SCOPE[LicenceKind(lic.kind)],
                        issued_on=lic.valid_from,
                        valid_from=lic.valid_from,
                        valid_until=lic.valid_until,
                        issuer=lic.issuer,
                        status=lic.status,
                    )
                )
            if spec.extra_rating:
                kind, value, reason = spec.extra_rating
                old = spec.risk if kind == RatingKind.RISK else spec.credit
                changes.append(
                    EntityRatingChange(
                        id=take_id(EntityRatingChange),
                        entity_id=obj.pk,
                        kind=kind,
                        old_value=old,
                        new_value=value,
                        reason=reason,
                        source=DEMO_SOURCE,
                        changed_by=actor,
                        changed_at=now,
                    )
                )
        _fast_insert(lics)
        _fast_insert(changes)
        totals[0] += len(objs)
        totals[1] += len(lics)
        if progress:
            progress(totals[0])
        pending.clear()

    for spec in specs:
        pending.append(spec)
        # chain headquarters go in on their own so that their stores can point at them
        if spec.data["entity_type"] == EntityType.PHARMACY_CHAIN or len(pending) >= BATCH:
            flush()
    flush()
    # explicit ids leave PostgreSQL's sequences behind; SQLite keeps up by itself
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Entity, Licence, EntityRatingChange]
        ):
            cursor.execute(sql)
    audit.record(
        "registry.demo.bulk_loaded",
        actor=actor,
        object_type="registry.entity",
        reason=DEMO_SOURCE,
        after={"entities": totals[0], "licences": totals[1]},
    )
    return totals[0], totals[1]


def demo_entities() -> Any:
    return Entity.objects.filter(subdistrict__code__startswith=AREA_CODE)


def load(
    entities: int = NORMAL_SIZE,
    *,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> LoadResult:
    """Load the demo district, or add entities to reach ``entities``. Nothing changes when the
    district is already loaded with at least that many entities (idempotent)."""
    today = today or timezone.localdate()
    structure_created = False
    with transaction.atomic():
        if not is_loaded():
            ctx = _context(today, 0)
            _build_structure()
            ctx = _context(today, 0)  # now with the subdistricts
            _create_accounts(ctx.fake)
            chief = _chief()
            for data in product_specs(ctx.rng):
                services.create_product(actor=chief, data=data)
            structure_created = True
        existing = demo_entities().count()
        added = licences = 0
        if existing < entities:
            have = Counter(dict(demo_entities().values_list("entity_type").annotate(n=Count("id"))))
            want = target_mix(entities)
            counts = {t: max(0, n - have.get(t, 0)) for t, n in want.items()}
            # rounding can leave the total a little short or long; pharmacies absorb it
            counts[EntityType.RETAIL_PHARMACY] += entities - existing - sum(counts.values())
            ctx = _context(today, existing)
            ctx.chain_names = CHAIN_TRADE_NAMES[: want[EntityType.PHARMACY_CHAIN]]
            for kind, n in (
                Licence.objects.filter(entity__in=demo_entities())
                .values_list("kind")
                .annotate(n=Count("id"))
            ):
                ctx.licence_serial[kind] = n
            specs = entity_specs(ctx, counts, existing)
            chief = _chief()
            if structure_created and entities <= NORMAL_SIZE:
                added, licences = _write_through_services(ctx, specs, chief)
            else:
                added, licences = _write_bulk(ctx, specs, chief, progress)
    return LoadResult(structure_created, added, existing + added, licences)


# --- the accounts table ---------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    username: str
    roles: str
    unit: str
    password: str
    secret: str
    uri: str
    note: str


def account_rows() -> list[AccountRow]:
    import base64

    rows = []
    users = {
        u.username: u
        for u in User.objects.filter(
            Q(username__in=DEMO_USERNAMES) | Q(username__startswith=POOL_PREFIX)
        ).select_related("org_unit")
    }
    pool = [
        DemoAccount(name, "", (), _pool_note(users[name]))
        for name in sorted(users)
        if name.startswith(POOL_PREFIX)
    ]
    for account in [*DEMO_ACCOUNTS, *pool]:
        user = users.get(account.username)
        if user is None:
            continue
        device = TOTPDevice.objects.filter(
            user=user, confirmed=True, key=totp_key_hex(user.username)
        ).first()
        if device is None:  # re-enrolled or not the demo's: its secret is no longer public
            continue
        roles = "、".join(str(Role(r).label) for r in sorted(user.role_set))
        password = DEMO_PASSWORD + ("（首次登录须修改）" if user.must_change_password else "")
        rows.append(
            AccountRow(
                username=user.username,
                roles=roles,
                unit=user.org_unit.short_name if user.org_unit else "",
                password=password,
                secret=base64.b32encode(device.bin_key).decode(),
                uri=str(device.config_url),
                note=account.note,
            )
        )
    return rows


def _pool_note(user: User) -> str:
    unit = user.org_unit.short_name if user.org_unit else ""
    return f"{unit}检查员（抽查库）"
