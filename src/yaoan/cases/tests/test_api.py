"""The cases API: open a case (201), the detail with its clocks and ``actions``, steps in
order, 409 ``illegal_transition`` when a step is skipped, 409 ``guard_failed`` with the
reason when the statement period still runs, 404 outside the scope, 422 bad input, evidence
with a file (SM3) and the refusals of a wrong type (422) or a file too large (413)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from yaoan.cases.models import Case, Evidence
from yaoan.cases.tests.helpers import co_officer, legal_reviewer, registered
from yaoan.cases.tests.penalty_helpers import gsp_assessment
from yaoan.common.testing import World
from yaoan.core.models import Attachment
from yaoan.core.services import issue_api_token

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    key = issue_api_token(user=user, name="测试", scope="write")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def call(method: str, path: str, user: Any, data: Any = None) -> Any:
    kwargs: dict[str, Any] = {}
    if data is not None:
        kwargs = {"data": json.dumps(data), "content_type": "application/json"}
    return getattr(_client(user), method)(path, **kwargs)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 120, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_open_a_case_and_read_it_with_its_clock_and_actions(world: World) -> None:
    partner = co_officer(world)
    response = call(
        "post",
        "/api/cases/",
        world.officer,
        {
            "title": "未凭处方销售处方药案",
            "facts": "网络监测发现该药房未凭处方销售处方药",
            "entity_id": world.pharmacy.pk,
            "co_officer_id": partner.pk,
            "source": "inspection",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["lead_officer_id"], body["co_officer_id"]) == (
        "pending_filing",
        world.officer.pk,
        partner.pk,
    )
    assert [c["rule"] for c in body["clocks"]] == ["case_filing"]
    assert body["actions"] == []  # the lead officer does not approve his own filing
    detail = call("get", f"/api/cases/{body['id']}", world.chief).json()
    assert [a["action"] for a in detail["actions"]] == [
        "approve_filing",
        "refuse_filing",
        "transfer_to_authority",
    ]
    assert call("get", f"/api/cases/{body['id']}", world.other_inspector).status_code == 404


def test_skipped_step_is_409_with_the_reason(world: World) -> None:
    case = registered(world)
    response = call("post", f"/api/cases/{case.pk}/decide", world.chief, {"outcome": "penalty"})
    assert response.status_code == 409
    detail = response.json()["detail"][0]
    assert detail["code"] == "illegal_transition"
    assert "待立案审批" in detail["message"] and "作出处理决定" in detail["message"]


def test_decision_before_the_statement_period_has_run_is_409(world: World) -> None:
    reviewer = legal_reviewer(world)
    case = registered(world)
    steps = [
        (world.chief, "approve_filing", {"note": "同意立案"}),
    ]
    for user, action, data in steps:
        assert call("post", f"/api/cases/{case.pk}/{action}", user, data).status_code == 200
    client = _client(world.officer)
    upload = io.BytesIO(png_bytes())
    upload.name = "现场.png"
    response = client.post(
        f"/api/cases/{case.pk}/evidence",
        {"kind": "photo", "title": "现场照片", "file": upload},
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["sm3"]) == 64
    gsp_assessment(case, world.officer)  # the notice states the proposed penalty
    for user, action, data in [
        (world.officer, "finish_investigation", {"report": "事实清楚", "proposal": "罚款"}),
        (world.chief, "review", {"opinion": "同意"}),
        (reviewer, "legal_review", {"opinion": "同意"}),
        (world.officer, "serve_notice", {"method": "direct"}),
    ]:
        response = call("post", f"/api/cases/{case.pk}/{action}", user, data)
        assert response.status_code == 200, (action, response.content)
    response = call(
        "post",
        f"/api/cases/{case.pk}/decide",
        world.chief,
        {"outcome": "penalty", "summary": "罚款"},
    )
    assert response.status_code == 409
    detail = response.json()["detail"][0]
    assert detail["code"] == "guard_failed" and "陈述申辩期限" in detail["message"]
    case.refresh_from_db()
    assert case.status == "notice_served" and case.decided_at is None


def test_bad_input_is_422_and_nothing_is_written(world: World) -> None:
    response = call(
        "post",
        "/api/cases/",
        world.officer,
        {"title": "x", "facts": "y", "entity_id": world.pharmacy.pk, "co_officer_id": 999999},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0] == {
        "field": "co_officer_id",
        "message": "主办、协办执法人员须为两名不同的、管辖该案件的执法人员",
        "code": "case_bad_officer",
    }
    assert Case.objects.count() == 0
    case = registered(world)
    response = call("post", f"/api/cases/{case.pk}/refuse_filing", world.chief, {"reason": "x"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "end_reason"


def test_evidence_of_the_wrong_type_or_too_large_is_refused(world: World, settings: Any) -> None:
    case = registered(world)
    client = _client(world.officer)
    fake = io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200)
    fake.name = "照片.jpg"
    response = client.post(
        f"/api/cases/{case.pk}/evidence", {"kind": "photo", "title": "照片", "file": fake}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["code"] == "attachment_wrong_type"
    settings.UPLOAD_MAX_MB = 1
    big = io.BytesIO(b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    big.name = "检验报告.pdf"
    response = client.post(
        f"/api/cases/{case.pk}/evidence",
        {"kind": "expert_opinion", "title": "检验报告", "file": big},
    )
    assert response.status_code == 413
    assert (Evidence.objects.count(), Attachment.objects.count()) == (0, 0)


def test_list_filters_and_scope(world: World) -> None:
    mine = registered(world)
    other = registered(world, entity=world.other_entity)
    body = call("get", "/api/cases/?mine=true", world.officer).json()
    assert {r["id"] for r in body["results"]} == {mine.pk, other.pk}
    station_view = call("get", "/api/cases/", world.inspector).json()
    assert [r["id"] for r in station_view["results"]] == [mine.pk]
