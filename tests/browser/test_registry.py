"""The entity register as an inspector uses it: register an entity through the form (a
wrong credit code is refused with a reason), find it again by its pinyin initials; and the
same pages on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field, sign_in
from yaoan.common.identifiers import USCC_ALPHABET
from yaoan.common.testing import EntityFactory, make_uscc
from yaoan.registry.models import Entity

pytestmark = pytest.mark.browser


def _mistyped(code: str) -> str:
    """The same code with a wrong check character (as when one character is mistyped)."""
    wrong = USCC_ALPHABET[(USCC_ALPHABET.index(code[-1]) + 1) % len(USCC_ALPHABET)]
    return code[:-1] + wrong


@pytest.fixture
def neighbours(subdistrict):
    """Other entities in the same grid, so that a search has something to leave out."""
    EntityFactory(subdistrict=subdistrict, name="仁济大药房", risk_grade="C", credit_class="B")
    EntityFactory(subdistrict=subdistrict, name="松柏诊所", entity_type="clinic", risk_grade="D")
    EntityFactory(subdistrict=subdistrict, name="青山医疗器械经营部", entity_type="device_dealer")


def test_register_an_entity_then_find_it_by_pinyin_initials(
    page, live_server, inspector, subdistrict, neighbours, artifacts
):
    code = make_uscc()
    sign_in(page, live_server.url, inspector)

    page.get_by_role("link", name="监管对象").click()
    page.wait_for_url(re.compile(r"/registry/entities/$"))
    page.get_by_role("link", name="登记监管对象").click()
    expect(page.get_by_role("heading", name="登记监管对象")).to_be_visible()

    field(page, "名称").fill("青松大药房")
    field(page, "统一社会信用代码").fill(_mistyped(code))
    field(page, "类型").select_option(label="药品零售企业")
    field(page, "所在镇街").select_option(label=subdistrict.name)
    field(page, "地址").fill("青松路18号")
    field(page, "法定代表人/负责人").fill("李青松")
    page.get_by_role("button", name="保存").click()

    # refused, with the reason next to the field, and nothing written
    uscc_field = page.locator(".field.has-error")
    expect(uscc_field).to_contain_text("统一社会信用代码校验位错误")
    expect(uscc_field).to_contain_text(f"第18位应为“{code[-1]}”")
    assert not Entity.objects.filter(name="青松大药房").exists()

    # the person corrects the last character; the rest of the form was kept
    expect(field(page, "名称")).to_have_value("青松大药房")
    field(page, "统一社会信用代码").fill(code.lower())  # typed in lower case: accepted
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("heading", name="青松大药房")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("已登记：青松大药房")
    expect(page.locator("main")).to_contain_text(code)

    # back to the list: four entities, then only the one whose initials were typed
    page.get_by_role("link", name="监管对象").click()
    rows = page.locator("#entity-rows")
    expect(page.get_by_test_id("result-count")).to_have_text("共 4 个监管对象")
    page.screenshot(path=artifacts / "entity-list-desktop.png", full_page=True)

    field(page, "名称/代码/拼音首字母/电话").fill("qsdyf")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("result-count")).to_have_text("共 1 个监管对象")
    expect(rows).to_contain_text("青松大药房")
    expect(rows).to_contain_text(code)
    expect(rows).not_to_contain_text("仁济大药房")
    page.wait_for_url(re.compile(r"[?&]q=qsdyf"))  # in the address: it can be shared or reloaded

    rows.get_by_role("link", name="青松大药房").click()
    expect(page.get_by_role("heading", name="青松大药房")).to_be_visible()


def test_on_a_phone_the_menu_opens_and_entities_are_cards(
    phone_page, live_server, inspector, subdistrict, neighbours, artifacts
):
    page = phone_page
    sign_in(page, live_server.url, inspector)

    entities_link = page.get_by_role("link", name="监管对象")
    expect(entities_link).to_be_hidden()
    page.get_by_label("菜单").click()  # ☰
    expect(entities_link).to_be_visible()
    page.screenshot(path=artifacts / "menu-phone.png")
    entities_link.click()
    page.wait_for_url(re.compile(r"/registry/entities/$"))

    expect(page.get_by_test_id("result-count")).to_have_text("共 3 个监管对象")
    # cards, not a table: no header row, each row a box labelled field by field
    expect(page.locator("#entity-rows thead")).to_be_hidden()
    card = page.locator("#entity-rows tbody tr").filter(has_text="仁济大药房")
    expect(card).to_be_visible()
    box = card.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert box["height"] > 100, box  # the cells are stacked, one line each
    label = (
        card.locator("td")
        .nth(1)
        .evaluate("td => getComputedStyle(td, '::before').getPropertyValue('content')")
    )
    assert label == '"代码"', label
    # nothing sticks out sideways: the page does not scroll horizontally
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    page.screenshot(path=artifacts / "entity-list-phone.png", full_page=True)

    # the search works the same with the phone's keyboard (Enter)
    field(page, "名称/代码/拼音首字母/电话").fill("rjdyf")
    field(page, "名称/代码/拼音首字母/电话").press("Enter")
    expect(page.get_by_test_id("result-count")).to_have_text("共 1 个监管对象")
    expect(page.locator("#entity-rows")).to_contain_text("仁济大药房")
