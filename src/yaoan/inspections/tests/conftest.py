"""A station with a pharmacy, two of its inspectors, an inspector of another station and a
section chief."""

from __future__ import annotations

from typing import Any

import pytest

from yaoan.common.testing import (
    EntityFactory,
    OrgUnitFactory,
    StationFactory,
    SubdistrictFactory,
    UserFactory,
    weekend_calendar_for_coming_years,
)
from yaoan.core.enums import OrgUnitKind, Role
from yaoan.inspections.tests.helpers import Site


@pytest.fixture
def site(db: Any) -> Site:
    weekend_calendar_for_coming_years()
    station, other = StationFactory(name="江城所"), StationFactory(name="石门所")
    section = OrgUnitFactory(kind=OrgUnitKind.SECTION, name="药品股")
    return Site(
        station=station,
        other_station=other,
        pharmacy=EntityFactory(subdistrict=SubdistrictFactory(station=station), name="仁济大药房"),
        other_entity=EntityFactory(subdistrict=SubdistrictFactory(station=other)),
        inspector=UserFactory(org_unit=station, display_name="甲检查员"),
        partner=UserFactory(org_unit=station, display_name="乙检查员"),
        outsider=UserFactory(org_unit=other),
        chief=UserFactory(org_unit=section, roles=[Role.SECTION_CHIEF]),
    )
