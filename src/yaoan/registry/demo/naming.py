"""What kind of business an entity of each type is: its name (from the parts in
``data/names.toml``), the licences it holds, its credit-code category and its flags
(special drugs, volume procurement, medical beauty, cold chain)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from yaoan.core.enums import SubdistrictKind
from yaoan.core.models import Subdistrict
from yaoan.registry.demo.tables import CITY, DISTRICT, names
from yaoan.registry.enums import DeviceClass, EntityType, LicenceKind, MedicalLevel

CITY_SHORT = CITY.removesuffix("市")


@dataclass
class Shape:
    """One entity's name parts and what follows from its type."""

    parts: tuple[str, ...]
    licence_kinds: list[str] = field(default_factory=list)
    prefix: str = "91"  # USCC authority + category: 91 company, 92 sole trader, 12 public …
    medical_level: str = ""
    device_class: str = ""
    chain_key: int | None = None  # which chain a chain store belongs to
    road: str = ""
    special: bool = False
    vbp: bool = False
    beauty: bool = False
    cold: bool = False


@dataclass(frozen=True)
class Draft:
    rng: random.Random
    index: int
    sub: Subdistrict
    trade: str
    chain_names: list[str]
    people: list[str]
    surnames: list[str]

    @property
    def sub_short(self) -> str:
        return self.sub.name.removesuffix("街道").removesuffix("镇")


def _chain(d: Draft) -> Shape:
    key = d.index % len(d.chain_names)
    return Shape(
        (CITY_SHORT, d.chain_names[key], "大药房连锁有限公司"),
        [LicenceKind.DRUG_CHAIN, LicenceKind.DEVICE_CLASS_2_FILING],
        vbp=True,
        cold=True,
        special=d.rng.random() < 0.5,
    )


def _pharmacy(d: Draft) -> Shape:
    rng = d.rng
    if d.chain_names and rng.random() < 0.55:
        key = rng.randrange(len(d.chain_names))
        road = rng.choice(names().roads)
        shape = Shape((d.chain_names[key], "大药房", road, "店"), chain_key=key, road=road)
        shape.vbp = rng.random() < 0.6
    else:
        style = rng.random()
        if style < 0.5:
            shape = Shape((d.sub_short, d.trade, "大药房", rng.choice(names().store_qualifiers)))
        elif style < 0.8:
            shape = Shape((DISTRICT, d.trade, "药房", rng.choice(names().store_qualifiers)))
        else:
            shape = Shape((d.trade, "药店"), prefix="92")  # 个体工商户
        shape.vbp = rng.random() < 0.2
    shape.licence_kinds = [LicenceKind.DRUG_RETAIL]
    if rng.random() < 0.5:
        shape.licence_kinds.append(LicenceKind.DEVICE_CLASS_2_FILING)
    shape.cold = rng.random() < 0.25  # insulin and other refrigerated drugs
    return shape


def _wholesaler(d: Draft) -> Shape:
    rng = d.rng
    shape = Shape((CITY_SHORT, d.trade, "医药有限公司"), [LicenceKind.DRUG_WHOLESALE])
    if rng.random() < 0.5:
        shape.licence_kinds.append(LicenceKind.DEVICE_CLASS_3)
        shape.device_class = DeviceClass.CLASS_2_3
    shape.vbp, shape.cold, shape.special = True, rng.random() < 0.7, rng.random() < 0.4
    return shape


def _medical_institution(d: Draft) -> Shape:
    slot = d.index % 6
    fixed = {
        0: ((DISTRICT, "人民医院"), MedicalLevel.LEVEL_3, "12"),
        1: ((DISTRICT, "中医院"), MedicalLevel.LEVEL_3, "12"),
        2: ((DISTRICT, "妇幼保健院"), MedicalLevel.LEVEL_2, "12"),
        3: ((DISTRICT, d.trade, "医院"), MedicalLevel.LEVEL_2, "52"),
    }
    if slot in fixed:
        parts, level, prefix = fixed[slot]
    else:
        centre = "社区卫生服务中心" if d.sub.kind == SubdistrictKind.STREET else "中心卫生院"
        parts, level, prefix = (d.sub.name, centre), MedicalLevel.LEVEL_1, "12"
    shape = Shape(parts, [LicenceKind.MEDICAL_PRACTICE], prefix=prefix, medical_level=level)
    if level != MedicalLevel.LEVEL_1:
        shape.licence_kinds.append(LicenceKind.SPECIAL_DRUG)
        shape.special = True
    shape.vbp = shape.cold = True
    shape.beauty = slot == 3 and d.rng.random() < 0.7
    return shape


