"""Moving a 镇街 to another station (core.org_services) moves its entities into that
station's registry scope: the registry derives an entity's station from its subdistrict."""

import pytest

from yaoan.common.testing import EntityFactory, OrgUnitFactory, StationFactory, UserFactory
from yaoan.core import org_services
from yaoan.core.enums import OrgUnitKind, Role, SubdistrictKind
from yaoan.registry.listing_sql import QueryShape, listed_entities
from yaoan.registry.queries import entities_visible_to

pytestmark = pytest.mark.django_db


def visible(user):
    """What every app sees, and what the entity list lists in each of its SQL forms."""
    lists = [list(listed_entities(user, shape)) for shape in QueryShape]
    return [list(entities_visible_to(user)), *lists]


def test_entities_follow_their_subdistrict_to_the_new_station():
    bureau = OrgUnitFactory(code="b1", kind=OrgUnitKind.BUREAU)
    west, east = StationFactory(parent=bureau), StationFactory(parent=bureau)
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN], org_unit=None)
    sub = org_services.create_subdistrict(
        actor=admin, code="500111001", name="江城街道", kind=SubdistrictKind.STREET, station=west
    )
    entity = EntityFactory(subdistrict=sub)
    west_inspector = UserFactory(roles=[Role.INSPECTOR], org_unit=west)
    east_inspector = UserFactory(roles=[Role.INSPECTOR], org_unit=east)
    assert visible(west_inspector) == [[entity]] * 4
    assert visible(east_inspector) == [[]] * 4

    org_services.move_subdistrict(actor=admin, subdistrict=sub, station=east, reason="区划调整")

    assert visible(west_inspector) == [[]] * 4
    assert visible(east_inspector) == [[entity]] * 4
