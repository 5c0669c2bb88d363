"""The complaints API: staff entry with the lookup code shown once, the ``actions`` of a
record, a POST per step (409 out of state, 404 outside the scope, 422 bad input with a
code), and the repeated-complaints source of the key list now connected."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yaoan.common.testing import api_client_for, client_for
from yaoan.complaints.models import Complaint
from yaoan.complaints.tests.factories import PHONE, receive, report
from yaoan.intake.models import IntakeItem
from yaoan.plans import keylist

JSON = "application/json"
ENTRY = {
    "kind": "report",
    "channel": "letter",
    "product_class": "cosmetic",
    "content": "该店销售假冒化妆品。",
    "subject_name": "仁济大药房",
    "reporter_name": "王五",
    "reporter_phone": "13800001111",
}


def _post(client, url, body):
    return client.post(url, body, content_type=JSON)


def test_staff_entry_gives_the_lookup_code_once_and_masks_the_reporter(world):
    client = api_client_for(world.inspector)
    body = _post(client, "/api/complaints/", {**ENTRY, "entity_id": world.pharmacy.pk})
    assert body.status_code == 201, body.content
    data = body.json()
    assert len(data["lookup_code"]) == 10 and data["number"].startswith("TJ")
    assert (data["reporter_name"], data["reporter_phone"]) == ("王*", "138****1111")
    assert data["org_unit_id"] == world.station.pk
    assert [a["action"] for a in data["actions"]] == ["accept", "not_accept", "transfer"]
    again = client.get(f"/api/complaints/{data['id']}").json()
    assert "lookup_code" not in again
    duplicate = _post(client, "/api/complaints/", {**ENTRY, "entity_id": world.pharmacy.pk})
    assert duplicate.status_code == 409
    assert duplicate.json()["detail"][0]["code"] == "complaint_duplicate"
    assert Complaint.objects.count() == 1


def test_entry_without_content_is_422_and_writes_nothing(world):
    client = api_client_for(world.inspector)
    response = _post(client, "/api/complaints/", {**ENTRY, "content": " "})
    assert response.status_code == 422
    assert response.json()["detail"][0]["code"] == "complaint_no_content"
    unknown = _post(client, "/api/complaints/", {**ENTRY, "entity_id": 987654})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["field"] == "entity_id"
    assert not Complaint.objects.exists()


def test_steps_through_the_api(world):
    r = report(world.inspector, entity=world.pharmacy)
    client = api_client_for(world.inspector)
    base = f"/api/complaints/{r.pk}"
    assert _post(client, f"{base}/reply", {"text": "x", "channel": "phone"}).status_code == 409
    bad_unit = _post(client, f"{base}/transfer", {"to_unit_id": 987654, "reason": "x"})
    assert bad_unit.status_code == 422
    assert bad_unit.json()["detail"][0] == {
        "field": "transfer_to",
        "message": "转办的单位不存在或已停用",
        "code": "complaint_no_unit",
    }
    assert _post(client, f"{base}/accept", {}).status_code == 200
    verified = _post(client, f"{base}/verify", {"findings": "查实", "violation_found": True})
    assert [a["action"] for a in verified.json()["actions"]] == ["to_clue", "reply"]
    clue = _post(client, f"{base}/to_clue", {}).json()
    assert clue["status"] == "to_clue" and clue["clue_item_id"] == IntakeItem.objects.get().pk
    replied = _post(client, f"{base}/reply", {"text": "已立案", "channel": "letter"}).json()
    assert replied["status"] == "replied" and replied["reply_text"] == "已立案"
    closed = _post(client, f"{base}/close", {"reason": ""})
    assert closed.status_code == 422  # closing without an evaluation needs a reason
    assert _post(client, f"{base}/evaluate", {"evaluation": "satisfied"}).status_code == 200
    assert _post(client, f"{base}/close", {}).json()["status"] == "closed"


def test_another_station_gets_404_and_a_leader_403(world):
    c = receive(world.inspector, entity=world.pharmacy)
    outsider = api_client_for(world.other_inspector)
    assert outsider.get(f"/api/complaints/{c.pk}").status_code == 404
    assert _post(outsider, f"/api/complaints/{c.pk}/accept", {}).status_code == 404
    assert outsider.get("/api/complaints/").json()["count"] == 0
    assert (
        _post(api_client_for(world.leader), f"/api/complaints/{c.pk}/accept", {}).status_code == 403
    )


def test_the_overdue_filter_lists_late_records(world):
    from yaoan.core.sweep import sweep_deadlines

    c = receive(world.inspector, entity=world.pharmacy)
    receive(
        world.inspector, entity=world.pharmacy, content="另一件投诉", reporter_phone="13900000000"
    )
    sweep_deadlines(timezone.localdate() + dt.timedelta(days=40))
    client = api_client_for(world.inspector)
    late = client.get("/api/complaints/", {"overdue": "true"}).json()
    assert late["count"] == 2 and c.pk in [r["id"] for r in late["results"]]
    assert PHONE not in str(late)


def test_repeated_complaints_feed_the_key_list(world):
    # the key list counts the 12 months before today: received ten days ago
    earlier = timezone.now() - dt.timedelta(days=10)
    receive(world.inspector, entity=world.pharmacy, received_at=earlier)
    receive(
        world.inspector,
        entity=world.pharmacy,
        content="又一次投诉",
        reporter_phone="13900000000",
        received_at=earlier,
    )
    receive(world.inspector, entity=world.other_entity, received_at=earlier)
    status = keylist.source_status("repeated_complaints")
    assert status.connected
    source = keylist.external_source("repeated_complaints")
    assert source is not None
    assert set(source(timezone.localdate().year + 1)) == {world.pharmacy.pk}
    page = client_for(world.chief).get("/plans/rules/key-list/").content.decode()
    assert "未接入：投诉举报模块尚未上线" not in page
