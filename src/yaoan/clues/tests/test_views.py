"""The clues pages: the inbox (filters, overdue, query count flat), a clue's buttons by
who looks, scope (404), a step through its form, and the intake item's accept button."""

from __future__ import annotations

import itertools

import pytest

from yaoan.clues import services
from yaoan.clues.enums import ClueStatus
from yaoan.clues.models import Clue
from yaoan.clues.tests.helpers import NATIONAL_DAY_WEEK, inspection_item, push, transferred
from yaoan.common.testing import World, api_client_for, assert_list_queries_flat, client_for
from yaoan.core.models import DeadlineExtension
from yaoan.core.sweep import sweep_deadlines
from yaoan.intake.enums import IntakeStatus

pytestmark = pytest.mark.django_db


def test_inbox_page_and_api_make_as_many_queries_for_three_clues_as_for_one(world: World) -> None:
    refs = itertools.count(1)

    def add(i: int) -> None:
        if i % 2:
            push(world, reference=f"JC-{next(refs)}")
        else:
            clue = transferred(world, entity=[world.pharmacy, world.other_entity][i % 3 == 2])
            services.assign_clue(clue, actor=world.chief, assignee=world.officer)

    for user in (world.chief, world.inspector):
        assert_list_queries_flat(client_for(user), "/clues/", add)
        assert_list_queries_flat(api_client_for(user), "/api/clues/", add)


def test_inbox_filters_overdue_and_scope(world: World) -> None:
    late = transferred(world, received_on=NATIONAL_DAY_WEEK)
    fresh = transferred(world, entity=world.other_entity)
    chief = client_for(world.chief)
    page = chief.get("/clues/?overdue=on").content.decode()
    assert late.number in page and fresh.number not in page
    page = chief.get("/clues/").content.decode()
    assert late.number in page and fresh.number in page
    station = client_for(world.inspector).get("/clues/").content.decode()
    assert late.number in station and fresh.number not in station


def test_buttons_follow_the_user_and_another_station_gets_404(world: World) -> None:
    clue = transferred(world)
    chief_page = client_for(world.chief).get(f"/clues/{clue.pk}/").content.decode()
    assert 'data-testid="action-assign"' in chief_page
    assert 'data-testid="action-transfer"' in chief_page
    station_page = client_for(world.inspector).get(f"/clues/{clue.pk}/").content.decode()
    assert 'data-testid="action-' not in station_page
    outsider = client_for(world.other_inspector)
    assert outsider.get(f"/clues/{clue.pk}/").status_code == 404
    assert outsider.get(f"/clues/{clue.pk}/assign/").status_code == 404


def test_assign_and_close_through_the_pages(world: World) -> None:
    clue = transferred(world)
    chief = client_for(world.chief)
    response = chief.post(f"/clues/{clue.pk}/assign/", {"assignee": world.officer.pk})
    assert response.status_code == 302
    officer = client_for(world.officer)
    officer.post(f"/clues/{clue.pk}/verify/", {"findings": "未发现问题"})
    response = chief.post(
        f"/clues/{clue.pk}/close/", {"closure_reason": "no_violation", "note": ""}
    )
    assert response.status_code == 200  # the note is required: the form says so
    assert "此字段为必填项" in response.content.decode() or "必填" in response.content.decode()
    chief.post(f"/clues/{clue.pk}/close/", {"closure_reason": "no_violation", "note": "查无实据"})
    clue.refresh_from_db()
    assert (clue.status, clue.assignee, clue.violation_found) == (
        ClueStatus.CLOSED,
        world.officer,
        False,
    )


def test_intake_item_page_offers_the_accept_button_and_it_takes_the_item_over(
    world: World,
) -> None:
    item = inspection_item(world)
    officer = client_for(world.officer)
    page = officer.get(f"/intake/{item.pk}/").content.decode()
    assert "接收为线索" in page and f"/clues/from-intake/{item.pk}/" in page
    assert (
        "接收为线索" not in client_for(world.inspector).get(f"/intake/{item.pk}/").content.decode()
    )
    response = officer.post(f"/clues/from-intake/{item.pk}/", {"assignee": world.officer.pk})
    clue = Clue.objects.get(intake_item=item)
    assert response.status_code == 302 and response["Location"] == clue.get_absolute_url()
    item.refresh_from_db()
    assert (item.status, clue.assignee) == (IntakeStatus.ACCEPTED, world.officer)
    page = officer.get(f"/intake/{item.pk}/").content.decode()
    assert f"/clues/from-intake/{item.pk}/" not in page


def test_entity_profile_shows_its_clues(world: World) -> None:
    clue = transferred(world)
    page = client_for(world.chief).get(world.pharmacy.get_absolute_url()).content.decode()
    assert 'data-testid="entity-clues"' in page and clue.number in page


def test_push_page_shows_the_prompt_and_the_station_answers_it(world: World) -> None:
    clue = push(world)
    station = client_for(world.inspector)
    page = station.get(f"/clues/{clue.pk}/").content.decode()
    assert "网监提〔2026〕1号" in page and "工作提示单" in page
    assert 'data-testid="action-feedback"' in page
    assert 'data-testid="action-send_prompt"' not in page
    response = station.post(
        f"/clues/{clue.pk}/feedback/", {"outcome": "no_violation", "feedback": "核查未发现问题"}
    )
    assert response.status_code == 302
    clue.refresh_from_db()
    assert clue.status == ClueStatus.CLOSED


def test_extension_is_requested_from_the_clue_page(world: World) -> None:
    clue = services.assign_clue(
        transferred(world, received_on=NATIONAL_DAY_WEEK), actor=world.chief, assignee=world.officer
    )
    officer = client_for(world.officer)
    assert "申请延长核查期限" in officer.get(f"/clues/{clue.pk}/").content.decode()
    response = officer.post(f"/clues/{clue.pk}/extension/", {"reason": "等待检验报告"})
    assert response.status_code == 302
    extension = DeadlineExtension.objects.get()
    assert (extension.requested_by, extension.rule.code, extension.status) == (
        world.officer,
        "clue_verification_extension",
        "pending",
    )


def test_dashboard_panel_counts_waiting_and_overdue(world: World) -> None:
    transferred(world, received_on=NATIONAL_DAY_WEEK)
    transferred(world)
    sweep_deadlines()
    page = client_for(world.chief).get("/home/").content.decode()
    assert 'data-testid="clues-panel"' in page
    assert "待分派 2" in page and "逾期 1" in page
