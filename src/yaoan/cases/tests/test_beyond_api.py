"""The transfer and supervision API: a proposal with and without an evidence list (201,
422), the steps in order with ``actions`` (the approval a leader's), a step out of order
(409 with the reason), another unit's transfer (404), and a supervision recorded and
reported on."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from yaoan.cases.beyond_enums import TransferStatus
from yaoan.cases.models import CriminalTransfer
from yaoan.cases.tests.beyond_helpers import add_evidence, make_case, station_officer
from yaoan.common.testing import World, api_client_for

pytestmark = pytest.mark.django_db


def post(client, url, body):  # type: ignore[no-untyped-def]
    return client.post(url, data=json.dumps(body), content_type="application/json")


def body(case, evidence):  # type: ignore[no-untyped-def]
    return {
        "case_id": case.pk,
        "suspected_offence": "销售假药罪",
        "facts": "销售假药",
        "investigation_report": "调查报告",
        "evidence_ids": evidence,
        "police_unit": "青江区公安分局",
        "administrative_part": "suspend",
    }


def test_propose_without_evidence_is_422_and_with_it_201(world: World) -> None:
    case = make_case(world)
    client = api_client_for(world.officer)
    response = post(client, "/api/cases/transfers/", body(case, []))
    assert response.status_code == 422
    assert response.json()["detail"][0]["code"] == "transfer_no_evidence"
    assert CriminalTransfer.objects.count() == 0
    response = post(client, "/api/cases/transfers/", body(case, [add_evidence(case).pk]))
    assert response.status_code == 201
    assert response.json()["status"] == TransferStatus.PROPOSED
    assert response.json()["actions"] == []


def test_steps_in_order_and_out_of_order(world: World) -> None:
    case = make_case(world)
    officer, leader = api_client_for(world.officer), api_client_for(world.leader)
    pk = post(officer, "/api/cases/transfers/", body(case, [add_evidence(case).pk])).json()["id"]
    detail = leader.get(f"/api/cases/transfers/{pk}").json()
    assert [a["action"] for a in detail["actions"]] == ["approve", "refuse"]
    today = timezone.localdate().isoformat()
    early = post(officer, f"/api/cases/transfers/{pk}/police_accept", {"on": today})
    assert early.status_code == 409
    assert early.json()["detail"][0]["code"] == "illegal_transition"
    assert post(leader, f"/api/cases/transfers/{pk}/approve", {}).status_code == 200
    sent = post(officer, f"/api/cases/transfers/{pk}/transfer", {"on": today})
    assert sent.status_code == 200
    assert sent.json()["status"] == TransferStatus.TRANSFERRED
    assert sent.json()["number"].startswith("移送")
    assert sent.json()["clock_suspended"] is True
    listing = officer.get("/api/cases/transfers/").json()
    assert [r["id"] for r in listing["results"]] == [pk]


def test_another_units_transfer_is_404(world: World) -> None:
    case = make_case(world, unit=world.other_station)
    pk = post(
        api_client_for(world.officer),
        "/api/cases/transfers/",
        body(case, [add_evidence(case).pk]),
    ).json()["id"]
    response = api_client_for(station_officer(world)).get(f"/api/cases/transfers/{pk}")
    assert response.status_code == 404


def test_supervision_recorded_and_reported_on(world: World) -> None:
    case = make_case(world)
    today = timezone.localdate()
    response = post(
        api_client_for(world.chief),
        "/api/cases/supervisions/",
        {
            "case_id": case.pk,
            "level": "city",
            "supervising_unit": "市市场监督管理局",
            "reference": "市监督办1号",
            "requirements": "限期办结",
            "flagged_on": today.isoformat(),
            "due_on": (today + dt.timedelta(days=30)).isoformat(),
            "report_every_days": 10,
        },
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    officer = api_client_for(world.officer)
    reported = post(
        officer,
        f"/api/cases/supervisions/{pk}/report",
        {"reported_on": today.isoformat(), "content": "已固定证据"},
    )
    assert reported.status_code == 200
    assert reported.json()["next_report_on"] == (today + dt.timedelta(days=10)).isoformat()
    lift = post(officer, f"/api/cases/supervisions/{pk}/lift", {})
    assert lift.status_code == 409
