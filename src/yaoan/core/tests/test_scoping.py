"""core.scoping: the rows a user may see, for each kind of scope — the whole district, a
station's grid, nothing — over a direct, a nested and a many-valued path to the station."""

import pytest
from django.db.models import Q

from yaoan.common.testing import (
    OrgUnitFactory,
    StationFactory,
    SubdistrictFactory,
    UserFactory,
)
from yaoan.core.enums import OrgUnitKind, Role
from yaoan.core.models import OrgUnit, RoleAssignment, Subdistrict
from yaoan.core.rules import NO_DATA, WHOLE_DISTRICT, DataScope
from yaoan.core.scoping import station_condition, visible_to, within

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid():
    """Two stations with a 镇街 and an inspector each."""
    north, south = StationFactory(name="北所"), StationFactory(name="南所")
    north_street = SubdistrictFactory(station=north)
    south_street = SubdistrictFactory(station=south)
    return {
        "north": north,
        "south": south,
        "north_street": north_street,
        "south_street": south_street,
        "north_staff": UserFactory(roles=[Role.INSPECTOR], org_unit=north),
        "south_staff": UserFactory(roles=[Role.INSPECTOR], org_unit=south),
    }


def _ids(qs):
    return sorted(qs.values_list("pk", flat=True))


def test_district_wide_user_sees_every_row(grid):
    section = OrgUnitFactory(kind=OrgUnitKind.SECTION)
    chief = UserFactory(roles=[Role.SECTION_CHIEF], org_unit=section)
    seen = visible_to(chief, Subdistrict.objects.all(), station="station")
    assert _ids(seen) == sorted([grid["north_street"].pk, grid["south_street"].pk])


def test_station_user_sees_only_rows_of_their_station(grid):
    inspector = grid["north_staff"]
    streets = visible_to(inspector, Subdistrict.objects.all(), station="station")
    # a nested path: a role assignment belongs to the station of its user
    roles = visible_to(inspector, RoleAssignment.objects.all(), station="user__org_unit")
    assert _ids(streets) == [grid["north_street"].pk]
    assert set(roles.values_list("user_id", flat=True)) == {inspector.pk}


def test_user_without_scope_sees_nothing(grid):
    department = OrgUnitFactory(kind=OrgUnitKind.MEMBER_DEPARTMENT)
    liaison = UserFactory(roles=[Role.LIAISON], org_unit=department)
    assert _ids(visible_to(liaison, Subdistrict.objects.all(), station="station")) == []
    assert _ids(visible_to(liaison, Subdistrict.objects.all(), station=None)) == []


def test_reference_data_without_station_is_whole_for_any_scope(grid):
    seen = visible_to(grid["south_staff"], Subdistrict.objects.all(), station=None)
    assert _ids(seen) == sorted([grid["north_street"].pk, grid["south_street"].pk])


def test_also_adds_rows_outside_the_scope_even_for_no_scope(grid):
    streets = Subdistrict.objects.all()
    own = Q(pk=grid["south_street"].pk)
    station_scope = DataScope(frozenset({grid["north"].pk}))
    both = within(station_scope, streets, station="station", also=own)
    only_own = within(NO_DATA, streets, station="station", also=own)
    assert _ids(both) == sorted([grid["north_street"].pk, grid["south_street"].pk])
    assert _ids(only_own) == [grid["south_street"].pk]


def test_many_valued_path_gives_each_row_once(grid):
    # a second 镇街 of the north station: a station reached through its streets twice
    SubdistrictFactory(station=grid["north"])
    scope = DataScope(frozenset({grid["north"].pk}))
    stations = OrgUnit.objects.filter(kind=OrgUnitKind.STATION)
    seen = within(scope, stations, station="subdistricts__station")
    assert list(seen.values_list("pk", flat=True)) == [grid["north"].pk]


def test_station_condition_for_aggregates(grid):
    assert station_condition(WHOLE_DISTRICT, "station") is None
    north_only = station_condition(DataScope(frozenset({grid["north"].pk})), "station")
    assert _ids(Subdistrict.objects.filter(north_only)) == [grid["north_street"].pk]
    assert _ids(Subdistrict.objects.filter(station_condition(NO_DATA, "station"))) == []
