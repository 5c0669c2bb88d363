"""The staff tests' own small district, ``staffing`` (the shared test world has no
station chief): a district-wide section chief, two stations with a chief and two
inspectors each (the east ones with profiles), entities in both grids."""

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
from yaoan.registry.models import Entity
from yaoan.staff.tests.factories import InspectorProfileFactory


@dataclass
class Staffing:
    chief: User  # district-wide (药品安全监管股)
    east: OrgUnit
    west: OrgUnit
    east_chief: User
    east_inspectors: list[User]
    west_inspectors: list[User]
    subdistricts: list[Subdistrict]
    east_entity: Entity
    west_entity: Entity


@pytest.fixture
def staffing(db) -> Staffing:
    section = OrgUnitFactory(code="drug-section", name="药品安全监管股", kind=OrgUnitKind.SECTION)
    chief = UserFactory(org_unit=section, roles=[Role.SECTION_CHIEF], display_name="张股长")
    east, west = StationFactory(name="东城所"), StationFactory(name="西城所")
    subs = [SubdistrictFactory(station=east), SubdistrictFactory(station=west)]
    east_chief = UserFactory(org_unit=east, roles=[Role.SECTION_CHIEF], display_name="东所长")
    east_inspectors = [
        UserFactory(org_unit=east, roles=[Role.INSPECTOR], display_name=f"东检查员{i}")
        for i in range(2)
    ]
    for i, person in enumerate(east_inspectors):
        InspectorProfileFactory(user=person, badge_number=f"DC{i:03d}", home_subdistrict=subs[0])
    west_inspectors = [
        UserFactory(org_unit=west, roles=[Role.INSPECTOR], display_name=f"西检查员{i}")
        for i in range(2)
    ]
    return Staffing(
        chief=chief,
        east=east,
        west=west,
        east_chief=east_chief,
        east_inspectors=east_inspectors,
        west_inspectors=west_inspectors,
        subdistricts=subs,
        east_entity=EntityFactory(subdistrict=subs[0], name="东城药房"),
        west_entity=EntityFactory(subdistrict=subs[1], name="西城药房"),
    )
