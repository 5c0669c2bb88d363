"""The discretion API: the suggestion, the assessment with its refusals, 处罚到人 with the
name masked, and the 严重失信主体名单's steps (409 out of order, 404 outside the scope)."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from yaoan.cases.tests.penalty_helpers import decide, gsp_assessment, id_number, make_case
from yaoan.core.services import issue_api_token


def call(method: str, path: str, user: Any, data: Any = None) -> Any:
    key = issue_api_token(user=user, name="测试", scope="write")[1]
    kwargs: dict[str, Any] = {}
    if data is not None:
        kwargs = {"data": json.dumps(data), "content_type": "application/json"}
    return getattr(Client(HTTP_AUTHORIZATION=f"Bearer {key}"), method)(path, **kwargs)


def test_suggestion_and_assessment(world):
    case = make_case(world)
    base = f"/api/penalties/cases/{case.pk}/assessment"
    facts = {
        "violation": "drug.substandard.retail",
        "circumstances": ["drug.maternal_child"],
        "goods_value": "5000",
    }
    suggested = call("post", f"{base}/suggestion", world.officer, facts)
    assert suggested.status_code == 200
    assert (suggested.json()["band"], suggested.json()["fine"]) == ("heavier", "185000")
    missing = call(
        "post", f"{base}/suggestion", world.officer, {"violation": "drug.substandard.retail"}
    )
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["field"] == "goods_value"
    proposal = {
        **facts,
        "kinds": ["confiscate_goods", "confiscate_income", "fine"],
        "confiscated_income": "800",
        "fine": "250000",
        "confiscated_goods": "劣药",
    }
    refused = call("post", base, world.officer, proposal)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["code"] == "above_legal_maximum"
    saved = call("post", base, world.officer, {**proposal, "fine": "190000"})
    assert saved.status_code == 200
    body = saved.json()
    assert (body["violation"], body["departs"]) == ("drug.substandard.retail", False)
    assert [p["kind"] for p in body["penalties"]] == [
        "confiscate_goods",
        "confiscate_income",
        "fine",
    ]
    assert call("get", base, world.officer).json()["suggestion"]["band"] == "heavier"


def test_person_penalty_masked(world):
    case = make_case(world)
    data = {
        "kind": "trade_ban",
        "name": "郑某某",
        "id_number": id_number(),
        "role": "principal",
        "for_life": True,
    }
    made = call("post", f"/api/penalties/cases/{case.pk}/persons", world.officer, data)
    assert made.status_code == 201
    assert made.json()["person_name"] == "郑**" and id_number() not in made.content.decode()
    bad = call(
        "post", f"/api/penalties/cases/{case.pk}/persons", world.officer, {**data, "id_number": "1"}
    )
    assert bad.status_code == 422


def test_listing_steps(world):
    case = make_case(world)
    gsp_assessment(case, world.officer)
    early = call(
        "post", f"/api/penalties/cases/{case.pk}/listing", world.officer, {"grounds": "情节严重"}
    )
    assert early.status_code == 409 and early.json()["detail"][0]["code"] == "case_decided"
    decide(case)
    proposed = call(
        "post", f"/api/penalties/cases/{case.pk}/listing", world.officer, {"grounds": "情节严重"}
    )
    assert proposed.status_code == 201
    listing = proposed.json()["id"]
    repair = call(
        "post", f"/api/penalties/dishonesty-list/{listing}/repair", world.chief, {"reason": "x"}
    )
    assert repair.status_code == 409 and repair.json()["detail"][0]["code"] == "illegal_transition"
    approved = call("post", f"/api/penalties/dishonesty-list/{listing}/approve", world.chief, {})
    assert approved.status_code == 200 and approved.json()["status"] == "listed"
    page = call("get", "/api/penalties/dishonesty-list", world.leader).json()
    assert [r["id"] for r in page["results"]] == [listing]
    outsider = call("get", f"/api/penalties/cases/{case.pk}/assessment", world.other_inspector)
    assert outsider.status_code == 404
