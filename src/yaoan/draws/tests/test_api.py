"""The draws API: commit, execute, verify, list and detail, scoped and refusing bad input
with nothing created."""

from __future__ import annotations

import pytest
from django.test import Client

from yaoan.common.testing import UserFactory
from yaoan.core.enums import Role
from yaoan.core.services import issue_api_token
from yaoan.draws import extensions
from yaoan.draws.models import Draw

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_extensions(monkeypatch):
    monkeypatch.setattr(extensions, "_providers", [])


def headers(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_api_token(user=user, name='测试')[1]}"}


def body(world, **overrides):
    data = {
        "title": "接口发起的抽查",
        "selection_mode": "count",
        "selection_value": 4,
        "inspector_unit_ids": [world.station.pk, world.other_station.pk],
        "pool_filters": {"status": "operating"},
    }
    data.update(overrides)
    return data


def test_commit_execute_verify_and_read(world):
    client, auth = Client(), headers(world.chief)
    created = client.post("/api/draws/", body(world), content_type="application/json", **auth)
    assert created.status_code == 201, created.content
    draw_id = created.json()["id"]
    assert created.json()["seed"] is None and created.json()["sample_size"] == 4
    executed = client.post(f"/api/draws/{draw_id}/execute", **auth)
    assert executed.status_code == 200 and executed.json()["status"] == "drawn"
    assert executed.json()["seed"] == Draw.objects.get(pk=draw_id).seed
    verified = client.get(f"/api/draws/{draw_id}/verify", **auth).json()
    assert verified == {"ok": True, "entities_checked": 4, "problems": []}
    detail = client.get(f"/api/draws/{draw_id}", **auth).json()
    assert [a["rank"] for a in detail["assignments"]] == [1, 2, 3, 4]
    assert all(len(a["inspector_ids"]) == 2 for a in detail["assignments"])
    draw = Draw.objects.get(pk=draw_id)
    first = detail["assignments"][0]
    assert sorted(first["inspector_ids"]) == sorted(
        draw.inspector_refs[code] for code in first["inspector_codes"]
    )
    assert detail["verified_ok"] is True and detail["document_digest"] == draw.document_digest
    listed = client.get("/api/draws/", **auth).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == draw_id
    assert (listed["page"], listed["page_size"]) == (1, 50)
    assert "seed" not in listed["results"][0]  # the list never loads the seed


def test_empty_pool_is_a_422_and_nothing_is_created(world):
    response = Client().post(
        "/api/draws/",
        body(world, pool_filters={"entity_type": "cosmetics_dealer"}),
        content_type="application/json",
        **headers(world.chief),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["code"] == "empty_pool"
    assert "对象库为空" in response.json()["detail"][0]["message"]
    assert not Draw.objects.exists()


def test_an_inspector_cannot_commit(world):
    inspector = world.inspector
    response = Client().post(
        "/api/draws/", body(world), content_type="application/json", **headers(inspector)
    )
    assert response.status_code == 403


def test_another_units_draw_is_a_404(world):
    from yaoan.common.testing import StationFactory

    client = Client()
    created = client.post(
        "/api/draws/", body(world), content_type="application/json", **headers(world.chief)
    )
    # the draw covers both of the world's stations: a stranger works in a third
    stranger = UserFactory(org_unit=StationFactory(), roles=[Role.INSPECTOR])
    draw_id = created.json()["id"]
    assert client.get(f"/api/draws/{draw_id}", **headers(stranger)).status_code == 404
    assert client.get(f"/api/draws/{draw_id}/verify", **headers(stranger)).status_code == 404


def test_redraw_needs_a_reason(world):
    client, auth = Client(), headers(world.chief)
    draw_id = client.post(
        "/api/draws/", body(world), content_type="application/json", **auth
    ).json()["id"]
    missing = client.post(
        f"/api/draws/{draw_id}/redraw", {"reason": ""}, content_type="application/json", **auth
    )
    assert missing.status_code == 422
    redone = client.post(
        f"/api/draws/{draw_id}/redraw",
        {"reason": "对象库有误"},
        content_type="application/json",
        **auth,
    )
    assert redone.status_code == 201 and redone.json()["redraw_of_id"] == draw_id
    assert Draw.objects.get(pk=draw_id).status == "superseded"


def test_list_uses_the_registry_paging(world):
    client, auth = Client(), headers(world.chief)
    for n in range(4):
        client.post(
            "/api/draws/", body(world, title=f"第{n}批"), content_type="application/json", **auth
        )
    too_big = client.get("/api/draws/?page_size=201", **auth)
    assert too_big.status_code == 422
    second = client.get("/api/draws/?page=2&page_size=3", **auth).json()
    assert (second["count"], second["page"], second["page_size"]) == (4, 2, 3)
    assert len(second["results"]) == 1


def test_steps_out_of_order_are_409(world):
    client, auth = Client(), headers(world.chief)
    draw_id = client.post(
        "/api/draws/", body(world), content_type="application/json", **auth
    ).json()["id"]
    assert client.post(f"/api/draws/{draw_id}/execute", **auth).status_code == 200
    again = client.post(f"/api/draws/{draw_id}/execute", **auth)
    assert again.status_code == 409
    assert again.json()["detail"][0]["code"] == "illegal_transition"
    assert "已抽取" in again.json()["detail"][0]["message"]
    redone = client.post(
        f"/api/draws/{draw_id}/redraw",
        {"reason": "人员变动"},
        content_type="application/json",
        **auth,
    )
    assert redone.status_code == 201
    superseded = [
        client.post(f"/api/draws/{draw_id}/execute", **auth),
        client.post(
            f"/api/draws/{draw_id}/redraw",
            {"reason": "再次"},
            content_type="application/json",
            **auth,
        ),
    ]
    assert [r.status_code for r in superseded] == [409, 409]
    assert Draw.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("inspector_unit_ids", [2**64]),
        ("partner_unit_id", 2**64),
        ("selection_value", 2**31),
    ],
)
def test_numbers_beyond_the_columns_are_a_422_with_a_message(world, field, value):
    response = Client().post(
        "/api/draws/",
        body(world, **{field: value}),
        content_type="application/json",
        **headers(world.chief),
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"].startswith(field) and error["message"].startswith("不能大于")
    assert not Draw.objects.exists()


def test_the_api_cannot_switch_the_conflict_rule_off(world):
    response = Client().post(
        "/api/draws/",
        body(world, rules=["grid"]),
        content_type="application/json",
        **headers(world.chief),
    )
    assert response.status_code == 201
    assert response.json()["avoid_conflict"] is True and response.json()["avoid_grid"] is True
    assert Draw.objects.get().inputs["rules"]["conflict"] is True
