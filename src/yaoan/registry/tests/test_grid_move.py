"""Moving a 镇街 to another station (core.org_services) moves its entities into that
station's registry scope: the registry derives an entity's station from its subdistrict."""

import pytest

from yaoan.common.testing import EntityFactory, OrgUnitFactory, StationFactory, UserFactory
from yaoan.core import org_services
from yaoan.core.enums import OrgUnitKind, Role, SubdistrictKind
from yaoan.registry.queries import QueryShape, entities_visible_to

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("shape", list(QueryShape))
def test_entities_follow_their_subdistrict_to_the_new_station(shape):
    bureau = OrgUnitFactory(code="b1", kind=OrgUnitKind.BUREAU)
    west, east = StationFactory(parent=bureau), StationFactory(parent=bureau)
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN], org_unit=None)
    sub = org_services.create_subdistrict(
        actor=admin, code="500111001", name="江城街道", kind=SubdistrictKind.STREET, station=west
    )
    entity = EntityFactory(subdistrict=sub)
    west_inspector = UserFactory(roles=[Role.INSPECTOR], org_unit=west)
    east_inspector = UserFactory(roles=[Role.INSPECTOR], org_unit=east)
    assert list(entities_visible_to(west_inspector, shape)) == [entity]
    assert list(entities_visible_to(east_inspector, shape)) == []

    org_services.move_subdistrict(actor=admin, subdistrict=sub, station=east, reason="区划调整")

    assert list(entities_visible_to(west_inspector, shape)) == []
    assert list(entities_visible_to(east_inspector, shape)) == [entity]
