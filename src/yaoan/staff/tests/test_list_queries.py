"""The staff lists, page and API, make as many queries for three people as for one."""

from __future__ import annotations

from yaoan.common.testing import (
    UserFactory,
    World,
    api_client_for,
    assert_list_queries_flat,
    client_for,
)
from yaoan.core.enums import Role
from yaoan.staff import services
from yaoan.staff.tests.factories import InspectorProfileFactory, QualificationFactory


def test_staff_and_conflict_lists(world: World) -> None:
    def add(i: int) -> None:
        """A west inspector with a profile, posted to both grids, a qualification and a
        conflict of interest."""
        person = UserFactory(org_unit=world.other_station, roles=[Role.INSPECTOR])
        profile = InspectorProfileFactory(user=person, home_subdistrict=world.other_grid)
        profile.posted_subdistricts.set([world.grid, world.other_grid])
        QualificationFactory(holder=person)
        services.record_conflict(
            actor=world.chief, inspector=person, entity=world.other_entity, kind="relative"
        )

    client = client_for(world.chief)
    assert_list_queries_flat(client, "/staff/", add)
    assert_list_queries_flat(client, "/staff/conflicts/", add)
    assert_list_queries_flat(api_client_for(world.chief), "/api/staff/", add)
