"""The public penalty pages (行政处罚信息公示): no sign-in, the same head, navigation and
contact as the complaint pages, the summary of 第四条 and nothing else — not the case's
officers, not the natural person's full name, not an unpublished or expired entry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from yaoan.cases.publication_enums import PublicationTerm
from yaoan.cases.publication_services import (
    PublicationInput,
    prepare_publication,
    publish_penalty,
    update_publication,
)
from yaoan.cases.tests.oversight_helpers import make_case

LIST = "/public/penalties/"


@pytest.fixture(autouse=True)
def _known_calendar(db):
    from yaoan.common.testing import weekend_calendar_for_coming_years

    weekend_calendar_for_coming_years()


def _published(world, *, person: bool = False, number: str = "青市监罚〔2026〕7号"):
    case = make_case(world, person=person)
    publication = prepare_publication(case, actor=world.officer)
    data = PublicationInput(
        decision_number=number,
        party_name=publication.party_name,
        violation_type="销售劣药",
        facts="当事人销售的胶囊经检验为劣药。",
        penalty_content="没收违法所得1200元，罚款5000元",
        legal_basis="《中华人民共和国药品管理法》第一百一十七条第一款",
        authority="青江区市场监督管理局",
        term=PublicationTerm.THREE_YEARS,
    )
    update_publication(publication, actor=world.officer, data=data)
    return publish_penalty(publication, actor=world.officer)


def test_list_and_detail_show_the_summary_with_the_portal_look(world):
    business = _published(world)
    person = _published(world, person=True, number="青市监罚〔2026〕8号")
    page = Client().get(LIST).content.decode()
    assert 'data-testid="bureau"' in page and 'data-testid="bureau-contact"' in page
    assert 'class="responsive"' in page  # one card per row on a phone
    assert "仁济大药房" in page and "张**" in page
    detail = Client().get(f"{LIST}{business.pk}/").content.decode()
    assert world.pharmacy.uscc in detail
    assert "第一百一十七条第一款" in detail
    assert world.officer.display_name not in detail
    person_page = Client().get(f"{LIST}{person.pk}/").content.decode()
    assert "张三丰" not in person_page and "张**" in person_page


def test_search_by_credit_code_or_number(world):
    _published(world)
    found = Client().get(LIST, {"q": world.pharmacy.uscc[:8]}).content.decode()
    assert "青市监罚〔2026〕7号" in found
    by_number = Client().get(LIST, {"q": "〔2026〕7号"}).content.decode()
    assert "仁济大药房" in by_number
    none = Client().get(LIST, {"q": "石门"}).content.decode()
    assert "青市监罚〔2026〕7号" not in none


def test_pending_and_expired_entries_are_not_public(world):
    pending = prepare_publication(make_case(world), actor=world.officer)
    assert Client().get(f"{LIST}{pending.pk}/").status_code == 404
    expired = _published(world)
    expired.public_until = timezone.localdate() - dt.timedelta(days=1)
    expired.save(update_fields=["public_until"])
    assert Client().get(f"{LIST}{expired.pk}/").status_code == 404
    assert "青市监罚〔2026〕7号" not in Client().get(LIST).content.decode()
