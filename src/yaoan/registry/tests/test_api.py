"""The registry JSON API: token and session auth, scoping, filters, validation, docs."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils import timezone

from yaoan.common.testing import (
    WORLD_ENTITIES,
    EntityFactory,
    LicenceFactory,
    ProductFactory,
    StationFactory,
    SubdistrictFactory,
    UserFactory,
    make_uscc,
    sign_in,
)
from yaoan.core.enums import Role
from yaoan.core.models import ApiToken, AuditEvent
from yaoan.core.services import issue_api_token, revoke_api_token
from yaoan.registry.enums import EntityType, LicenceKind
from yaoan.registry.filtersets import EntityFilterSet
from yaoan.registry.models import Entity, Licence
from yaoan.registry.queries import entities_visible_to

ENTITIES = "/api/registry/entities"


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def post_json(client: Client, path: str, key: str, data: dict[str, Any]) -> Any:
    return client.post(path, data, content_type="application/json", headers=auth(key))


def patch_json(client: Client, path: str, key: str, data: dict[str, Any]) -> Any:
    return client.patch(path, json.dumps(data), content_type="application/json", headers=auth(key))


def entity_payload(subdistrict_id: int, **overrides: Any) -> dict[str, Any]:
    payload = {
        "name": "仁济大药房",
        "uscc": make_uscc(),
        "entity_type": EntityType.RETAIL_PHARMACY.value,
        "subdistrict": subdistrict_id,
        "address": "人民路1号",
        "legal_representative": "李某",
        "contact_phone": "13912345678",
    }
    return {**payload, **overrides}


@pytest.fixture
def key(inspector):
    return issue_api_token(user=inspector, name="测试")[1]


@pytest.fixture
def chief_key(bureau_chief):
    return issue_api_token(user=bureau_chief, name="测试")[1]


# --- authentication -----------------------------------------------------------------------


def test_api_without_token_is_401_in_chinese(client, db):
    response = client.get(ENTITIES)
    assert response.status_code == 401
    assert response.json() == {
        "detail": "请提供有效的 API 令牌或先登录。",
        "code": "not_authenticated",
    }


def test_api_with_unknown_token_is_401_and_audited(client, db):
    response = client.get(ENTITIES, headers=auth("ya_not-a-real-token"))
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]
    event = AuditEvent.objects.get(action="core.api_token.rejected")
    assert (event.success, event.reason) == (False, "unknown")


def test_api_with_revoked_token_is_401(client, inspector):
    token, key = issue_api_token(user=inspector, name="测试")
    revoke_api_token(actor=inspector, token=token)
    response = client.get(ENTITIES, headers=auth(key))
    assert response.status_code == 401
    event = AuditEvent.objects.get(action="core.api_token.rejected")
    assert (event.object_id, event.reason, event.actor_id) == (
        str(token.pk),
        "revoked",
        inspector.pk,
    )


def test_api_with_expired_token_is_401(client, inspector):
    token, key = issue_api_token(user=inspector, name="测试")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(ENTITIES, headers=auth(key)).status_code == 401
    assert AuditEvent.objects.get(action="core.api_token.rejected").reason == "expired"


def test_api_token_of_inactive_user_is_401(client, inspector, key):
    inspector.is_active = False
    inspector.save(update_fields=["is_active"])
    assert client.get(ENTITIES, headers=auth(key)).status_code == 401


def test_api_token_last_used_written_at_most_once_a_minute(client, inspector):
    token, key = issue_api_token(user=inspector, name="测试")
    assert client.get(ENTITIES, headers=auth(key)).status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    assert client.get(ENTITIES, headers=auth(key)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(seconds=61))
    client.get(ENTITIES, headers=auth(key))
    token.refresh_from_db()
    assert token.last_used_at > first


def test_api_accepts_two_factor_session(client, world, inspector):
    entity = world.pharmacy  # the one entity of the inspector's station
    sign_in(client, inspector)
    response = client.get(ENTITIES)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [entity.pk]


def test_api_refuses_password_only_session(client, inspector):
    client.post("/accounts/login/", {"username": inspector.username, "password": "x"})
    client.force_login(inspector)  # a session without the TOTP step
    assert client.get(ENTITIES).status_code == 401


def test_api_session_post_needs_csrf(inspector, subdistrict):
    client = Client(enforce_csrf_checks=True)
    sign_in_csrf(client, inspector)
    payload = entity_payload(subdistrict.pk)
    response = client.post(ENTITIES, payload, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert Entity.objects.count() == WORLD_ENTITIES  # nothing written
    token = client.cookies["csrftoken"].value
    response = client.post(
        ENTITIES, payload, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201


def sign_in_csrf(client: Client, user: Any) -> None:
    """sign_in() through a client that enforces CSRF: fetch each form's token first."""
    from yaoan.common.testing import TEST_PASSWORD, totp_code

    for url, data in (
        ("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD}),
        ("/accounts/otp/", {"token": totp_code(user)}),
    ):
        client.get(url)
        data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
        assert client.post(url, data).status_code == 302


def test_api_refuses_user_without_registry_role(client, station):
    liaison = UserFactory(org_unit=station, roles=[Role.LIAISON])
    key = issue_api_token(user=liaison, name="测试")[1]
    response = client.get(ENTITIES, headers=auth(key))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="registry.access.denied", actor=liaison).exists()


