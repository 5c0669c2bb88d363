"""The complaints pages: scope (another station's complaint answers 404), filters, the
list's query count, the buttons by role, reporter data masked, and no 500 for bad input."""

from __future__ import annotations

import pytest

from yaoan.common.testing import World, assert_list_queries_flat, client_for
from yaoan.complaints.tests.ui_helpers import receive
from yaoan.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_another_stations_complaint_answers_404(world: World) -> None:
    theirs = receive(world.other_inspector, world.other_entity)
    client = client_for(world.inspector)
    assert client.get(f"/complaints/{theirs.pk}/").status_code == 404
    assert client.get(f"/complaints/{theirs.pk}/accept/").status_code == 404
    assert client.post(f"/complaints/{theirs.pk}/entity/", {"entity": ""}).status_code == 404
    assert theirs.number not in client.get("/complaints/").content.decode()
    assert client_for(world.chief).get(f"/complaints/{theirs.pk}/").status_code == 200


def test_list_filters_by_state_kind_channel_station(world: World) -> None:
    mine = receive(world.inspector, world.pharmacy)
    theirs = receive(world.other_inspector, world.other_entity, kind="complaint", channel="letter")
    client = client_for(world.chief)

    def listed(query: str) -> set[str]:
        page = client.get(f"/complaints/?{query}").content.decode()
        return {c.number for c in (mine, theirs) if c.number in page}

    assert listed("") == {mine.number, theirs.number}
    assert listed("kind=complaint") == {theirs.number}
    assert listed("channel=phone") == {mine.number}
    assert listed(f"station={world.station.pk}") == {mine.number}
    assert listed("status=closed") == set()
    assert listed("overdue=1") == set()
    assert listed(f"q={mine.number}") == {mine.number}
    assert listed(f"q={mine.reporter_phone}") == {mine.number}  # through the blind index


def test_list_query_count_is_flat(world: World) -> None:
    client = client_for(world.chief)
    entities = [world.pharmacy, world.other_entity, None]
    assert_list_queries_flat(
        client, "/complaints/", lambda i: receive(world.inspector, entities[i])
    )


@pytest.mark.parametrize(
    "query",
    ["page=abc", "page=999999999999", "station=abc", "overdue=maybe", "kind=x", "q=" + "x" * 500],
)
def test_bad_list_input_is_no_500(world: World, query: str) -> None:
    response = client_for(world.chief).get(f"/complaints/?{query}")
    assert response.status_code == 200


def test_reporter_is_masked_on_list_and_detail(world: World) -> None:
    complaint = receive(world.inspector, world.pharmacy, reporter_phone="13912345678")
    client = client_for(world.inspector)
    detail = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "13912345678" not in detail
    assert "139****5678" in detail and "王**" in detail
    assert "13912345678" not in client.get("/complaints/").content.decode()


def test_buttons_by_role(world: World) -> None:
    complaint = receive(world.inspector, world.pharmacy)
    handler = client_for(world.inspector).get(f"/complaints/{complaint.pk}/").content.decode()
    assert f'href="/complaints/{complaint.pk}/accept/"' in handler
    assert f'href="/complaints/{complaint.pk}/not_accept/"' in handler
    assert f'href="/complaints/{complaint.pk}/verify/"' not in handler  # not yet accepted
    leader = client_for(world.leader)
    page = leader.get(f"/complaints/{complaint.pk}/").content.decode()
    assert complaint.number in page and "/accept/" not in page
    assert leader.post(f"/complaints/{complaint.pk}/accept/", {}).status_code == 403
    assert AuditEvent.objects.filter(action="complaints.access.denied", success=False).exists()


def test_a_step_out_of_state_is_said_not_500(world: World) -> None:
    complaint = receive(world.inspector, world.pharmacy)
    client = client_for(world.inspector)
    answer = client.get(f"/complaints/{complaint.pk}/reply/", follow=True).content.decode()
    assert "不能再办理此步骤" in answer
    assert client.get(f"/complaints/{complaint.pk}/no_such_step/").status_code == 404


def test_overdue_by_station_page(world: World) -> None:
    receive(world.inspector, world.pharmacy)
    page = client_for(world.chief).get("/complaints/overdue/")
    assert page.status_code == 200
    assert "没有超期的投诉举报" in page.content.decode()
