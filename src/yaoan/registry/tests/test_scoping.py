"""Who sees which entities (S9): a station its grid, the bureau and leaders everything,
member departments and the three administrators nothing; search, expiry warnings, paging."""

import datetime as dt

import pytest
from django.db import connection
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
from yaoan.core.models import AuditEvent
from yaoan.registry.enums import LicenceKind, LicenceStatus
from yaoan.registry.models import Entity

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid(world):
    """The shared world's two stations with their grids: the east one holds the world's
    pharmacy (仁济大药房) and a clinic, the west one two more entities beside the world's
    other_entity (石门百姓大药房)."""
    return {
        "world": world,
        "east": world.station,
        "west": world.other_station,
        "east_sub": world.grid,
        "west_sub": world.other_grid,
        "east_entities": [
            world.pharmacy,
            EntityFactory(subdistrict=world.grid, name="东城诊所"),
        ],
        "west_entities": [
            EntityFactory(subdistrict=world.other_grid, name="同仁堂药店"),
            EntityFactory(subdistrict=world.other_grid, name="西城卫生室"),
        ],
    }


def client_for(user):
    client = Client()
    sign_in(client, user)
    return client


def listed(client, query=""):
    response = client.get(f"/registry/entities/{query}")
    assert response.status_code == 200
    return sorted(e.name for e in response.context["page_obj"])


def denials(user):
    return list(
        AuditEvent.objects.filter(action="registry.access.denied", actor=user).order_by("seq")
    )


def test_station_inspector_lists_only_their_grid(grid):
    inspector = grid["world"].inspector
    client = client_for(inspector)
    assert listed(client) == ["东城诊所", "仁济大药房"]
    assert listed(client, f"?station={grid['west'].pk}") == []
    assert listed(client, "?q=trt") == []  # 同仁堂药店 is in the other grid


@pytest.mark.parametrize(
    "path",
    [
        "/registry/entities/{pk}/",
        "/registry/entities/{pk}/edit/",
        "/registry/entities/{pk}/delete/",
        "/registry/entities/{pk}/licences/new/",
    ],
)
def test_other_stations_entity_is_404_and_audited(grid, path):
    inspector = grid["world"].inspector
    client = client_for(inspector)
    target = grid["west_entities"][0]
    url = path.format(pk=target.pk)
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "试试", "name": "改名"}).status_code == 404
    target.refresh_from_db()
    assert (target.name, target.is_deleted) == ("同仁堂药店", False)
    assert [(e.object_type, e.object_id, e.success) for e in denials(inspector)] == [
        ("registry.entity", str(target.pk), False)
    ] * 2


def test_missing_entity_is_404_without_a_denial(grid):
    inspector = grid["world"].inspector
    client = client_for(inspector)
    assert client.get("/registry/entities/999999/").status_code == 404
    assert denials(inspector) == []


def test_own_entity_detail_masks_the_phone_until_revealed(grid):
    inspector = grid["world"].inspector
    client = client_for(inspector)
    entity = grid["east_entities"][0]
    page = client.get(f"/registry/entities/{entity.pk}/").content.decode()
    assert "138****1234" in page
    assert "13800001234" not in page
    assert not AuditEvent.objects.filter(action="core.pii.revealed").exists()
    reveal = f"/pii/registry.entity/{entity.pk}/contact_phone/reveal/"
    assert reveal in page
    page = client.post(reveal, {"reason": "核实整改情况"}).content.decode()
    assert "13800001234" in page
    viewed = AuditEvent.objects.get(action="core.pii.revealed")
    assert (viewed.actor_id, viewed.object_id) == (inspector.pk, str(entity.pk))


def test_create_form_offers_only_the_own_grid(grid):
    inspector = grid["world"].inspector
    client = client_for(inspector)
    response = client.post(
        "/registry/entities/new/",
        {
            "name": "越界药房",
            "uscc": "91350100M000100Y43",
            "entity_type": "retail_pharmacy",
            "subdistrict": grid["west_sub"].pk,
            "address": "西城路1号",
            "legal_representative": "赵某",
            "status": "operating",
        },
    )
    assert response.status_code == 200
    assert "subdistrict" in response.context["form"].errors
    assert not Entity.objects.filter(name="越界药房").exists()


