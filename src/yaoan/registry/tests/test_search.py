"""The entity search through its index (SQLite FTS5 trigram, PostgreSQL pg_trgm) finds
exactly what the plain conditions find, stays in step with writes, and the list page
counts at most COUNT_LIMIT matches unless asked for the exact total."""

import pytest
from django.db import connection
from django.test import Client

from yaoan.common.testing import EntityFactory, make_uscc, sign_in
from yaoan.registry import listing
from yaoan.registry.listing_sql import QueryShape
from yaoan.registry.models import Entity
from yaoan.registry.queries import entities_matching, search_condition
from yaoan.registry.tests.list_pages import page_names, page_plan

pytestmark = pytest.mark.django_db

NAMES = [
    "仁济大药房",
    "重庆康和大药房连锁有限公司",
    "康和大药房沙坪坝店",
    "同仁堂药店",
    "ABC医疗器械有限公司",
    "abc诊所",
    "西城卫生室",
]
TERMS = [
    "大药房",  # name substring, 3 characters: through the index
    "康和大药",
    "药房",  # 2 characters: too short for trigrams, scanned as before
    "RJDYF",  # pinyin initials
    "rjdyf",
    "KHDYF",
    "dyf",
    "abc",  # ASCII in names, any case
    "ABC医疗",
    "同仁堂",
    "没有这个",
    'a"b',  # quote characters are text, not FTS5 syntax
    "%",
]


@pytest.fixture
def entities(world):
    """NAMES registered in the world's grid; 仁济大药房 is the world's own pharmacy (the
    world's other_entity, 石门百姓大药房, is found among them too)."""
    return [
        world.pharmacy
        if name == world.pharmacy.name
        else EntityFactory(subdistrict=world.grid, name=name)
        for name in NAMES
    ]


def found(term):
    return sorted(e.name for e in entities_matching(Entity.objects.all(), term))


def found_without_index(term):
    return sorted(e.name for e in Entity.objects.filter(search_condition(term.strip())))


@pytest.mark.parametrize("term", TERMS)
def test_search_through_the_index_finds_what_the_plain_conditions_find(entities, term):
    assert found(term) == found_without_index(term)


def test_search_examples(entities):
    assert found("大药房") == [
        "仁济大药房",
        "康和大药房沙坪坝店",
        "石门百姓大药房",
        "重庆康和大药房连锁有限公司",
    ]
    assert found("khdyf") == ["康和大药房沙坪坝店", "重庆康和大药房连锁有限公司"]
    assert found("abc") == ["ABC医疗器械有限公司", "abc诊所"]


def test_search_by_credit_code_prefix(entities):
    target = entities[4]
    assert target.name in found(target.uscc[:10])
    assert found(target.uscc) == [target.name]
    assert found(target.uscc[:10].lower()) == found(target.uscc[:10])
    assert target.name not in found(target.uscc[3:12])  # inside the code, not its start
    Entity.objects.filter(pk=target.pk).update(uscc=make_uscc(987654))  # any writer
    assert target.name in found(make_uscc(987654)[:12])


