"""Which SQL forms the entity list uses for its filters (the page's ListPlan), and that
every form lists the same entities in the same order, page by page: walked and counting
forms only for the search and expiry filters used alone, sparse matches sorted from the
set, and a stable order when many entities share the sorted column."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yaoan.common.testing import (
    EntityFactory,
    LicenceFactory,
    OrgUnitFactory,
    StationFactory,
    SubdistrictFactory,
    UserFactory,
    sign_in,
)
from yaoan.core.enums import OrgUnitKind, Role
from yaoan.core.services import set_roles
from yaoan.registry import listing
from yaoan.registry.filtersets import EntityFilterSet
from yaoan.registry.listing import ListPlan
from yaoan.registry.listing_sql import ListFilterSet, QueryShape, listed_entities
from yaoan.registry.queries import entities_visible_to
from yaoan.registry.tests.list_pages import page_names, page_plan

SET, WALK, COUNT = QueryShape.SET, QueryShape.WALK, QueryShape.COUNT
# the expiry filter alone is counted in its own form where that form differs (SQLite)
EXPIRY_COUNT = COUNT if connection.vendor == "sqlite" else SET

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau_chief(db):
    """A district-wide chief without the shared world (see ``two_grids``)."""
    section = OrgUnitFactory(code="drug-section", name="药品安全监管股", kind=OrgUnitKind.SECTION)
    return UserFactory(org_unit=section, roles=[Role.SECTION_CHIEF])


@pytest.fixture
def two_grids(bureau_chief):
    """Two stations; in each, six shops with a licence expiring within 30 days (one shop
    with two such licences) and three without.

    Not the shared test world: these tests count and page every entity a district-wide
    user lists (18, one grid after the other), which the world's own two entities would
    change — the district here is exactly these rows."""
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
    monkeypatch.setattr(listing, "COUNT_LIMIT", 5)
    monkeypatch.setattr(listing, "PAGE_SIZE", 5)
    expected = sorted(f"{g}城药店{i}" for g in "东西" for i in range(6))
    pages = [page_names(client, f"?licence_expiring=30&page={n}") for n in (1, 2, 3)]
    assert pages == [expected[0:5], expected[5:10], expected[10:12]]
    assert page_plan(client, "?licence_expiring=30") == ListPlan(EXPIRY_COUNT, WALK)


def test_the_expiry_filter_with_a_search_is_still_counted_alone(two_grids):
    client, _ = two_grids
    response = client.get("/registry/entities/?licence_expiring=30&q=东城")
    assert "共 6 个监管对象" in response.content.decode()
    assert response.context["page_obj"].plan == ListPlan(EXPIRY_COUNT, SET, unindexed_sort=True)


def test_with_a_station_the_expiry_filter_is_walked_and_counted_as_a_set(two_grids, monkeypatch):
    """More matches than COUNT_LIMIT in a station: the rows walk the name order; the count
    keeps the set form, since joined to the grid a join per licence costs more."""
    client, grids = two_grids
    monkeypatch.setattr(listing, "COUNT_LIMIT", 3)
    monkeypatch.setattr(listing, "PAGE_SIZE", 4)
    station = grids["西"].station_id
    query = f"?licence_expiring=30&station={station}"
    expected = [f"西城药店{i}" for i in range(6)]
    pages = [page_names(client, f"{query}&page={n}") for n in (1, 2)]
    assert pages == [expected[0:4], expected[4:6]]
    assert page_plan(client, query) == ListPlan(SET, WALK)


def test_a_grid_with_many_entities_is_walked_in_name_order_only(two_grids, monkeypatch):
    client, grids = two_grids
    monkeypatch.setattr(listing, "COUNT_LIMIT", 3)
    monkeypatch.setattr(listing, "PAGE_SIZE", 4)
    sub = grids["东"].pk
    expected = [f"东城药店{i}" for i in range(9)]
    pages = [page_names(client, f"?subdistrict={sub}&sort=-name&page={n}") for n in (1, 2, 3)]
    assert pages == [expected[::-1][0:4], expected[::-1][4:8], expected[::-1][8:9]]
    assert page_plan(client, f"?subdistrict={sub}") == ListPlan(SET, WALK)
    assert page_plan(client, f"?subdistrict={sub}&sort=uscc") == ListPlan(SET, SET)


def test_a_station_user_walks_their_grid(two_grids, monkeypatch):
    """A station user's scope is a grid condition like the station filter: with many
    entities, walked in name order; with few, a set."""
    _, grids = two_grids
    user = UserFactory(org_unit=grids["东"].station, roles=[Role.INSPECTOR])
    client = Client()
    sign_in(client, user)
    expected = [f"东城药店{i}" for i in range(6)]
    assert page_names(client, "?licence_expiring=30") == expected
    assert page_plan(client, "?licence_expiring=30") == ListPlan(SET, SET, unindexed_sort=True)
    monkeypatch.setattr(listing, "COUNT_LIMIT", 2)
    assert page_names(client, "?licence_expiring=30") == expected
    assert page_plan(client, "?licence_expiring=30") == ListPlan(SET, WALK)
    assert page_names(client, "") == [f"东城药店{i}" for i in range(9)]
    assert page_plan(client, "") == ListPlan(SET, WALK)


@pytest.mark.parametrize("sort", ["", "&sort=name", "&sort=-name"])
def test_sparse_matches_are_sorted_from_the_set(two_grids, sort):
    client, _ = two_grids
    names = page_names(client, f"?q=东城药店{sort}")
    assert names == sorted((f"东城药店{i}" for i in range(9)), reverse="-" in sort)
    assert page_plan(client, f"?q=东城药店{sort}") == ListPlan(SET, SET, unindexed_sort=True)


def test_many_matches_keep_the_indexed_order(two_grids, monkeypatch):
    client, _ = two_grids
    monkeypatch.setattr(listing, "COUNT_LIMIT", 3)
    assert page_plan(client, "?q=城药店") == ListPlan(SET, WALK)
    assert page_plan(client, "?q=城药店&sort=uscc") == ListPlan(SET, SET)


def test_a_broad_list_with_no_filter_reads_the_set_in_its_order(two_grids, monkeypatch):
    client, _ = two_grids
    monkeypatch.setattr(listing, "COUNT_LIMIT", 3)
    assert page_plan(client, "") == ListPlan(SET, SET)


def queries_of(client, query):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/registry/entities/{query}")
    assert response.status_code == 200
    return len(ctx.captured_queries), response.context["page_obj"].plan


@pytest.mark.parametrize("query", ["?licence_expiring=30", "?q=城药店", "?subdistrict={sub}", ""])
def test_walking_or_counting_in_another_form_costs_no_query(two_grids, monkeypatch, query):
    """A dense page (counted, then walked) runs as many queries as a sparse one: one
    count and one read of the rows, each form built only when it is used."""
    client, grids = two_grids
    query = query.format(sub=grids["东"].pk)
    queries_of(client, query)  # the filter's drop-downs are loaded once (common.refdata)
    sparse, sparse_plan = queries_of(client, query)
    monkeypatch.setattr(listing, "COUNT_LIMIT", 3)
    dense, dense_plan = queries_of(client, query)
    assert sparse_plan.unindexed_sort and not dense_plan.unindexed_sort
    assert dense == sparse


# every form of the filters finds what the plain EntityFilterSet over entities_visible_to
# finds, in the same order, for a whole-district user and a station user
FORM_QUERIES = [
    "",
    "q=城药店",
    "q=东城药店3",
    "q=DCYD",
    "q=药店",
    "licence_expiring=30",
    "licence_expiring=30&q=西城",
    "licence_expiring=expired",
    "sort=-name",
    "sort=uscc&licence_expiring=30",
    "risk_grade=none&sort=-subdistrict",
]


@pytest.mark.parametrize("shape", list(QueryShape))
@pytest.mark.parametrize("query", FORM_QUERIES)
def test_every_form_finds_what_the_plain_filters_find(two_grids, bureau_chief, shape, query):
    _, grids = two_grids
    station_user = UserFactory(org_unit=grids["西"].station, roles=[Role.INSPECTOR])
    outsider = UserFactory(roles=[Role.SYSTEM_ADMIN], org_unit=None)
    grid_queries = [f"station={grids['东'].station_id}", f"subdistrict={grids['西'].pk}"]
    for user in (bureau_chief, station_user, outsider):
        for params in (query, *(f"{query}&{g}" for g in grid_queries)):
            plain = EntityFilterSet(QueryDict(params), queryset=entities_visible_to(user)).qs
            shaped = ListFilterSet(QueryDict(params), queryset=listed_entities(user))
            assert shaped.is_valid()
            listed = shaped.shaped_qs(shape, listed_entities(user, shape))
            assert list(listed.values_list("pk", flat=True)) == list(
                plain.values_list("pk", flat=True)
            ), (user, params)


@pytest.mark.parametrize("direction", ["", "-"])
def test_sorting_by_a_shared_column_pages_without_overlap(two_grids, monkeypatch, direction):
    client, _ = two_grids
    monkeypatch.setattr(listing, "PAGE_SIZE", 4)
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
    monkeypatch.setattr(listing, "COUNT_LIMIT", 5)
    monkeypatch.setattr(listing, "PAGE_SIZE", 5)
    expected = sorted(f"{g}城{kind}{i}" for g in "东西" for kind in ("药店",) for i in range(9))
    response = client.get(f"/registry/entities/?page={page}")
    assert response.status_code == 200
    assert [row.name for row in response.context["page_obj"]] == expected[15:18]
    assert "共 18 个监管对象" in response.content.decode()
