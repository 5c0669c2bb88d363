"""The case pages: the list (query count flat, filters, overdue, scope), the clue inbox and
a case opened from a clue, a case registered by hand (and refused on the field), the case
page's buttons by who looks, its stages and clock, and another station's 404."""

from __future__ import annotations

import pytest

from yaoan.cases import services
from yaoan.cases.enums import CaseStatus
from yaoan.cases.models import Case
from yaoan.cases.tests.ui_helpers import NATIONAL_DAY_WEEK, filed, opened, partner
from yaoan.clues import services as clue_services
from yaoan.clues.enums import ClueStatus
from yaoan.common.testing import World, assert_list_queries_flat, client_for
from yaoan.core.sweep import sweep_deadlines

pytestmark = pytest.mark.django_db


def test_list_makes_as_many_queries_for_three_cases_as_for_one(world: World) -> None:
    def add(i: int) -> None:
        case = opened(world, entity=[world.pharmacy, world.other_entity][i % 2])
        if i == 1:
            services.approve_filing(case, actor=world.chief)

    for user in (world.chief, world.inspector):
        assert_list_queries_flat(client_for(user), "/cases/", add)


def test_list_filters_overdue_mine_and_scope(world: World) -> None:
    late = opened(world, discovered_on=NATIONAL_DAY_WEEK)
    fresh = opened(world, entity=world.other_entity, title="销售劣药")
    sweep_deadlines()
    chief = client_for(world.chief)
    page = chief.get("/cases/?overdue=1").content.decode()
    assert late.number in page and fresh.number not in page
    page = chief.get("/cases/").content.decode()
    assert late.number in page and fresh.number in page
    assert "已超期" in page
    page = chief.get("/cases/?q=劣药").content.decode()
    assert late.number not in page and fresh.number in page
    # the chief is one of neither case's officers; the officer of both
    assert late.number not in chief.get("/cases/?mine=1").content.decode()
    mine = client_for(world.officer).get("/cases/?mine=1&status=open").content.decode()
    assert late.number in mine and fresh.number in mine
    station = client_for(world.inspector).get("/cases/").content.decode()
    assert late.number in station and fresh.number not in station


def _clue_for_case(world: World) -> object:
    clue = clue_services.register_clue(
        actor=world.officer,
        source="agency",
        source_label="区卫健委移送函",
        summary="该药房向诊所供应无随货同行单的注射剂",
        entity=world.pharmacy,
    )
    clue = clue_services.assign_clue(clue, actor=world.chief, assignee=world.officer)
    clue = clue_services.verify_clue(
        clue, actor=world.officer, findings="购进记录缺失", violation_found=True
    )
    return clue_services.file_for_case(clue, actor=world.chief, note="建议立案")


def test_a_clue_sent_for_a_case_is_opened_from_the_inbox_once(world: World) -> None:
    clue = _clue_for_case(world)
    co = partner(world)
    officer = client_for(world.officer)
    inbox = officer.get("/cases/clues/").content.decode()
    assert clue.number in inbox and f'data-testid="open-from-clue-{clue.pk}"' in inbox
    assert 'data-testid="clue-inbox-link"' in officer.get("/cases/").content.decode()
    form = officer.get(f"/cases/clues/{clue.pk}/open/").content.decode()
    assert "该药房向诊所供应无随货同行单的注射剂" in form
    response = officer.post(
        f"/cases/clues/{clue.pk}/open/",
        {"lead_officer": world.officer.pk, "co_officer": co.pk, "title": "购进无票据注射剂"},
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert (case.clue_id, case.title, case.status) == (
        clue.pk,
        "购进无票据注射剂",
        CaseStatus.PENDING_FILING,
    )
    assert clue.number not in officer.get("/cases/clues/").content.decode()
    again = officer.get(f"/cases/clues/{clue.pk}/open/")
    assert again.status_code == 302 and again["Location"] == f"/cases/{case.pk}/"
    clue.refresh_from_db()
    assert clue.status == ClueStatus.FOR_CASE


def test_the_same_officer_twice_is_refused_on_the_field(world: World) -> None:
    clue = _clue_for_case(world)
    response = client_for(world.officer).post(
        f"/cases/clues/{clue.pk}/open/",
        {"lead_officer": world.officer.pk, "co_officer": world.officer.pk},
    )
    assert response.status_code == 200
    assert "主办、协办执法人员须为两名不同的" in response.content.decode()
    assert not Case.objects.exists()


def test_a_case_registered_by_hand_through_the_page(world: World) -> None:
    co = partner(world)
    officer = client_for(world.officer)
    data = {
        "procedure": "ordinary",
        "title": "销售过期药品",
        "entity_code": world.pharmacy.uscc,
        "source": "inspection",
        "source_label": "日常检查",
        "facts": "货架上有过期药品",
        "lead_officer": world.officer.pk,
        "co_officer": co.pk,
    }
    response = officer.post("/cases/new/", data | {"entity_code": "91500111MA00000000"})
    assert response.status_code == 200
    assert "没有统一社会信用代码为 91500111MA00000000 的监管对象" in response.content.decode()
    response = officer.post("/cases/new/", data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.entity, case.org_unit, case.party_name) == (
        world.pharmacy,
        world.station,
        world.pharmacy.name,
    )


def test_buttons_follow_the_reader_and_another_station_gets_404(world: World) -> None:
    case = opened(world)
    chief = client_for(world.chief).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="action-approve_filing"' in chief
    assert 'data-testid="action-refuse_filing"' in chief
    # the lead officer may not approve his own case's filing
    own = client_for(world.officer).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="action-approve_filing"' not in own
    assert 'data-testid="evidence-add"' in own
    station = client_for(world.inspector).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="action-' not in station and 'data-testid="evidence-add"' not in station
    outsider = client_for(world.other_inspector)
    assert outsider.get(f"/cases/{case.pk}/").status_code == 404
    assert outsider.get(f"/cases/{case.pk}/approve_filing/").status_code == 404
    assert outsider.get(f"/cases/{case.pk}/evidence/new/").status_code == 404


def test_case_page_shows_the_stages_and_the_decision_clock(world: World) -> None:
    case = filed(world)
    page = client_for(world.officer).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="case-clock"' in page
    assert "已用 0 / 90 日" in page
    stages = page.split('data-testid="case-stages"')[1].split("</ol>")[0]
    assert stages.count('data-state="done"') == 2  # 立案登记, 立案
    assert 'data-state="current">调查终结' in stages
    assert f'href="/cases/{case.pk}/assessment/"' in page and "尚未进行处罚裁量" in page


def test_clue_inbox_makes_as_many_queries_for_three_clues_as_for_one(world: World) -> None:
    assert_list_queries_flat(
        client_for(world.chief), "/cases/clues/", lambda i: _clue_for_case(world)
    )