def test_api_refuses_a_reader_who_may_not_edit_and_audits_it(client, station, subdistrict):
    monitor = UserFactory(org_unit=station, roles=[Role.MONITORING])
    key = issue_api_token(user=monitor, name="测试")[1]
    response = post_json(client, ENTITIES, key, entity_payload(subdistrict.pk))
    assert response.status_code == 403
    assert response.json()["detail"] == "您无权修改监管对象信息。"
    assert AuditEvent.objects.filter(
        action="registry.access.denied", actor=monitor, success=False
    ).exists()
    assert Entity.objects.count() == WORLD_ENTITIES  # nothing written


@pytest.mark.parametrize(
    "query",
    [
        "/api/registry/entities?page=99999999999999999999",
        "/api/registry/licences?page=99999999999999999999",
        "/api/registry/products?page=99999999999999999999",
        "/api/registry/licences?entity=99999999999999999999",
        "/api/registry/licences?station=99999999999999999999",
    ],
)
def test_api_answers_a_number_too_large_with_422(client, key, query):
    assert client.get(query, headers=auth(key)).status_code == 422


# --- scoping (S9) -------------------------------------------------------------------------


def test_api_other_station_entity_is_404_and_audited(client, inspector, key):
    elsewhere = EntityFactory(subdistrict=SubdistrictFactory(station=StationFactory()))
    for path in (f"{ENTITIES}/{elsewhere.pk}", f"{ENTITIES}/{elsewhere.pk}/licences"):
        response = client.get(path, headers=auth(key))
        assert response.status_code == 404
        assert response.json() == {"detail": "未找到。", "code": "not_found"}
    events = AuditEvent.objects.filter(action="registry.access.denied", object_id=str(elsewhere.pk))
    assert events.count() == 2
    assert {(e.actor_id, e.object_type, e.success) for e in events} == {
        (inspector.pk, "registry.entity", False)
    }


def test_api_list_shows_only_own_grid(client, world, key):
    own = world.pharmacy  # the world's other_entity is in the other station's grid
    EntityFactory(subdistrict=SubdistrictFactory(station=StationFactory()))
    body = client.get(ENTITIES, headers=auth(key)).json()
    assert (body["count"], [row["id"] for row in body["results"]]) == (1, [own.pk])


def test_api_patch_other_station_entity_is_404(client, key):
    elsewhere = EntityFactory(subdistrict=SubdistrictFactory(station=StationFactory()))
    response = patch_json(client, f"{ENTITIES}/{elsewhere.pk}", key, {"reason": "x", "name": "改"})
    assert response.status_code == 404
    assert Entity.objects.get(pk=elsewhere.pk).name == elsewhere.name


def test_api_create_in_other_grid_is_403(client, key):
    other = SubdistrictFactory(station=StationFactory())
    response = post_json(client, ENTITIES, key, entity_payload(other.pk))
    assert response.status_code == 403
    assert response.json() == {"detail": "不在您的管辖范围内", "code": "permission_denied"}
    assert Entity.objects.count() == WORLD_ENTITIES  # nothing written


# --- filters: the list page's FilterSet -----------------------------------------------------


@pytest.fixture
def district(world, bureau_chief):
    """The shared world's two grids with a mix of types, grades and licence expiries: the
    north one (``world.grid``) holds the world's pharmacy (仁济大药房, graded C here), the
    south one (``world.other_grid``) its other_entity (石门百姓大药房, ungraded)."""
    today = timezone.localdate()
    north, south = world.grid, world.other_grid
    Entity.objects.filter(pk=world.pharmacy.pk).update(risk_grade="C")
    EntityFactory(subdistrict=north, name="仁和诊所", entity_type=EntityType.CLINIC)
    EntityFactory(subdistrict=south, name="康宁医疗器械", entity_type=EntityType.DEVICE_DEALER)
    soon = EntityFactory(subdistrict=south, name="百姓大药房", risk_grade="A")
    LicenceFactory(entity=soon, valid_until=today + dt.timedelta(days=20))
    old = EntityFactory(subdistrict=north, name="老字号药店", risk_grade="C")
    LicenceFactory(entity=old, valid_until=today - dt.timedelta(days=3))
    return {"north": north, "south": south}


