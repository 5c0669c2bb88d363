"""A small district for the draws tests: two stations with two subdistricts each, twelve
entities, eight station inspectors with profiles, two 卫健委 inspectors and a chief."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from yaoan.common.testing import (
    EntityFactory,
    OrgUnitFactory,
    StationFactory,
    SubdistrictFactory,
    UserFactory,
)
from yaoan.core.enums import OrgUnitKind, Role
from yaoan.core.models import OrgUnit, Subdistrict, User
from yaoan.draws.enums import DrawKind, SelectionMode
from yaoan.draws.specs import DrawSpec
from yaoan.registry.models import Entity
from yaoan.staff.tests.factories import InspectorProfileFactory


@dataclass
class District:
    chief: User
    section: OrgUnit
    east: OrgUnit
    west: OrgUnit
    health: OrgUnit
    subdistricts: list[Subdistrict]
    entities: list[Entity]
    inspectors: list[User]
    partners: list[User]

    def spec(self, **overrides: object) -> DrawSpec:
        args: dict[str, object] = {
            "title": "2026年第一批药品零售双随机抽查",
            "kind": DrawKind.RANDOM,
            "selection_mode": SelectionMode.RATIO,
            "selection_value": 5000,
            "inspector_units": [self.east, self.west],
        }
        args.update(overrides)
        return DrawSpec(**args)  # type: ignore[arg-type]


def make_inspector(unit: OrgUnit, badge: str, home: Subdistrict | None = None) -> User:
    user = UserFactory(org_unit=unit, roles=[Role.INSPECTOR], totp=False)
    InspectorProfileFactory(user=user, badge_number=badge, home_subdistrict=home)
    return user


@pytest.fixture
def district(db) -> District:
    section = OrgUnitFactory(code="drug-section", name="药品安全监管股", kind=OrgUnitKind.SECTION)
    chief = UserFactory(org_unit=section, roles=[Role.SECTION_CHIEF], display_name="张股长")
    east, west = StationFactory(name="东城所"), StationFactory(name="西城所")
    health = OrgUnitFactory(
        code="dept-health", name="区卫生健康委", kind=OrgUnitKind.MEMBER_DEPARTMENT
    )
    subs = [SubdistrictFactory(station=east), SubdistrictFactory(station=east)]
    subs += [SubdistrictFactory(station=west), SubdistrictFactory(station=west)]
    entities = [EntityFactory(subdistrict=subs[i % 4], name=f"测试药房{i:02d}") for i in range(12)]
    inspectors = [
        make_inspector(east if i < 4 else west, f"QJ{i:03d}", subs[i % 4]) for i in range(8)
    ]
    partners = [make_inspector(health, f"WJ{i:03d}") for i in range(2)]
    return District(chief, section, east, west, health, subs, entities, inspectors, partners)