def test_form_errors_are_chinese_and_nothing_is_written(grid):
    inspector = grid["world"].inspector
    client = client_for(inspector)
    response = client.post(
        "/registry/entities/new/",
        {
            "name": "新药房",
            "uscc": "91350100M000100Y44",
            "entity_type": "retail_pharmacy",
            "subdistrict": grid["east_sub"].pk,
            "address": "东城路1号",
            "legal_representative": "赵某",
            "status": "operating",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["uscc"] == [
        "统一社会信用代码校验位错误（第18位应为“3”）"
    ]
    assert not Entity.objects.filter(name="新药房").exists()


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (OrgUnitKind.SECTION, Role.SECTION_CHIEF),
        (OrgUnitKind.BUREAU, Role.INSPECTOR),
        (OrgUnitKind.ENFORCEMENT_TEAM, Role.CASE_OFFICER),
        (OrgUnitKind.COMMITTEE_OFFICE, Role.COMMITTEE_OFFICE),
        (OrgUnitKind.STATION, Role.LEADER),  # a leader sees everything wherever they sit
    ],
)
def test_bureau_and_leaders_see_everything(grid, kind, role):
    unit = grid["east"] if kind == OrgUnitKind.STATION else OrgUnitFactory(kind=kind)
    client = client_for(UserFactory(org_unit=unit, roles=[role]))
    assert listed(client) == [
        "东城诊所",
        "仁济大药房",
        "同仁堂药店",
        "石门百姓大药房",
        "西城卫生室",
    ]
    west = grid["west_entities"][0]
    assert client.get(f"/registry/entities/{west.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (OrgUnitKind.MEMBER_DEPARTMENT, Role.LIAISON),
        (OrgUnitKind.BUREAU, Role.SYSTEM_ADMIN),
        (OrgUnitKind.BUREAU, Role.SECURITY_ADMIN),
        (OrgUnitKind.BUREAU, Role.AUDIT_ADMIN),
    ],
)
def test_liaisons_and_admins_see_no_registry_pages(grid, kind, role):
    user = UserFactory(org_unit=OrgUnitFactory(kind=kind), roles=[role])
    client = client_for(user)
    entity = grid["east_entities"][0]
    urls = [
        "/registry/entities/",
        f"/registry/entities/{entity.pk}/",
        "/registry/entities/new/",
        "/registry/products/",
    ]
    assert [client.get(url).status_code for url in urls] == [403] * 4
    assert [e.object_id for e in denials(user)] == urls
    home = client.get("/home/").content.decode()
    assert 'data-testid="licence-expiry-panel"' not in home
    assert "/registry/entities/" not in home  # no navigation entry either


def test_reader_who_is_not_an_editor_is_refused_edits_and_audited(grid):
    officer = UserFactory(org_unit=grid["east"], roles=[Role.CASE_OFFICER])
    client = client_for(officer)
    entity = grid["east_entities"][0]
    assert client.get(f"/registry/entities/{entity.pk}/").status_code == 200
    assert client.get(f"/registry/entities/{entity.pk}/edit/").status_code == 403
    assert client.get(f"/registry/entities/{entity.pk}/rating/").status_code == 403
    assert [e.object_id for e in denials(officer)] == [
        f"/registry/entities/{entity.pk}/edit/",
        f"/registry/entities/{entity.pk}/rating/",
    ]


def test_section_chief_sets_rating_through_the_page(grid, bureau_chief):
    client = client_for(bureau_chief)
    entity = grid["west_entities"][0]
    response = client.post(
        f"/registry/entities/{entity.pk}/rating/",
        {"risk_grade": "C", "credit_class": "", "reason": "飞行检查发现问题"},
    )
    assert response.status_code == 302
    entity.refresh_from_db()
    assert entity.risk_grade == "C"
    page = client.get(f"/registry/entities/{entity.pk}/").content.decode()
    assert "飞行检查发现问题" in page


# --- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("rjdyf", ["仁济大药房"]),
        ("RJ", ["仁济大药房"]),
        ("trt", ["同仁堂药店"]),
        ("dyf", ["仁济大药房", "石门百姓大药房"]),
        ("仁", ["仁济大药房", "同仁堂药店"]),
        ("xcwss", ["西城卫生室"]),
        ("zzz", []),
    ],
)
def test_search_by_name_and_pinyin_initials(grid, bureau_chief, q, names):
    client = client_for(bureau_chief)
    assert listed(client, f"?q={q}") == sorted(names)


def test_search_by_credit_code_prefix(grid, bureau_chief):
    client = client_for(bureau_chief)
    target = grid["west_entities"][1]
    assert listed(client, f"?q={target.uscc.lower()}") == [target.name]


# --- licence expiry warnings -----------------------------------------------------------------


@pytest.fixture
def expiring(grid):
    """East: one licence each expired, within 30, within 90, later, filing, revoked.
    West: one within 30 (not the east inspector's)."""
    today = timezone.localdate()
    days = dt.timedelta
    east = grid["east_entities"][0]
    made = {
        "expired": LicenceFactory(entity=east, valid_until=today - days(1)),
        "30": LicenceFactory(entity=east, valid_until=today + days(30)),
        "90": LicenceFactory(entity=east, valid_until=today + days(90)),
        "later": LicenceFactory(entity=east, valid_until=today + days(91)),
        "revoked": LicenceFactory(
            entity=east, valid_until=today + days(10), status=LicenceStatus.REVOKED
        ),
        "filing": LicenceFactory(
            entity=east,
            kind=LicenceKind.DEVICE_CLASS_2_FILING,
            valid_until=None,
        ),
    }
    LicenceFactory(entity=grid["west_entities"][0], valid_until=today + days(5))
    return made


