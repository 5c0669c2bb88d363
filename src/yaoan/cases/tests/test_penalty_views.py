"""The discretion pages: the baseline and its admin, the assessment form, 处罚到人, the
严重失信主体名单 and the profile panel."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from yaoan.cases.listing_services import propose_listing
from yaoan.cases.models import Assessment, DishonestyListing, Penalty, Violation
from yaoan.cases.penalty_enums import ListingStatus, PersonRole
from yaoan.cases.penalty_services import add_person_penalty, apply_decision_consequences
from yaoan.cases.tests.penalty_helpers import (
    circumstance,
    decide,
    gsp_assessment,
    id_number,
    make_case,
    violation,
)
from yaoan.common.testing import EntityFactory, assert_list_queries_flat, client_for


def test_baseline_page_shows_the_articles(world):
    page = client_for(world.officer).get(reverse("cases:penalty_baseline"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "药品管理法 第一百一十七条第一款" in text and "不足10000元的按10000元计算" in text
    assert "新增违法行为" not in text  # an officer reads, does not keep
    assert client_for(world.system_admin).get(reverse("cases:penalty_baseline")).status_code == 403


def test_baseline_admin_by_a_keeper_only(world):
    url = reverse("cases:violation_new")
    assert client_for(world.officer).get(url).status_code == 403
    data = {
        "code": "drug.page",
        "name": "页面新增",
        "product_class": "drug",
        "violated": "药品管理法 第五十三条第一款",
        "basis": "药品管理法 第一百二十六条",
        "kinds": ["warning", "fine"],
        "fine_basis": "fixed",
        "fine_minimum": "1000",
        "fine_maximum": "500",
        "person_fine_basis": "none",
        "ban_years": "0",
        "is_active": "on",
    }
    chief = client_for(world.chief)
    refused = chief.post(url, data)
    assert refused.status_code == 200 and "下限不能大于上限" in refused.content.decode()
    assert chief.post(url, {**data, "fine_maximum": "5000"}).status_code == 302
    edit = reverse("cases:violation_edit", args=[Violation.objects.get(code="drug.page").pk])
    assert "页面新增" in chief.get(edit).content.decode()


def _assessment_post(case, **extra):
    data = {
        "violation": violation("drug.gsp").pk,
        "circumstances": [circumstance("remedied").pk],
        "kinds": ["warning", "fine"],
    }
    data.update(extra)
    return data


def test_assessment_suggests_then_saves(world):
    case = make_case(world)
    client = client_for(world.officer)
    url = reverse("cases:penalty_assessment", args=[case.pk])
    assert client.get(url).status_code == 200
    preview = client.post(url, {**_assessment_post(case), "suggest": "1"})
    text = preview.content.decode()
    assert "从轻处罚" in text and "160000元" in text  # 100,000 + 30% of the range / 2
    assert 'value="160000"' in text  # the proposal prefilled with the suggestion
    assert not Assessment.objects.exists()
    departing = client.post(url, {**_assessment_post(case), "fine": "400000", "save": "1"})
    assert "偏离裁量建议须说明理由" in departing.content.decode()
    saved = client.post(
        url,
        {**_assessment_post(case), "fine": "400000", "departure_reason": "屡查屡犯", "save": "1"},
    )
    assert saved.status_code == 302
    shown = client.get(url).content.decode()
    assert "处罚意见偏离裁量建议" in shown and "屡查屡犯" in shown
    assert Penalty.objects.get(kind="fine").amount == Decimal(400000)


def test_assessment_refused_to_a_reader_who_does_not_handle_the_case(world):
    case = make_case(world)
    client = client_for(world.inspector)
    url = reverse("cases:penalty_assessment", args=[case.pk])
    assert client.get(url).status_code == 200  # reads it
    assert client.post(url, {**_assessment_post(case), "save": "1"}).status_code == 403
    other = make_case(world, org_unit=world.other_station)
    assert client.get(reverse("cases:penalty_assessment", args=[other.pk])).status_code == 404


def test_person_penalty_page(world):
    case = make_case(world)
    client = client_for(world.officer)
    url = reverse("cases:person_penalty_add", args=[case.pk])
    data = {
        "kind": "trade_ban",
        "name": "孙某",
        "id_number": id_number(),
        "role": "principal",
        "for_life": "on",
    }
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("cases:penalty_assessment", args=[case.pk])).content.decode()
    assert "孙*" in page and id_number() not in page  # masked


def test_listing_list_is_flat_and_the_approval_page_works(world):
    client = client_for(world.chief)

    def add(i):
        case = decide(make_case(world, entity=EntityFactory(subdistrict=world.grid)))
        propose_listing(case, actor=world.officer, grounds=f"情节严重{i}")

    assert_list_queries_flat(client, reverse("cases:listing_list"), add)
    listing = DishonestyListing.objects.first()
    detail = client.get(reverse("cases:listing_detail", args=[listing.pk])).content.decode()
    assert "批准列入" in detail
    done = client.post(
        reverse("cases:listing_action", args=[listing.pk, "approve"]), {"reason": ""}
    )
    assert done.status_code == 302
    listing.refresh_from_db()
    assert listing.status == ListingStatus.LISTED


def test_profile_panel_flags_a_banned_manager(world):
    case = make_case(world)
    gsp_assessment(case, world.officer)
    add_person_penalty(
        case, actor=world.officer, kind="trade_ban", name="吴某", id_number=id_number(),
        role=PersonRole.PRINCIPAL, term_months=120,
    )  # fmt: skip
    apply_decision_consequences(decide(case), actor=world.chief)
    elsewhere = EntityFactory(subdistrict=world.grid, legal_representative="吴某")
    client = client_for(world.chief)
    page = client.get(elsewhere.get_absolute_url()).content.decode()
    assert "登记为本单位法定代表人/负责人" in page
    listing_page = client.get(reverse("cases:listing_list")).content.decode()
    assert elsewhere.name in listing_page
