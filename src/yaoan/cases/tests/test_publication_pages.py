"""The staff's publication pages and the portal's penalty pages through the test client:
the awaiting and overdue lists, prepare → edit → publish, the portal showing it (and never a
person's data), withdrawal taking it off the portal, refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yaoan.cases.models import PenaltyPublication
from yaoan.cases.publication_enums import PublicationStatus, PublicationTerm
from yaoan.cases.publication_services import open_publication_clock
from yaoan.cases.tests.oversight_helpers import make_case
from yaoan.common.testing import assert_list_queries_flat, client_for

LIST = "/cases/publication/"


@pytest.fixture(autouse=True)
def _known_calendar(db):
    from yaoan.common.testing import weekend_calendar_for_coming_years

    weekend_calendar_for_coming_years()


def _form(**changes: str) -> dict[str, str]:
    data = {
        "decision_number": "青市监罚〔2026〕12号",
        "party_name": "张**",
        "violation_type": "销售劣药",
        "facts": "当事人销售劣药。",
        "penalty_content": "罚款5000元",
        "legal_basis": "《中华人民共和国药品管理法》第一百一十七条第一款",
        "authority": "青江区市场监督管理局",
        "term": PublicationTerm.THREE_YEARS,
    }
    data.update(changes)
    return data


def test_awaiting_list_shows_the_clock_and_the_overdue_tab(world):
    late = make_case(world, decided_at=timezone.now() - dt.timedelta(days=60))
    fresh = make_case(world)
    for case in (late, fresh):
        open_publication_clock(case, actor=world.officer)
    client = client_for(world.chief)
    page = client.get(LIST).content.decode()
    assert late.number in page and fresh.number in page
    assert "已超期" in page
    overdue = client.get(LIST + "?overdue=1").content.decode()
    assert late.number in overdue and fresh.number not in overdue


def test_awaiting_list_queries_do_not_grow_with_rows(world):
    client = client_for(world.chief)

    def add(i: int) -> None:
        case = make_case(world)
        open_publication_clock(case, actor=world.officer)

    assert_list_queries_flat(client, LIST, add)


def test_an_inspector_is_refused(world):
    response = client_for(world.inspector).get(LIST)
    assert response.status_code == 403


def test_prepare_edit_publish_and_withdraw_end_to_end(world):
    case = make_case(world, person=True)
    officer = client_for(world.officer)
    response = officer.post(reverse("cases:publication_prepare", args=[case.pk]))
    publication = PenaltyPublication.objects.get(case=case)
    assert response.status_code == 302 and response["Location"] == publication.get_absolute_url()
    url = publication.get_absolute_url()
    refused = officer.post(url, _form(facts="当事人张三丰，电话13912345678", publish="1"))
    assert refused.status_code == 400
    assert "个人信息" in refused.content.decode()
    response = officer.post(url, _form(publish="1"))
    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.PUBLISHED
    history = officer.get(url).content.decode().split('data-testid="publication-history"')[1]
    assert "拟写行政处罚公示内容" in history and "公示行政处罚信息" in history

    public = Client()
    listing = public.get("/public/penalties/").content.decode()
    assert "青市监罚〔2026〕12号" in listing
    detail = public.get(f"/public/penalties/{publication.pk}/").content.decode()
    assert "张**" in detail and "张三丰" not in detail
    assert "罚款5000元" in detail

    chief = client_for(world.chief)
    response = chief.post(
        reverse("cases:publication_withdraw", args=[publication.pk]),
        {"cause": "credit_repair", "note": "信用修复决定 青市监信修〔2026〕3号"},
    )
    assert response.status_code == 302
    assert public.get(f"/public/penalties/{publication.pk}/").status_code == 404
    assert "青市监罚〔2026〕12号" not in public.get("/public/penalties/").content.decode()


def test_the_officer_cannot_withdraw(world):
    case = make_case(world)
    officer = client_for(world.officer)
    officer.post(reverse("cases:publication_prepare", args=[case.pk]))
    publication = PenaltyPublication.objects.get(case=case)
    officer.post(publication.get_absolute_url(), _form(party_name="仁济大药房", publish="1"))
    response = officer.post(
        reverse("cases:publication_withdraw", args=[publication.pk]),
        {"cause": "credit_repair", "note": "x"},
    )
    assert response.status_code == 400
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.PUBLISHED


def test_another_stations_publication_is_not_found(world):
    case = make_case(world, org_unit=world.other_station, entity=world.other_entity)
    from yaoan.cases.publication_services import prepare_publication

    publication = prepare_publication(case, actor=world.chief)
    response = client_for(world.station_chief).get(publication.get_absolute_url())
    assert response.status_code == 404


def test_the_public_list_searches_and_pages_without_sign_in(world):
    response = Client().get("/public/penalties/?q=不存在的药房")
    assert response.status_code == 200
    assert "暂无公示的行政处罚信息" in response.content.decode()
    assert Client().get("/public/penalties/999/").status_code == 404


def test_dashboard_counts_awaiting_and_overdue_and_the_menu_links(world):
    late = make_case(world, decided_at=timezone.now() - dt.timedelta(days=60))
    open_publication_clock(late, actor=world.officer)
    make_case(world)
    page = client_for(world.chief).get("/home/").content.decode()
    panel = page.split('data-testid="case-oversight-panel"')[1].split("</div>")[0]
    assert "待公示 2" in panel
    assert "超期未公示 1" in panel
    assert 'href="/cases/publication/"' in page and 'href="/cases/reviews/"' in page
    inspector_page = client_for(world.inspector).get("/home/").content.decode()
    assert 'data-testid="case-oversight-panel"' not in inspector_page


def test_the_case_page_offers_publication_and_review(world):
    from yaoan.cases.enums import CaseStatus

    case = make_case(world)
    page = client_for(world.officer).get(case.get_absolute_url()).content.decode()
    assert 'data-testid="case-publication-prepare"' in page
    closed = make_case(world, status=CaseStatus.CLOSED, closed_at=timezone.now())
    chief_page = client_for(world.chief).get(closed.get_absolute_url()).content.decode()
    assert 'data-testid="case-review-assign"' in chief_page
    assert "尚未评查" in chief_page
    inspector_page = client_for(world.inspector).get(case.get_absolute_url())
    assert 'data-testid="case-publication"' not in inspector_page.content.decode()
