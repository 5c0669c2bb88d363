"""The intake API: a scoped list with filters and an ``actions`` field, the detail with
evidence, and the decisions with their refusals (422 without a reason, 409 out of state,
404 outside the scope)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from yaoan.common.testing import World
from yaoan.core.services import issue_api_token
from yaoan.intake.tests.helpers import hand_on

pytestmark = pytest.mark.django_db


def call(method: str, path: str, user: Any, data: Any = None) -> Any:
    key = issue_api_token(user=user, name="测试")[1]
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if data is not None:
        kwargs |= {"data": json.dumps(data), "content_type": "application/json"}
    return getattr(Client(), method)(path, **kwargs)


def test_list_is_scoped_filtered_and_carries_the_actions(world: World) -> None:
    item = hand_on(world.inspector, world.pharmacy)
    hand_on(world.other_inspector, world.other_entity, source_id=2, kind="risk")
    officer = call("get", "/api/intake/?kind=clue&status=new", world.officer).json()
    assert officer["count"] == 1
    row = officer["results"][0]
    assert (row["id"], row["source_label"], row["entity_name"]) == (
        item.pk,
        "抽样单 CY-1",
        "仁济大药房",
    )
    assert [a["action"] for a in row["actions"]] == ["reject", "merge", "keep"]
    station = call("get", "/api/intake/", world.inspector).json()
    assert [r["id"] for r in station["results"]] == [item.pk]
    assert station["results"][0]["actions"] == []  # an inspector reads, a decider decides
    by_station = call("get", f"/api/intake/?station_id={world.other_station.pk}", world.chief)
    assert by_station.json()["count"] == 1


def test_reject_through_the_api(world: World) -> None:
    item = hand_on(world.inspector, world.pharmacy)
    missing = call("post", f"/api/intake/{item.pk}/reject", world.officer, {"reason": ""})
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["field"] == "reason"
    done = call("post", f"/api/intake/{item.pk}/reject", world.officer, {"reason": "证据不足"})
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["status"], body["decision_reason"], body["actions"]) == (
        "rejected",
        "证据不足",
        [],
    )
    again = call("post", f"/api/intake/{item.pk}/keep", world.officer, {"reason": "x"})
    assert again.status_code == 409
    assert again.json()["detail"][0]["code"] == "illegal_transition"


def test_decisions_outside_the_scope_or_role(world: World) -> None:
    item = hand_on(world.inspector, world.pharmacy)
    other = call("post", f"/api/intake/{item.pk}/reject", world.other_inspector, {"reason": "x"})
    assert other.status_code == 404
    own = call("post", f"/api/intake/{item.pk}/reject", world.inspector, {"reason": "x"})
    assert own.status_code == 403


def test_merge_through_the_api(world: World) -> None:
    first = hand_on(world.inspector, world.pharmacy)
    second = hand_on(world.inspector, world.pharmacy, source_id=2)
    wrong = call(
        "post",
        f"/api/intake/{second.pk}/merge",
        world.chief,
        {"into_id": second.pk, "reason": "x"},
    )
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["field"] == "into"
    merged = call(
        "post",
        f"/api/intake/{second.pk}/merge",
        world.chief,
        {"into_id": first.pk, "reason": "同批"},
    ).json()
    assert (merged["status"], merged["merged_into_id"]) == ("merged", first.pk)
    detail = call("get", f"/api/intake/{first.pk}", world.chief).json()
    assert detail["evidence"] == [] and detail["source_url"] == "/sampling/1/"