def test_entity_page_shows_expiry_warnings(grid, expiring):
    inspector = grid["world"].inspector
    client = client_for(inspector)
    response = client.get(f"/registry/entities/{grid['east_entities'][0].pk}/")
    warnings = {lic.number: w for lic, w in response.context["licences"]}
    assert warnings == {
        expiring["expired"].number: "expired",
        expiring["30"].number: "30",
        expiring["90"].number: "90",
        expiring["later"].number: "",
        expiring["revoked"].number: "",
        expiring["filing"].number: "",
    }
    page = response.content.decode()
    assert page.count('<span class="badge bad">已过期</span>') == 1
    assert page.count('<span class="badge bad">30天内到期</span>') == 1
    assert page.count('<span class="badge warn">90天内到期</span>') == 1


def test_dashboard_panel_counts_within_the_users_scope(grid, expiring, bureau_chief):
    inspector = grid["world"].inspector
    for user, counts in ((inspector, (1, 1, 2)), (bureau_chief, (1, 2, 3))):
        home = client_for(user).get("/home/").content.decode()
        assert 'data-testid="licence-expiry-panel"' in home
        expired, within_30, within_90 = counts
        assert f"已过期 {expired}</span>" in home
        assert f"30天内 {within_30}</span>" in home
        assert f"90天内 {within_90}</span>" in home


def test_list_filter_by_licence_expiry(grid, expiring, bureau_chief):
    client = client_for(bureau_chief)
    assert listed(client, "?licence_expiring=expired") == ["仁济大药房"]
    assert listed(client, "?licence_expiring=30") == ["仁济大药房", "同仁堂药店"]


# --- query count -----------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# session, user, OTP device, roles, user session, count, page rows, org unit, messages …
LIST_QUERIES = 10


@pytest.mark.parametrize("url", ["/registry/entities/", "/registry/entities/?q=ys&sort=-name"])
def test_entity_list_query_count_is_constant(bureau_chief, django_assert_max_num_queries, url):
    stations = [StationFactory() for _ in range(3)]
    subs = [SubdistrictFactory(station=s) for s in stations for _ in range(2)]
    for i in range(5):
        EntityFactory(subdistrict=subs[i % len(subs)], name=f"样式药房{i}")
    client = client_for(bureau_chief)
    client.get(url)  # the filters' subdistrict and station options are cached from then on
    few = count_queries(client, url)
    for i in range(5, 60):
        EntityFactory(subdistrict=subs[i % len(subs)], name=f"样式药房{i}")
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 50
    assert count_queries(client, url) == few


def test_a_chains_stores_in_other_grids_are_not_shown(grid):
    from yaoan.registry.enums import EntityType

    hq = EntityFactory(
        subdistrict=grid["east_sub"], name="康和连锁总部", entity_type=EntityType.PHARMACY_CHAIN
    )
    EntityFactory(subdistrict=grid["east_sub"], name="康和东城店", chain_headquarters=hq)
    west_store = EntityFactory(
        subdistrict=grid["west_sub"], name="康和西城店", chain_headquarters=hq
    )
    east = client_for(grid["world"].inspector)
    page = east.get(hq.get_absolute_url()).content.decode()
    assert "康和东城店" in page
    assert "康和西城店" not in page and west_store.get_absolute_url() not in page
    assert "仅列出您辖区内的门店。" in page
    west = client_for(grid["world"].other_inspector)
    page = west.get(west_store.get_absolute_url()).content.decode()
    assert "康和连锁总部" in page  # the store's own chain, by name
    assert hq.get_absolute_url() not in page  # but no way into another grid


def test_registering_a_deleted_entitys_code_offers_to_restore_it(grid):
    east_user = grid["world"].inspector
    gone = grid["east_entities"][0]
    Entity.objects.filter(pk=gone.pk).update(is_deleted=True)
    client = client_for(east_user)
    page = client.post(
        "/registry/entities/new/",
        {
            "name": "仁济大药房（新）",
            "uscc": gone.uscc,
            "entity_type": gone.entity_type,
            "subdistrict": grid["east_sub"].pk,
            "address": "人民路1号",
            "legal_representative": "李某",
            "status": gone.status,
        },
    )
    html = page.content.decode()
    assert "请恢复该记录，不要重新登记。" in html
    restore = f"/registry/entities/{gone.pk}/restore/"
    assert restore in html
    response = client.post(restore, {"reason": "误删"})
    assert response.status_code == 302
    assert listed(client) == ["东城诊所", "仁济大药房"]
    west_user = grid["world"].other_inspector
    Entity.objects.filter(pk=gone.pk).update(is_deleted=True)
    assert client_for(west_user).post(restore, {"reason": "试试"}).status_code == 404
    assert Entity.objects.get(pk=gone.pk).is_deleted
