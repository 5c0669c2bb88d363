"""A section chief draws entities and inspectors at random: fills in the new-draw form,
executes the draw, and a member of the public opens its page and sees it verified (the
outcome stored at execution), with inspectors shown by their per-draw codes only: no name,
no badge number."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field, sign_in
from yaoan.common.testing import EntityFactory, StationFactory, SubdistrictFactory, UserFactory
from yaoan.core.enums import Role
from yaoan.draws.models import Draw
from yaoan.staff.tests.factories import InspectorProfileFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def grid(db):
    """Two stations' grids, eight pharmacies, three inspectors per station with profiles."""
    stations = [StationFactory(name="东城所"), StationFactory(name="西城所")]
    subs = [SubdistrictFactory(station=s) for s in stations]
    for i in range(8):
        EntityFactory(subdistrict=subs[i % 2], name=f"康宁大药房{i}号店")
    inspectors = []
    for n in range(6):
        user = UserFactory(
            org_unit=stations[n % 2], roles=[Role.INSPECTOR], display_name=f"李检查{n}"
        )
        InspectorProfileFactory(user=user, badge_number=f"QJ80{n}", home_subdistrict=subs[n % 2])
        inspectors.append(user)
    return inspectors


def test_chief_draws_and_the_public_sees_it_verified(
    page, live_server, bureau_chief, grid, artifacts
):
    sign_in(page, live_server.url, bureau_chief)
    page.get_by_role("link", name="双随机抽取").click()
    page.wait_for_url(re.compile(r"/draws/$"))
    page.get_by_role("link", name="发起抽取").click()
    expect(page.get_by_role("heading", name="发起抽取")).to_be_visible()

    field(page, "抽取名称").fill("2026年第三批药品零售抽查")
    field(page, "抽取比例（%）").fill("50")
    page.get_by_label("东城所").check()
    page.get_by_label("西城所").check()
    page.screenshot(path=artifacts / "draw-form.png", full_page=True)
    page.get_by_role("button", name="冻结对象库并公示承诺值").click()

    expect(page.get_by_role("heading", name="2026年第三批药品零售抽查")).to_be_visible()
    draw = Draw.objects.get()
    expect(page.get_by_test_id("commitment")).to_have_text(draw.commitment)
    expect(page.get_by_test_id("pool-size")).to_have_text("8")
    page.get_by_role("button", name="执行抽取").click()
    expect(page.locator(".messages")).to_contain_text("已抽取并公布种子和结果")
    expect(page.get_by_test_id("verify")).to_contain_text("复核一致")

    page.get_by_role("link", name="公开页面").first.click()
    page.wait_for_url(re.compile(rf"/public/draws/{draw.pk}/$"))
    expect(page.get_by_test_id("verify")).to_contain_text("复核一致")
    draw.refresh_from_db()
    expect(page.get_by_test_id("seed")).to_have_text(draw.seed)
    main = page.locator("main")
    first = draw.assignments.select_related("entity").first()
    expect(main).to_contain_text(first.entity.uscc)
    expect(main).to_contain_text(first.inspector_codes[0])
    expect(page.get_by_test_id("verified-at")).to_contain_text("复核")
    expect(page.get_by_test_id("document-digest")).to_have_text(draw.document_digest)
    for inspector in grid:
        expect(main).not_to_contain_text(inspector.display_name)
        expect(main).not_to_contain_text(inspector.inspector_profile.badge_number)
    page.screenshot(path=artifacts / "draw-public.png", full_page=True)
