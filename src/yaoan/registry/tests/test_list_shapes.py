"""Which SQL form the entity list uses for its filters, and that every form lists the
same entities in the same order, page by page: walked and counting forms only for the
search and expiry filters used alone, sparse matches sorted from the set, and a stable
order when many entities share the sorted column."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from yaoan.common.testing import (
    EntityFactory,
    LicenceFactory,
    StationFactory,
    SubdistrictFactory,
    UserFactory,
    sign_in,
)
from yaoan.core.enums import Role
from yaoan.core.services import set_roles
from yaoan.registry import views
from yaoan.registry.filtersets import EntityFilterSet
from yaoan.registry.tests.list_pages import entity_queries, page_names, rows_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_grids(bureau_chief):
    """Two stations; in each, six shops with a licence expiring within 30 days (one shop
    with two such licences) and three without."""
    soon = timezone.localdate() + dt.timedelta(days=10)
    grids = {}
    for label in ("东", "西"):
        sub = SubdistrictFactory(station=StationFactory(name=f"{label}城市场监管所"))
        grids[label] = sub
        for i in range(9):
            entity = EntityFactory(subdistrict=sub, name=f"{label}城药店{i}")
            if i < 6:
                LicenceFactory(entity=entity, valid_until=soon)
            if i == 0:
                LicenceFactory(entity=entity, valid_until=soon + dt.timedelta(days=5))
    client = Client()
    sign_in(client, bureau_chief)
    return client, grids


def test_the_expiry_filter_alone_counts_each_entity_once(two_grids):
    client, _ = two_grids
    response = client.get("/registry/entities/?licence_expiring=30")
    assert "共 12 个监管对象" in response.content.decode()


def test_the_expiry_filter_alone_is_walked_and_counted_in_its_own_forms(two_grids, monkeypatch):
    client, _ = two_grids
    monkeypatch.setattr(views, "COUNT_LIMIT", 5)
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    expected = sorted(f"{g}城药店{i}" for g in "东西" for i in range(6))
    pages = [page_names(client, f"?licence_expiring=30&page={n}") for n in (1, 2, 3)]
    assert pages == [expected[0:5], expected[5:10], expected[10:12]]
    count, rows = entity_queries(client, "?licence_expiring=30")
    assert "EXISTS" in rows
    if connection.vendor == "sqlite":
        assert "DISTINCT" in count and " IN (SELECT" not in count


def test_the_counting_form_is_built_only_on_a_database_where_it_differs(two_grids, monkeypatch):
    """PostgreSQL counts the set-based form, so asking for the counting form there would
    build the same queryset twice."""
    client, _ = two_grids
    built = []
    counting_qs = EntityFilterSet.counting_qs

    def spy(self):
        built.append(self)
        return counting_qs(self)

    monkeypatch.setattr(EntityFilterSet, "counting_qs", spy)
    response = client.get("/registry/entities/?licence_expiring=30")
    assert "共 12 个监管对象" in response.content.decode()
    assert len(built) == (1 if connection.vendor == "sqlite" else 0)


def test_with_a_station_the_expiry_filter_is_walked_and_counted_as_a_set(two_grids, monkeypatch):
    """More matches than COUNT_LIMIT in a station: the rows walk the name order with the
    grid written so no index serves it (else the planners start from the grid's index and
    sort it all); the count keeps the set form, since a join per licence then costs more."""
    client, grids = two_grids
    monkeypatch.setattr(views, "COUNT_LIMIT", 3)
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    station = grids["西"].station_id
    query = f"?licence_expiring=30&station={station}"
    expected = [f"西城药店{i}" for i in range(6)]
    pages = [page_names(client, f"{query}&page={n}") for n in (1, 2)]
    assert pages == [expected[0:4], expected[4:6]]
    count, rows = entity_queries(client, query)
    assert "EXISTS" in rows and "DISTINCT" not in count and "+ 0" not in count
    assert ('"subdistrict_id" + 0)' in rows) is (connection.vendor == "sqlite")


def test_a_grid_with_many_entities_is_walked(two_grids, monkeypatch):
    client, grids = two_grids
    monkeypatch.setattr(views, "COUNT_LIMIT", 3)
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    sub = grids["东"].pk
    expected = [f"东城药店{i}" for i in range(9)]
    pages = [page_names(client, f"?subdistrict={sub}&sort=-name&page={n}") for n in (1, 2, 3)]
    assert pages == [expected[::-1][0:4], expected[::-1][4:8], expected[::-1][8:9]]
    walked = '"subdistrict_id" + 0)' in rows_query(client, f"?subdistrict={sub}")
    assert walked is (connection.vendor == "sqlite")
    assert "+ 0" not in rows_query(client, f"?subdistrict={sub}&sort=uscc")


def test_a_station_user_walks_their_grid(two_grids, monkeypatch):
    """A station user's scope is a grid condition like the station filter: with many
    entities, walked in name order; with few, a set."""
    _, grids = two_grids
    user = UserFactory(org_unit=grids["东"].station, roles=[Role.INSPECTOR])
    client = Client()
    sign_in(client, user)
    expected = [f"东城药店{i}" for i in range(6)]
    assert page_names(client, "?licence_expiring=30") == expected
    assert "+ 0" not in rows_query(client, "?licence_expiring=30")
    monkeypatch.setattr(views, "COUNT_LIMIT", 2)
    count, rows = entity_queries(client, "?licence_expiring=30")
    assert page_names(client, "?licence_expiring=30") == expected
    assert "EXISTS" in rows and "DISTINCT" not in count
    assert ('"subdistrict_id" + 0)' in rows) is (connection.vendor == "sqlite")
    assert page_names(client, "") == [f"东城药店{i}" for i in range(9)]


@pytest.mark.parametrize("sort", ["", "&sort=name", "&sort=-name"])
def test_sparse_matches_are_sorted_from_the_set(two_grids, sort):
    client, _ = two_grids
    names = page_names(client, f"?q=东城药店{sort}")
    assert names == sorted((f"东城药店{i}" for i in range(9)), reverse="-" in sort)
    assert "|| '')" in rows_query(client, f"?q=东城药店{sort}")


def test_many_matches_keep_the_indexed_order(two_grids, monkeypatch):
    client, _ = two_grids
    monkeypatch.setattr(views, "COUNT_LIMIT", 3)
    assert "|| '')" not in rows_query(client, "?q=城药店")


@pytest.mark.parametrize("direction", ["", "-"])
def test_sorting_by_a_shared_column_pages_without_overlap(two_grids, monkeypatch, direction):
    client, _ = two_grids
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    pages = [page_names(client, f"?sort={direction}subdistrict&page={n}") for n in range(1, 6)]
    listed = [name for page in pages for name in page]
    assert len(listed) == len(set(listed)) == 18
    east_first = [f"{g}城药店{i}" for g in "东西" for i in range(9)]  # created in this order
    grids = [name[0] for name in listed]
    assert sum(a != b for a, b in itertools.pairwise(grids)) == 1  # one grid, then the other
    for grid in "东西":
        in_grid = [name for name in listed if name[0] == grid]
        ids_order = [name for name in east_first if name[0] == grid]
        assert in_grid == (ids_order[::-1] if direction else ids_order)


def test_a_role_taken_away_counts_from_the_next_page(two_grids, bureau_chief):
    client, _ = two_grids
    assert client.get("/registry/entities/").status_code == 200
    admin = UserFactory(roles=[Role.SECURITY_ADMIN])
    set_roles(actor=admin, user=bureau_chief, roles=[Role.LIAISON], reason="调岗")
    assert client.get("/registry/entities/").status_code == 403


@pytest.mark.parametrize("page", ["40", "99999999999999999999"])
def test_a_page_past_the_end_of_a_capped_count_shows_the_last_page(two_grids, monkeypatch, page):
    client, _ = two_grids
    monkeypatch.setattr(views, "COUNT_LIMIT", 5)
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    expected = sorted(f"{g}城{kind}{i}" for g in "东西" for kind in ("药店",) for i in range(9))
    response = client.get(f"/registry/entities/?page={page}")
    assert response.status_code == 200
    assert [row.name for row in response.context["page_obj"]] == expected[15:18]
    assert "共 18 个监管对象" in response.content.decode()
