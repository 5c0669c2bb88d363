"""The staff lists, page and API, make as many queries for three people as for one."""

from __future__ import annotations

from yaoan.common.testing import UserFactory, api_client_for, assert_list_queries_flat, client_for
from yaoan.core.enums import Role
from yaoan.staff import services
from yaoan.staff.tests.conftest import Staffing
from yaoan.staff.tests.factories import InspectorProfileFactory, QualificationFactory


def test_staff_and_conflict_lists(staffing: Staffing) -> None:
    def add(i: int) -> None:
        """A west inspector with a profile, posted to both grids, a qualification and a
        conflict of interest."""
        person = UserFactory(org_unit=staffing.west, roles=[Role.INSPECTOR])
        profile = InspectorProfileFactory(user=person, home_subdistrict=staffing.subdistricts[1])
        profile.posted_subdistricts.set(staffing.subdistricts)
        QualificationFactory(holder=person)
        services.record_conflict(
            actor=staffing.chief, inspector=person, entity=staffing.west_entity, kind="relative"
        )

    client = client_for(staffing.chief)
    assert_list_queries_flat(client, "/staff/", add)
    assert_list_queries_flat(client, "/staff/conflicts/", add)
    assert_list_queries_flat(api_client_for(staffing.chief), "/api/staff/", add)
