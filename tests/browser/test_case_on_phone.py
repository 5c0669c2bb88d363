"""A case officer on site with a phone: opens the case from the dashboard, photographs the
goods into the evidence list (the file checked and digested), records the goods seized and
where they are kept, and the case page fits the phone's width (no sideways scrolling)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.helpers import field, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (180, 90, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_evidence_and_seized_goods_recorded_on_a_phone(
    phone_page: Any, live_server: Any, world: Any
) -> None:
    from yaoan.cases import services
    from yaoan.cases.models import Evidence, SeizedItem
    from yaoan.cases.tests.ui_helpers import opened

    case = services.approve_filing(opened(world), actor=world.chief, note="同意立案")
    phone = phone_page
    sign_in(phone, live_server.url, world.officer)
    phone.get_by_test_id("cases-mine").get_by_role("link", name=case.number).click()
    expect(phone.get_by_test_id("case-status")).to_have_text("调查取证")
    assert _fits(phone)

    phone.get_by_test_id("evidence-add").click()
    field(phone, "证据种类").select_option(label="现场照片")
    field(phone, "证据名称").fill("货架上的涉案注射剂")
    field(phone, "文件").set_input_files(
        {"name": "货架.png", "mimeType": "image/png", "buffer": _png()}
    )
    field(phone, "取证地点").fill("仁济大药房")
    assert _fits(phone)
    phone.get_by_role("button", name="确定").click()
    phone.wait_for_url(re.compile(rf"/cases/{case.pk}/"))
    evidence = phone.get_by_test_id("case-evidence")
    expect(evidence).to_contain_text("货架上的涉案注射剂")
    expect(evidence).to_contain_text("SM3")

    phone.get_by_test_id("seized-add").click()
    field(phone, "措施").select_option(label="扣押")
    field(phone, "物品名称").fill("头孢曲松钠注射剂")
    field(phone, "数量").fill("24")
    field(phone, "计量单位").fill("支")
    field(phone, "存放地点").fill("区局涉案物品保管室A柜")
    phone.get_by_role("button", name="确定").click()
    expect(phone.get_by_test_id("case-seized")).to_contain_text("区局涉案物品保管室A柜")
    assert _fits(phone)

    stored = Evidence.objects.get()
    assert stored.attachment is not None and len(stored.attachment.sm3) == 64
    assert SeizedItem.objects.get().location == "区局涉案物品保管室A柜"