def _clinic(d: Draft) -> Shape:
    rng = d.rng
    if d.sub.kind == SubdistrictKind.TOWN and rng.random() < 0.5:
        village = rng.choice(d.surnames) + rng.choice(names().village_suffixes)
        prefix = rng.choice(["N1", "52", "12"])  # collective, private non-profit, public
        return Shape(
            (d.sub.name, village, "卫生室"), [LicenceKind.MEDICAL_PRACTICE], prefix, vbp=True
        )
    clinic_kind = rng.choice(names().clinic_kinds)
    person = rng.choice(d.people)
    parts = (DISTRICT, person, clinic_kind) if rng.random() < 0.5 else (d.trade, clinic_kind)
    shape = Shape(parts, [LicenceKind.CLINIC_FILING], rng.choice(["92", "52", "91"]))
    shape.beauty = clinic_kind == "医疗美容诊所"
    shape.special = rng.random() < 0.03
    return shape


def _vaccination_site(d: Draft) -> Shape:
    place = "社区卫生服务中心" if d.sub.kind == SubdistrictKind.STREET else "卫生院"
    kinds: list[str] = [LicenceKind.MEDICAL_PRACTICE, LicenceKind.VACCINATION]
    return Shape((d.sub.name, place, "预防接种门诊"), kinds, "12", cold=True, vbp=True)


def _cdc(d: Draft) -> Shape:
    return Shape((DISTRICT, "疾病预防控制中心"), [LicenceKind.VACCINATION], "12", cold=True)


def _device_dealer(d: Draft) -> Shape:
    rng = d.rng
    shape = Shape((CITY_SHORT, d.trade, rng.choice(names().device_suffixes)))
    weights = [("2", 55), ("3", 20), ("2,3", 25)]
    shape.device_class = rng.choices([v for v, _ in weights], [w for _, w in weights])[0]
    if shape.device_class in ("3", "2,3"):
        shape.licence_kinds.append(LicenceKind.DEVICE_CLASS_3)
    if shape.device_class in ("2", "2,3"):
        shape.licence_kinds.append(LicenceKind.DEVICE_CLASS_2_FILING)
    shape.cold = shape.device_class != "2" and rng.random() < 0.2  # IVD reagents
    shape.beauty = shape.device_class != "2" and rng.random() < 0.15  # hyaluronic fillers
    return shape


def _cosmetics_dealer(d: Draft) -> Shape:
    rng = d.rng
    parts = (DISTRICT, d.sub_short, d.trade, rng.choice(names().cosmetic_suffixes))
    # cosmetics trading needs no licence in China; the dealer is registered only
    return Shape(parts, prefix="92" if rng.random() < 0.6 else "91")


def _online_seller(d: Draft) -> Shape:
    kinds: list[str] = [LicenceKind.DRUG_RETAIL, LicenceKind.ONLINE_FILING]
    return Shape((CITY_SHORT, d.trade, "大药房网络科技有限公司"), kinds, vbp=d.rng.random() < 0.3)


def _platform(d: Draft) -> Shape:
    parts = (CITY_SHORT, d.rng.choice(names().platforms), "网络科技有限公司")
    return Shape(parts, [LicenceKind.ONLINE_FILING])


def _plasma_station(d: Draft) -> Shape:
    parts = (DISTRICT, d.rng.choice(names().plasma_stations), "单采血浆站")
    return Shape(parts, [LicenceKind.PLASMA], "12", cold=True)


SHAPERS: dict[str, Callable[[Draft], Shape]] = {
    EntityType.PHARMACY_CHAIN: _chain,
    EntityType.RETAIL_PHARMACY: _pharmacy,
    EntityType.WHOLESALER: _wholesaler,
    EntityType.MEDICAL_INSTITUTION: _medical_institution,
    EntityType.CLINIC: _clinic,
    EntityType.VACCINATION_SITE: _vaccination_site,
    EntityType.CDC: _cdc,
    EntityType.DEVICE_DEALER: _device_dealer,
    EntityType.COSMETICS_DEALER: _cosmetics_dealer,
    EntityType.ONLINE_SELLER: _online_seller,
    EntityType.PLATFORM: _platform,
    EntityType.PLASMA_STATION: _plasma_station,
}


def shape_of(etype: str, draft: Draft) -> Shape:
    shape = SHAPERS[etype](draft)
    shape.parts = tuple(p for p in shape.parts if p)
    return shape