def test_search_index_follows_renames_and_deletes(entities):
    entity = entities[0]
    Entity.objects.filter(pk=entity.pk).update(name="青松大药房", name_initials="QSDYF")
    assert found("仁济大") == []
    assert found("青松大") == ["青松大药房"]
    assert "青松大药房" in found("QSDYF")
    with connection.cursor() as cursor:  # the row itself, as any writer might
        cursor.execute("DELETE FROM registry_entity WHERE id = %s", [entity.pk])
    assert found("青松大") == []
    assert found("大药房") == ["康和大药房沙坪坝店", "石门百姓大药房", "重庆康和大药房连锁有限公司"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 table")
def test_sqlite_search_reads_the_fts5_index(entities):
    assert found("康和大药") == ["康和大药房沙坪坝店", "重庆康和大药房连锁有限公司"]
    with connection.cursor() as cursor:  # empty the index, leaving the entities
        cursor.execute(
            "INSERT INTO registry_entity_search(registry_entity_search) VALUES ('delete-all')"
        )
    assert found("康和大药") == []  # 3+ characters: candidates come from the index only
    assert found("药房") == [
        "仁济大药房",
        "康和大药房沙坪坝店",
        "石门百姓大药房",
        "重庆康和大药房连锁有限公司",
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registry_entity_search(registry_entity_search) VALUES ('rebuild')"
        )
    assert found("康和大药") == ["康和大药房沙坪坝店", "重庆康和大药房连锁有限公司"]
    with connection.cursor() as cursor:  # the triggers survived every later migration
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE 'registry_entity_search_%' ORDER BY name"
        )
        assert [row[0] for row in cursor.fetchall()] == [
            "registry_entity_search_delete",
            "registry_entity_search_insert",
            "registry_entity_search_update",
        ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's pg_trgm indexes")
@pytest.mark.parametrize(
    ("term", "index"),
    [("康和大药", "registry_entity_name_trgm"), ("KHDYF", "registry_entity_initials_trgm")],
)
def test_postgres_search_uses_the_trigram_indexes(entities, term, index):
    qs = entities_matching(Entity.objects.all(), term)
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        # a handful of rows: make scanning the table or the name order look too dear
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan


# --- the list page's count ---------------------------------------------------------------


def result_count(client, query=""):
    page = client.get(f"/registry/entities/{query}").content.decode()
    return page.split('data-testid="result-count">', 1)[1].split("<", 1)[0]


def test_list_counts_up_to_the_limit_then_offers_the_exact_total(
    bureau_chief, subdistrict, monkeypatch
):
    for i in range(7):
        EntityFactory(subdistrict=subdistrict, name=f"样式药房{i}")
    monkeypatch.setattr(listing, "COUNT_LIMIT", 5)
    monkeypatch.setattr(listing, "PAGE_SIZE", 3)
    client = Client()
    sign_in(client, bureau_chief)

    assert result_count(client) == "超过 5 个监管对象"
    page = client.get("/registry/entities/?page=3").content.decode()
    assert "第 3 页" in page and "下一页" not in page and "样式药房6" in page
    assert "?count=exact" in client.get("/registry/entities/").content.decode()

    assert result_count(client, "?count=exact") == "共 9 个监管对象"  # with the world's two
    page = client.get("/registry/entities/?count=exact&page=9").content.decode()
    assert "第 3 / 3 页" in page  # too far: the last page, as Paginator.get_page does
    assert result_count(client, "?q=样式药房1") == "共 1 个监管对象"


@pytest.fixture
def dense_district(subdistrict):
    """Twelve entities; eight are 康和 shops with a licence expiring within 30 days."""
    import datetime as dt

    from django.utils import timezone

    from yaoan.common.testing import LicenceFactory

    soon = timezone.localdate() + dt.timedelta(days=20)
    for i in range(12):
        name = f"康和大药房{'甲乙丙丁戊己庚辛'[i]}店" if i < 8 else f"仁济药店{i}"
        entity = EntityFactory(subdistrict=subdistrict, name=name)
        LicenceFactory(entity=entity, valid_until=soon if i < 8 else None)


@pytest.mark.parametrize(
    ("query", "condition"),
    [
        ("q=康和大药", lambda e: "康和大药" in e.name),
        ("q=khdyf", lambda e: "KHDYF" in e.name_initials),
        ("licence_expiring=30", lambda e: e.name.startswith("康和")),
    ],
)
@pytest.mark.parametrize("sort", ["", "&sort=-name", "&sort=uscc"])
def test_a_dense_filter_walks_the_name_order_and_shows_the_same_pages(
    bureau_chief, dense_district, monkeypatch, query, condition, sort
):
    """More than COUNT_LIMIT matches: the rows come from the walked form of the filters
    (per-entity EXISTS, the plain search conditions), which must list exactly what the
    set-based form lists, page by page, in either name order; other orders are not
    walked."""
    monkeypatch.setattr(listing, "COUNT_LIMIT", 3)
    monkeypatch.setattr(listing, "PAGE_SIZE", 3)
    client = Client()
    sign_in(client, bureau_chief)
    key = (lambda e: e.uscc) if "uscc" in sort else (lambda e: (e.name, e.pk))
    expected = sorted(filter(condition, Entity.objects.all()), key=key, reverse="-" in sort)
    names = [e.name for e in expected]
    assert len(names) == 8

    pages = [page_names(client, f"?{query}{sort}&page={n}") for n in (1, 2, 3)]
    assert pages == [names[0:3], names[3:6], names[6:8]]

    walked = "uscc" not in sort
    rows = QueryShape.WALK if walked else QueryShape.SET
    assert page_plan(client, f"?{query}{sort}").rows is rows


def test_a_sparse_filter_is_not_walked(bureau_chief, dense_district, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_LIMIT", 20)
    client = Client()
    sign_in(client, bureau_chief)
    plan = page_plan(client, "?licence_expiring=30")
    assert plan.rows is QueryShape.SET and plan.unindexed_sort
    assert len(page_names(client, "?licence_expiring=30")) == 8
