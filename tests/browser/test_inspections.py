"""An inspection as the people involved do it: on a phone the inspector opens today's
inspection, fills the checklist (one item fails), records the location, adds a photo and
submits with the partner's one-time code; the chief sees the finding and its rectification
order and publishes the result; the public page shows it. And the checklist survives a
lost connection."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.helpers import field, sign_in
from yaoan.common.testing import EntityFactory, OrgUnitFactory, UserFactory, totp_code
from yaoan.core.enums import OrgUnitKind, Role
from yaoan.draws import services as draw_services
from yaoan.draws.specs import DrawSpec
from yaoan.inspections import scheduling
from yaoan.inspections.enums import InspectionStatus
from yaoan.inspections.models import Inspection, ItemRecord
from yaoan.staff import services as staff_services

pytestmark = pytest.mark.browser


@pytest.fixture
def team(station, subdistrict, reference_data):
    chief = UserFactory(
        org_unit=OrgUnitFactory(kind=OrgUnitKind.SECTION), roles=[Role.SECTION_CHIEF]
    )
    inspector = UserFactory(org_unit=station, display_name="张检查")
    partner = UserFactory(org_unit=station, display_name="李检查")
    pharmacy = EntityFactory(subdistrict=subdistrict, name="松鹤大药房")
    # a random inspection comes only from a draw: the station's two inspectors, this pharmacy
    for n, user in enumerate((inspector, partner)):
        staff_services.save_profile(
            actor=chief,
            user=user,
            badge_number=f"YJ9000{n}",
            home_subdistrict=None,
            posted_subdistricts=[],
        )
    spec = DrawSpec(
        title="本月药品零售双随机抽查",
        kind="random",
        selection_mode="count",
        selection_value=1,
        inspector_units=[station],
        pool_filters={"q": pharmacy.uscc},
        rules=frozenset(),
    )
    drawn = scheduling.execute_draw(
        actor=chief, draw=draw_services.commit_draw(actor=chief, spec=spec)
    )
    inspection = Inspection.objects.get(draw=drawn)
    return {"chief": chief, "inspector": inspector, "partner": partner, "inspection": inspection}


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (40, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def _answer(page, number: str, choice: str) -> None:
    item = page.locator(
        "fieldset.checklist-item", has_text=re.compile(rf"^\s*{re.escape(number)} ")
    )
    item.get_by_label(choice, exact=True).check()


def test_inspector_fills_on_a_phone_and_the_chief_and_the_public_see_it(
    phone_page, page, live_server, team, artifacts
):
    inspection = team["inspection"]
    phone = phone_page
    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation({"latitude": 29.56301, "longitude": 106.55155, "accuracy": 15})
    sign_in(phone, live_server.url, team["inspector"])

    # the dashboard lists today's inspection
    phone.get_by_test_id("inspections-panel").get_by_role("link", name="松鹤大药房").click()
    expect(phone.get_by_role("heading", name="松鹤大药房")).to_be_visible()
    numbers = list(inspection.checklist.items.values_list("number", flat=True))
    for number in numbers:
        _answer(phone, number, "不符合" if number == "2.1" else "符合")
    failing = phone.locator("fieldset.checklist-item", has_text=re.compile(r"^\s*2\.1 "))
    failing.get_by_label("说明（不符合时必填）").fill("检查时执业药师不在岗")
    phone.get_by_role("button", name="记录检查位置").click()
    expect(phone.get_by_test_id("location")).to_contain_text("29.56301")
    expect(phone.get_by_test_id("sync-status")).to_contain_text("已保存", timeout=10_000)

    phone.get_by_label("照片").set_input_files(
        {"name": "柜台.png", "mimeType": "image/png", "buffer": _png()}
    )
    phone.get_by_role("button", name="上传照片").click()
    expect(phone.get_by_text("照片已上传")).to_be_visible()
    expect(phone.locator(".photos img")).to_have_count(1)

    field(phone, "同行检查人员").select_option(value=str(team["partner"].pk))
    field(phone, "同行检查人员的动态口令").fill(totp_code(team["partner"]))
    phone.screenshot(path=str(artifacts / "inspection_record_phone.png"), full_page=True)
    phone.get_by_role("button", name="确认并提交").click()
    expect(phone.get_by_text("检查记录已提交")).to_be_visible()
    expect(phone.get_by_test_id("status")).to_have_text("已提交")
    expect(phone.get_by_test_id("result")).to_have_text("发现问题，责令整改")
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SUBMITTED
    assert str(inspection.latitude) == "29.563010"

    # the chief sees the finding and its rectification order, and publishes the result
    sign_in(page, live_server.url, team["chief"])
    page.get_by_role("link", name="监督检查").first.click()
    page.get_by_role("link", name="松鹤大药房").click()
    expect(page.get_by_test_id("findings")).to_contain_text("检查时执业药师不在岗")
    expect(page.get_by_test_id("findings")).to_contain_text("主要缺陷")
    page.get_by_test_id("order-link").click()
    expect(page.get_by_test_id("order-status")).to_have_text("待整改")
    page.goto(f"{live_server.url}/inspections/publication/")
    page.get_by_role("button", name="公示所选结果").click()
    expect(page.get_by_text("已公示 1 条抽查结果")).to_be_visible()

    # anyone, signed in or not, sees the published result and no inspector's name
    public = page.context.browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{live_server.url}/public/inspections/")
    results = public.get_by_test_id("public-results")
    expect(results).to_contain_text("松鹤大药房")
    expect(results).to_contain_text("发现问题，责令整改")
    expect(results).to_contain_text("待整改")
    expect(results).not_to_contain_text("张检查")
    public.context.close()


def test_answers_typed_without_a_connection_are_kept_and_saved_later(
    phone_page, live_server, team, page_problems
):
    inspection = team["inspection"]
    phone = phone_page
    sign_in(phone, live_server.url, team["inspector"])
    phone.goto(f"{live_server.url}/inspections/{inspection.pk}/record/")
    draft_url = re.compile(rf"/inspections/{inspection.pk}/draft/$")
    phone.route(draft_url, lambda route: route.abort("internetdisconnected"))
    _answer(phone, "1.1", "不符合")
    expect(phone.get_by_test_id("sync-status")).to_contain_text("网络中断", timeout=10_000)
    assert not ItemRecord.objects.filter(inspection=inspection).exists()

    # the page is opened again: what was typed comes back, and is saved once it can be
    phone.unroute(draft_url)
    phone.reload()
    expect(phone.get_by_test_id("sync-status")).to_contain_text("已保存", timeout=10_000)
    first = phone.locator("fieldset.checklist-item", has_text=re.compile(r"^\s*1\.1 "))
    expect(first.get_by_label("不符合", exact=True)).to_be_checked()
    record = ItemRecord.objects.get(inspection=inspection)
    assert (record.item.number, record.result) == ("1.1", "non_compliant")
    assert Inspection.objects.get(pk=inspection.pk).status == InspectionStatus.IN_PROGRESS
    # the browser logs the request this test cut off; that one is expected
    page_problems.items[:] = [p for p in page_problems.items if "INTERNET_DISCONNECTED" not in p]