@pytest.mark.parametrize(
    "query",
    [
        "q=rj",
        "q=RJDYF",
        "entity_type=clinic",
        "station={south_station}",
        "subdistrict={north}",
        "risk_grade=C",
        "risk_grade=none",
        "licence_expiring=30",
        "licence_expiring=expired",
        "q=dyf&sort=-name",
        "",
    ],
)
def test_api_entity_filters_match_list_page(client, bureau_chief, chief_key, district, query):
    query = query.format(south_station=district["south"].station_id, north=district["north"].pk)
    base = entities_visible_to(bureau_chief)
    expected = list(
        EntityFilterSet(QueryDict(query), queryset=base).qs.values_list("id", flat=True)
    )
    body = client.get(f"{ENTITIES}?{query}", headers=auth(chief_key)).json()
    assert [row["id"] for row in body["results"]] == expected
    assert body["count"] == len(expected)


def test_api_entity_filter_examples(client, chief_key, district):
    def names(query: str) -> list[str]:
        body = client.get(f"{ENTITIES}?{query}", headers=auth(chief_key)).json()
        return [row["name"] for row in body["results"]]

    assert names("q=dyf") == ["仁济大药房", "百姓大药房", "石门百姓大药房"]
    assert names("q=rj") == ["仁济大药房"]
    assert names("licence_expiring=30") == ["百姓大药房"]
    assert names("risk_grade=C&station={}".format(district["north"].station_id)) == [
        "仁济大药房",
        "老字号药店",
    ]


def test_api_invalid_filter_is_422_naming_it(client, chief_key, db):
    response = client.get(f"{ENTITIES}?entity_type=spaceship", headers=auth(chief_key))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["entity_type"]


def test_api_paging(client, subdistrict, key):
    EntityFactory.create_batch(4, subdistrict=subdistrict)  # and the world's pharmacy: five
    body = client.get(f"{ENTITIES}?page=2&page_size=2", headers=auth(key)).json()
    assert (body["count"], body["page"], body["page_size"], len(body["results"])) == (5, 2, 2, 2)
    response = client.get(f"{ENTITIES}?page_size=201", headers=auth(key))
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "page_size", "message": "不能大于 200。", "code": "less_than_equal"}
    ]


def test_api_entity_list_query_count(client, inspector, subdistrict, django_assert_max_num_queries):
    token, key = issue_api_token(user=inspector, name="测试")
    for sub in (subdistrict, SubdistrictFactory(station=subdistrict.station)):
        EntityFactory.create_batch(15, subdistrict=sub)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    with django_assert_max_num_queries(5):
        response = client.get(f"{ENTITIES}?q=cs&page_size=100", headers=auth(key))
    assert len(response.json()["results"]) == 30


# --- create, read, update -------------------------------------------------------------------


def test_api_create_with_bad_credit_code_is_422_naming_uscc(client, subdistrict, key):
    response = post_json(
        client, ENTITIES, key, entity_payload(subdistrict.pk, uscc="91500111MA00000001")
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["field"], error["code"]) == ("uscc", "invalid_uscc")
    assert "校验位" in error["message"]
    assert Entity.objects.count() == WORLD_ENTITIES  # nothing written


def test_api_create_with_duplicate_credit_code_is_422(client, subdistrict, key):
    existing = EntityFactory(subdistrict=subdistrict)
    response = post_json(client, ENTITIES, key, entity_payload(subdistrict.pk, uscc=existing.uscc))
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "uscc", "message": "该统一社会信用代码已登记", "code": "duplicate_uscc"}
    ]


def test_api_create_with_missing_fields_is_422_in_chinese(client, key, db):
    response = post_json(client, ENTITIES, key, {"name": "仁济大药房", "entity_type": "nope"})
    assert response.status_code == 422
    errors = {e["field"]: e for e in response.json()["detail"]}
    assert errors["uscc"]["message"] == "此字段为必填项。"
    assert errors["entity_type"]["message"].startswith("取值无效")
    assert {"uscc", "entity_type", "subdistrict", "address"} <= set(errors)


def test_api_create_then_get(client, inspector, subdistrict, key):
    uscc = make_uscc().lower()  # normalised to upper case by the service
    response = post_json(client, ENTITIES, key, entity_payload(subdistrict.pk, uscc=uscc))
    assert response.status_code == 201
    created = response.json()
    entity = Entity.objects.get(pk=created["id"])
    assert (entity.name_initials, entity.uscc) == ("RJDYF", uscc.upper())
    body = client.get(f"{ENTITIES}/{entity.pk}", headers=auth(key)).json()
    assert body == created
    assert body["contact_phone"] == "139****5678"
    assert body["subdistrict"] == {
        "id": subdistrict.pk,
        "code": subdistrict.code,
        "name": subdistrict.name,
    }
    assert body["station"]["id"] == subdistrict.station_id
    assert (body["risk_grade"], body["medical_level"]) == ("", None)
    event = AuditEvent.objects.get(action="registry.entity.created")
    assert (event.actor_id, event.reason, event.object_id) == (inspector.pk, "api", str(entity.pk))


