"""The intake inbox pages: filters, scope, the query count of the list, and the
decisions offered only to those who may take them."""

from __future__ import annotations

import pytest
from django.test import Client

from yaoan.common.testing import World, sign_in
from yaoan.core.models import AuditEvent, User
from yaoan.intake.tests.helpers import hand_on

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_list_filters_by_kind_status_source_and_station(world: World) -> None:
    clue = hand_on(world.inspector, world.pharmacy)
    risk = hand_on(world.other_inspector, world.other_entity, source_id=2, kind="risk")
    client = client_for(world.chief)

    def listed(query: str) -> set[int]:
        page = client.get(f"/intake/?{query}").content.decode()
        return {i.pk for i in (clue, risk) if f'href="/intake/{i.pk}/"' in page}

    assert listed("") == {clue.pk, risk.pk}
    assert listed("kind=risk") == {risk.pk}
    assert listed("status=rejected") == set()
    assert listed("source_app=sampling&status=new") == {clue.pk, risk.pk}
    assert listed(f"station={world.station.pk}") == {clue.pk}


def test_decisions_are_offered_to_deciders_only(world: World) -> None:
    item = hand_on(world.inspector, world.pharmacy)
    officer = client_for(world.officer)
    officer_page = officer.get(f"/intake/{item.pk}/").content.decode()
    assert f'href="/intake/{item.pk}/reject/"' in officer_page
    assert f'href="/intake/{item.pk}/keep/"' in officer_page
    assert f'href="/intake/{item.pk}/accept/"' not in officer_page  # the receiving module's
    inspector = client_for(world.inspector)
    page = inspector.get(f"/intake/{item.pk}/").content.decode()
    assert "抽检不合格：含量测定不符合规定" in page and "/reject/" not in page
    assert inspector.post(f"/intake/{item.pk}/reject/", {"reason": "x"}).status_code == 403
    assert AuditEvent.objects.filter(action="intake.access.denied", success=False).exists()
    assert inspector.get(f"/intake/{item.pk}/accept/").status_code == 404
    officer.post(f"/intake/{item.pk}/reject/", {"reason": "证据不足"})
    again = officer.get(f"/intake/{item.pk}/keep/", follow=True).content.decode()
    assert "该事项当前状态为“不予接收”，不能再处理" in again


def test_merge_and_keep_from_the_page(world: World) -> None:
    first = hand_on(world.inspector, world.pharmacy)
    second = hand_on(world.inspector, world.pharmacy, source_id=2)
    client = client_for(world.officer)
    missing = client.post(f"/intake/{second.pk}/merge/", {"into": 999999, "reason": "同批"})
    assert "没有编号为 999999 的事项" in missing.content.decode()
    assert (
        client.post(f"/intake/{second.pk}/merge/", {"into": first.pk, "reason": "同批"}).status_code
        == 302
    )
    assert client.post(f"/intake/{first.pk}/keep/", {"reason": "等待案件模块"}).status_code == 302
    page = client.get(f"/intake/{first.pk}/").content.decode()
    assert f'href="/intake/{second.pk}/"' in page
    assert '继续等待</td><td data-label="理由">等待案件模块' in page


def test_dashboard_counts_what_waits_for_a_decider(world: World) -> None:
    hand_on(world.inspector, world.pharmacy)
    hand_on(world.inspector, world.pharmacy, source_id=2, urgency="normal")
    home = client_for(world.officer).get("/home/").content.decode()
    assert 'data-testid="intake-panel"' in home
    assert "待接收</a> <b>2</b>" in home and "紧急 1" in home
    assert (
        'data-testid="intake-panel"'
        not in client_for(world.inspector).get("/home/").content.decode()
    )
