"""The clues API: list and detail with ``actions``, register and push (201), a step, and
the refusals: 409 out of state, 404 outside the scope, 422 bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from yaoan.clues.models import Clue
from yaoan.clues.tests.helpers import inspection_item, transferred
from yaoan.common.testing import UserFactory, World
from yaoan.core.enums import Role
from yaoan.core.services import issue_api_token

pytestmark = pytest.mark.django_db


def call(method: str, path: str, user: Any, data: Any = None) -> Any:
    key = issue_api_token(user=user, name="测试", scope="write")[1]
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if data is not None:
        kwargs |= {"data": json.dumps(data), "content_type": "application/json"}
    return getattr(Client(), method)(path, **kwargs)


def test_detail_carries_actions_and_another_station_gets_404(world: World) -> None:
    clue = transferred(world)
    body = call("get", f"/api/clues/{clue.pk}", world.chief).json()
    assert body["number"] == clue.number and body["status"] == "new"
    assert [a["action"] for a in body["actions"]] == ["assign", "close", "transfer"]
    assert call("get", f"/api/clues/{clue.pk}", world.other_inspector).status_code == 404
    assert (
        call("post", f"/api/clues/{clue.pk}/assign", world.other_inspector, {}).status_code == 404
    )


def test_steps_through_the_api_and_409_out_of_state(world: World) -> None:
    clue = transferred(world)
    response = call("post", f"/api/clues/{clue.pk}/verify", world.chief, {"findings": "x"})
    assert response.status_code == 409
    assert response.json()["detail"][0]["code"] == "illegal_transition"
    response = call(
        "post", f"/api/clues/{clue.pk}/assign", world.chief, {"assignee_id": world.officer.pk}
    )
    assert response.status_code == 200 and response.json()["assignee_id"] == world.officer.pk
    response = call(
        "post",
        f"/api/clues/{clue.pk}/verify",
        world.officer,
        {"findings": "确有违法行为", "violation_found": True},
    )
    assert response.json()["status"] == "verified"
    response = call("post", f"/api/clues/{clue.pk}/file_case", world.chief, {"note": "建议立案"})
    assert response.json()["status"] == "for_case"


def test_bad_input_answers_422_with_the_field(world: World) -> None:
    clue = transferred(world)
    response = call("post", f"/api/clues/{clue.pk}/assign", world.chief, {"assignee_id": 999999})
    assert response.status_code == 422
    assert response.json()["detail"][0]["code"] == "clue_bad_assignee"
    response = call("post", f"/api/clues/{clue.pk}/close", world.chief, {"note": "x"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "closure_reason"
    response = call(
        "post",
        "/api/clues/",
        world.officer,
        {"source": "inspection", "source_label": "x", "summary": "y", "subject_name": "某店"},
    )
    assert response.status_code == 422
    assert Clue.objects.count() == 1


def test_register_push_and_from_intake_answer_201(world: World) -> None:
    response = call(
        "post",
        "/api/clues/",
        world.officer,
        {
            "source": "higher",
            "source_label": "市局交办单 〔2026〕12号",
            "summary": "反映某药房销售假药",
            "entity_id": world.pharmacy.pk,
        },
    )
    assert response.status_code == 201 and response.json()["org_unit_id"] == world.station.pk
    monitor = UserFactory(org_unit=world.section, roles=[Role.MONITORING])
    push = {
        "reference": "JC-API-1",
        "monitored_on": "2026-12-01",
        "platform": "某平台",
        "shop_name": "某店",
        "product": "某药",
        "suspected_issue": "无证经营",
        "station_id": world.other_station.pk,
    }
    response = call("post", "/api/clues/pushes", monitor, push)
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["push"]["prompt_number"]) == ("prompted", "网监提〔2026〕1号")
    assert call("post", "/api/clues/pushes", monitor, push).status_code == 409
    item = inspection_item(world)
    response = call("post", f"/api/clues/from-intake/{item.pk}", world.officer, {})
    assert response.status_code == 201 and response.json()["source"] == "inspection"
    assert call("post", f"/api/clues/from-intake/{item.pk}", world.officer, {}).status_code == 409