def test_api_patch_changes_sent_fields_with_reason(client, subdistrict, key):
    entity = EntityFactory(subdistrict=subdistrict, address="旧址")
    response = patch_json(
        client, f"{ENTITIES}/{entity.pk}", key, {"address": "新址", "reason": "搬迁"}
    )
    assert response.status_code == 200
    assert (response.json()["address"], response.json()["name"]) == ("新址", entity.name)
    event = AuditEvent.objects.get(action="registry.entity.updated")
    assert (event.before, event.after, event.reason) == (
        {"address": "旧址"},
        {"address": "新址"},
        "搬迁",
    )


def test_api_patch_without_reason_is_422(client, subdistrict, key):
    entity = EntityFactory(subdistrict=subdistrict)
    response = patch_json(client, f"{ENTITIES}/{entity.pk}", key, {"address": "新址"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["reason"]


# --- licences -------------------------------------------------------------------------------


def test_api_add_licence_and_list_it(client, subdistrict, key):
    entity = EntityFactory(subdistrict=subdistrict)
    today = timezone.localdate()
    payload = {
        "kind": LicenceKind.DRUG_RETAIL.value,
        "number": "渝CA0000001",
        "valid_from": str(today - dt.timedelta(days=100)),
        "valid_until": str(today + dt.timedelta(days=10)),
    }
    response = post_json(client, f"{ENTITIES}/{entity.pk}/licences", key, payload)
    assert response.status_code == 201
    assert response.json()["expiry_warning"] == "30"
    rows = client.get(f"{ENTITIES}/{entity.pk}/licences", headers=auth(key)).json()
    assert [r["number"] for r in rows] == ["渝CA0000001"]
    body = client.get("/api/registry/licences?expiring=30", headers=auth(key)).json()
    assert [r["entity_name"] for r in body["results"]] == [entity.name]


def test_api_add_licence_with_dates_reversed_is_422(client, subdistrict, key):
    entity = EntityFactory(subdistrict=subdistrict)
    payload = {
        "kind": LicenceKind.DRUG_RETAIL.value,
        "number": "渝CA0000002",
        "valid_from": "2026-03-01",
        "valid_until": "2026-01-01",
    }
    response = post_json(client, f"{ENTITIES}/{entity.pk}/licences", key, payload)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "field": "valid_until",
            "message": "有效期截止日期必须晚于起始日期",
            "code": "dates_order",
        }
    ]
    assert not Licence.objects.exists()


def test_api_licence_list_is_scoped(client, subdistrict, key):
    own = LicenceFactory(entity=EntityFactory(subdistrict=subdistrict))
    LicenceFactory(entity=EntityFactory(subdistrict=SubdistrictFactory(station=StationFactory())))
    body = client.get("/api/registry/licences", headers=auth(key)).json()
    assert [r["id"] for r in body["results"]] == [own.pk]


# --- products -------------------------------------------------------------------------------


def test_api_products_list_filter_and_detail(client, key):
    vaccine = ProductFactory(name="流感疫苗", is_vaccine=True)
    ProductFactory(name="阿莫西林胶囊")
    body = client.get("/api/registry/products?is_vaccine=true", headers=auth(key)).json()
    assert [r["id"] for r in body["results"]] == [vaccine.pk]
    detail = client.get(f"/api/registry/products/{vaccine.pk}", headers=auth(key)).json()
    assert (detail["name"], detail["identifier"]) == ("流感疫苗", vaccine.approval_number)
    assert client.get("/api/registry/products/999999", headers=auth(key)).status_code == 404


# --- the document ---------------------------------------------------------------------------


def test_openapi_json_lists_the_paths(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert {
        "/api/registry/entities",
        "/api/registry/entities/{entity_id}",
        "/api/registry/entities/{entity_id}/licences",
        "/api/registry/licences",
        "/api/registry/products",
        "/api/registry/products/{product_id}",
    } <= set(document["paths"])
    operation = document["paths"]["/api/registry/entities"]["get"]
    filters = {p["name"]: p for p in operation["parameters"]}
    assert set(EntityFilterSet.base_filters) | {"page", "page_size"} == set(filters)
    assert "cdc=疾控机构" in filters["entity_type"]["description"]
    entity_schema = document["components"]["schemas"]["EntityOut"]["properties"]
    assert "脱敏" in entity_schema["contact_phone"]["description"]


def test_api_docs_reference_no_external_host(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls
    assert all(url.startswith("/static/") for url in urls), urls
    assert "//" not in "".join(urls)
    assert "<style" not in html
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline_scripts == [' type="application/json" id="swagger-settings"']
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
