"""Fixtures shared by every app's tests."""

import pytest  # noqa: E402


@pytest.fixture
def station(db):
    from yaoan.common.testing import StationFactory

    return StationFactory()


@pytest.fixture
def subdistrict(station):
    from yaoan.common.testing import SubdistrictFactory

    return SubdistrictFactory(station=station)


@pytest.fixture
def inspector(station):
    from yaoan.common.testing import UserFactory
    from yaoan.core.enums import Role

    return UserFactory(org_unit=station, roles=[Role.INSPECTOR])


@pytest.fixture
def bureau_chief(db):
    from yaoan.common.testing import OrgUnitFactory, UserFactory
    from yaoan.core.enums import OrgUnitKind, Role

    section = OrgUnitFactory(code="drug-section", name="药品安全监管股", kind=OrgUnitKind.SECTION)
    return UserFactory(org_unit=section, roles=[Role.SECTION_CHIEF])
