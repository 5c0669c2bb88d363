"""Two stations with an entity each, the enforcement team's officer, a section chief and
each station's inspector."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from yaoan.common.testing import (
    EntityFactory,
    OrgUnitFactory,
    StationFactory,
    SubdistrictFactory,
    UserFactory,
)
from yaoan.core.enums import OrgUnitKind, Role
from yaoan.core.models import OrgUnit, User
from yaoan.registry.models import Entity


@dataclass
class District:
    station: OrgUnit
    other_station: OrgUnit
    pharmacy: Entity
    other_entity: Entity
    officer: User
    chief: User
    inspector: User
    other_inspector: User


@pytest.fixture
def district(db: Any) -> District:
    station, other = StationFactory(name="江城所"), StationFactory(name="石门所")
    team = OrgUnitFactory(kind=OrgUnitKind.ENFORCEMENT_TEAM, name="执法支队")
    section = OrgUnitFactory(kind=OrgUnitKind.SECTION, name="药品股")
    return District(
        station=station,
        other_station=other,
        pharmacy=EntityFactory(subdistrict=SubdistrictFactory(station=station), name="仁济大药房"),
        other_entity=EntityFactory(subdistrict=SubdistrictFactory(station=other)),
        officer=UserFactory(org_unit=team, roles=[Role.CASE_OFFICER]),
        chief=UserFactory(org_unit=section, roles=[Role.SECTION_CHIEF]),
        inspector=UserFactory(org_unit=station),
        other_inspector=UserFactory(org_unit=other),
    )
