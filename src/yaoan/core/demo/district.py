"""The demo district's organisation (青江区, fictional): the bureau, its sections and
stations, the enforcement team, the committee office and its member departments, and the
镇街 grid with population, read from ``data/district.toml`` and set up through the same
audited org services a real district's system administrator uses."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from yaoan.core import org_services
from yaoan.core.models import OrgUnit, Subdistrict, User

DATA = Path(__file__).with_name("data")


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    short: str
    kind: str
    order: int
    parent: str = ""


@dataclass(frozen=True)
class SubdistrictRow:
    suffix: str
    name: str
    kind: str
    area_type: str
    population: int
    station: str


@dataclass(frozen=True)
class District:
    name: str
    city: str
    province_abbr: str
    area_code: str
    bureau_code: str
    units: tuple[UnitRow, ...]
    subdistricts: tuple[SubdistrictRow, ...]

    def subdistrict_code(self, row: SubdistrictRow) -> str:
        return f"{self.area_code}{row.suffix}000"


@cache
def district() -> District:
    raw = tomllib.loads((DATA / "district.toml").read_text(encoding="utf-8"))
    return District(
        name=raw["district"],
        city=raw["city"],
        province_abbr=raw["province_abbr"],
        area_code=raw["area_code"],
        bureau_code=raw["bureau_code"],
        units=tuple(UnitRow(**u) for u in raw["units"]),
        subdistricts=tuple(SubdistrictRow(**s) for s in raw["subdistricts"]),
    )


def is_loaded() -> bool:
    """The marker of a loaded demo: its bureau exists."""
    return OrgUnit.objects.filter(code=district().bureau_code).exists()


def build_structure(actor: User) -> None:
    """Units in file order (a parent before its children), then the grid; each through
    ``org_services`` as the system administrator would enter them."""
    d = district()
    units: dict[str, OrgUnit] = {}
    for row in d.units:
        units[row.code] = org_services.create_org_unit(
            actor=actor,
            code=row.code,
            name=row.name,
            kind=row.kind,
            parent=units[row.parent] if row.parent else None,
            short_name=row.short,
            sort_order=row.order,
        )
    for sub in d.subdistricts:
        org_services.create_subdistrict(
            actor=actor,
            code=d.subdistrict_code(sub),
            name=sub.name,
            kind=sub.kind,
            station=units[sub.station],
            population=sub.population,
            area_type=sub.area_type,
        )


def demo_subdistricts() -> list[Subdistrict]:
    return list(
        Subdistrict.objects.filter(code__startswith=district().area_code)
        .select_related("station")
        .order_by("code")
    )
