"""The demo's product catalogue: about 200 drugs, 60 devices and 40 cosmetics from the
tables in ``data/``, with registration numbers in the NMPA formats (fictional serials)."""

from __future__ import annotations

import random
from typing import Any

from yaoan.common.identifiers import gs1_check_digit
from yaoan.registry.demo.tables import PROVINCE_ABBR, cosmetics, devices, drugs, names
from yaoan.registry.enums import ProductClass, SpecialDrugKind

DRUG_COUNT = 200
COSMETIC_SIZES = (("口红", "3.5g"), ("香水", "50ml"), ("面膜", "25ml*5片"), ("牙膏", "60g"))


def make_gtin14(n: int) -> str:
    body = f"0693{n:09d}"
    return body + gs1_check_digit(body)


def _drug_specs(rng: random.Random) -> list[dict[str, Any]]:
    """Each generic name under several holders, until there are DRUG_COUNT; special drugs
    and some others have one holder only."""
    holders = sorted({f"{t}制药有限公司" for t in names().trade[:30]})
    out: list[dict[str, Any]] = []
    serial = variants = 0
    while len(out) < DRUG_COUNT:
        for drug in drugs():
            if len(out) >= DRUG_COUNT:
                break
            if variants and (drug.special or rng.random() < 0.4):
                continue
            holder = holders[(serial * 7) % len(holders)]
            serial += 1
            year = rng.choice([2005, 2008, 2010, 2013, 2015, 2019, 2020, 2021, 2022, 2023])
            vaccine = "vaccine" in drug.flags
            out.append(
                {
                    "product_class": ProductClass.DRUG,
                    "name": drug.name,
                    "generic_name": drug.name.split("（")[0],
                    "approval_number": f"国药准字{drug.category}{year}{serial:04d}",
                    "holder": holder,
                    "dosage_form": drug.dosage_form,
                    "specification": drug.specifications[serial % len(drug.specifications)],
                    "special_drug_kind": drug.special or SpecialDrugKind.NONE,
                    "is_prescription": bool({"rx", "vaccine"} & drug.flags or drug.special),
                    "is_vaccine": vaccine,
                    "is_cold_chain": bool({"vaccine", "cold"} & drug.flags),
                    "in_volume_procurement": "vbp" in drug.flags,
                    "product_identifier": f"8{serial:06d}",
                }
            )
        variants += 1
    return out


def _registration(device_class: str, year: int, serial: int, rng: random.Random) -> str:
    if device_class == "3":
        return f"国械注准{year}3{rng.randint(1, 22):02d}{serial:04d}"
    if device_class == "2":
        return f"{PROVINCE_ABBR}械注准{year}2{rng.randint(1, 22):02d}{serial:04d}"
    return f"{PROVINCE_ABBR}青械备{year}{serial:04d}号"


def _device_specs(rng: random.Random) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    serial = 0
    for round_ in range(3):
        for device in devices():
            if round_ and rng.random() < 0.25:
                continue
            serial += 1
            year = rng.choice([2019, 2020, 2021, 2022, 2023, 2024])
            maker = f"{rng.choice(names().trade)}医疗器械有限公司"
            out.append(
                {
                    "product_class": ProductClass.DEVICE,
                    "name": device.name,
                    "registration_number": _registration(device.device_class, year, serial, rng),
                    "udi_di": make_gtin14(serial * 37 + 1000),
                    "holder": maker,
                    "dosage_form": device.model,
                    "specification": device.model,
                    "in_volume_procurement": "vbp" in device.flags,
                    "is_cold_chain": "cold" in device.flags,
                    "is_prescription": False,
                }
            )
    return out


def _cosmetic_size(name: str, rng: random.Random) -> str:
    for word, size in COSMETIC_SIZES:
        if word in name:
            return size
    return rng.choice(["50ml", "100g", "30ml", "200ml"])


def _cosmetic_specs(rng: random.Random) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    serial = 0
    for _round in range(2):
        for cosmetic in cosmetics():
            serial += 1
            year = rng.choice([2021, 2022, 2023, 2024])
            if cosmetic.special:
                reg = f"国妆特字G{year}{serial:04d}"
            else:
                reg = f"{PROVINCE_ABBR}G妆网备字{year}{serial:06d}"
            out.append(
                {
                    "product_class": ProductClass.COSMETIC,
                    "name": f"{rng.choice(names().cosmetic_brands)}{cosmetic.name}",
                    "registration_number": reg,
                    "holder": f"{rng.choice(names().trade)}日化有限公司",
                    "specification": _cosmetic_size(cosmetic.name, rng),
                    "is_for_children": cosmetic.for_children,
                }
            )
    return out


def product_specs(rng: random.Random) -> list[dict[str, Any]]:
    return [*_drug_specs(rng), *_device_specs(rng), *_cosmetic_specs(rng)]
