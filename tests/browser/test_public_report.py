"""Issue 15's public path: a person reports a pharmacy anonymously from a phone (the page
solves its proof-of-work itself), keeps the receipt number and lookup code; at the bureau
the section chief finds the report on the staff list and matches it to the pharmacy (which
sends it to the pharmacy's station); the station's inspector, on his phone, accepts it,
verifies it (a violation found), hands it on as a case clue and replies; the case officer
sees the clue waiting in the intake inbox; the person looks the report up with the number
and code and reads the outcome. Nowhere on the staff pages is the reporter anyone but 匿名."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import another_phone, field, sign_in
from yaoan.complaints.enums import ComplaintStatus
from yaoan.complaints.models import Complaint
from yaoan.intake.models import IntakeItem
from yaoan.portal.tests.helpers import jpeg_bytes

pytestmark = pytest.mark.browser

CONTENT = "仁济大药房不凭处方销售处方药阿莫西林胶囊，12 月 1 日下午购买，有购药小票。"
FINDINGS = "现场检查发现无处方销售处方药记录 3 条。"
REPLY = "经核查，您举报的问题属实，已转入案件线索依法调查处理。感谢您的举报。"


def reported_from_a_phone(page, base_url: str, artifacts) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The public half: the form, the receipt shown once; returns (number, lookup code)."""
    page.goto(f"{base_url}/public/complaints/")
    expect(page.get_by_test_id("bureau")).to_contain_text("青江区市场监督管理局")
    page.get_by_label("举报", exact=True).check()
    page.get_by_label("药品", exact=True).check()
    field(page, "被投诉举报的单位或店名").fill("仁济大药房")
    field(page, "具体内容").fill(CONTENT)
    page.get_by_label("匿名举报（不留姓名和联系方式）").check()
    page.locator("input[name=attachments]").set_input_files(
        [{"name": "小票.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    expect(page.get_by_test_id("pow-status")).to_have_attribute("data-state", "done")
    page.screenshot(path=artifacts / "portal-report-form.png", full_page=True)
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(re.compile(r"/public/complaints/receipt/$"))
    number = page.get_by_test_id("receipt-number").inner_text()
    code = page.get_by_test_id("lookup-code").inner_text()
    page.screenshot(path=artifacts / "portal-receipt.png", full_page=True)
    page.reload()
    expect(page.get_by_role("heading", name="回执已显示过")).to_be_visible()
    return number, code


def opened_from_the_list(page, base_url: str, number: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base_url}/complaints/")
    page.get_by_test_id("complaint-rows").get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", name=re.compile(number))).to_be_visible()


def expect_anonymous(page) -> None:  # type: ignore[no-untyped-def]
    """The reporter is 匿名 and no personal value (masked, or offered to 显示) is on the page."""
    expect(page.get_by_test_id("complaint-reporter")).to_have_text("匿名")
    expect(page.locator(".pii")).to_have_count(0)


def step(page, label: str) -> None:  # type: ignore[no-untyped-def]
    """Press the workflow button on the complaint and land on its form."""
    page.get_by_test_id("complaint-actions").get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", name=label, exact=True)).to_be_visible()


def done(page, label: str, status: str) -> None:  # type: ignore[no-untyped-def]
    """Submit the step's form; back on the complaint, it says so and shows the new state."""
    page.get_by_test_id("complaint-step").get_by_role("button", name="确定").click()
    expect(page.get_by_text(f"已办理：{label}")).to_be_visible()
    expect(page.get_by_test_id("complaint-status")).to_have_text(status)


def matched_by_the_chief(page, base_url: str, world, number: str, artifacts) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, base_url, world.chief)
    page.goto(f"{base_url}/complaints/")
    row = page.get_by_test_id("complaint-rows").get_by_role("row", name=re.compile(number))
    expect(row).to_contain_text("网上")
    expect(row).to_contain_text("未匹配")
    expect(row).to_contain_text("已登记")
    row.get_by_role("link", name=number).click()
    expect(page.get_by_test_id("complaint-status")).to_have_text("已登记")
    expect(page.get_by_test_id("complaint-entity")).to_contain_text("未匹配")
    expect_anonymous(page)
    page.get_by_test_id("complaint-match").click()
    expect(page.get_by_role("heading", name="匹配监管对象")).to_be_visible()
    # the suggestions are looked up by the name the reporter gave
    suggestions = page.get_by_test_id("entity-suggestions")
    suggestions.get_by_label(re.compile(r"仁济大药房")).check()
    page.screenshot(path=artifacts / "complaint-match.png", full_page=True)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存监管对象匹配")).to_be_visible()
    expect(page.get_by_test_id("complaint-entity")).to_contain_text("仁济大药房")
    expect(page.locator("dd", has_text="江城所")).to_be_visible()  # now the station's


def handled_by_the_inspector(phone, base_url: str, world, number: str, artifacts) -> None:  # type: ignore[no-untyped-def]
    sign_in(phone, base_url, world.inspector)
    opened_from_the_list(phone, base_url, number)
    expect(phone.get_by_test_id("complaint-status")).to_have_text("已登记")
    expect_anonymous(phone)

    step(phone, "受理")
    done(phone, "受理", "已受理（核查中）")

    step(phone, "核查完毕")
    phone.get_by_label("发现违法线索", exact=True).check()
    field(phone, "核查情况").fill(FINDINGS)
    phone.screenshot(path=artifacts / "complaint-verify-phone.png", full_page=True)
    done(phone, "核查完毕", "已核查")
    expect(phone.locator("dd", has_text=FINDINGS)).to_contain_text("发现违法线索")

    step(phone, "转为案件线索")
    field(phone, "线索摘要").fill(FINDINGS)
    done(phone, "转为案件线索", "已转案件线索")
    expect(phone.get_by_role("link", name=re.compile(r"^#\d+$"))).to_be_visible()

    step(phone, "答复")
    field(phone, "答复内容").fill(REPLY)
    field(phone, "答复方式").select_option(label="网上")
    done(phone, "答复", "已答复")
    expect(phone.locator("dd", has_text=REPLY)).to_contain_text("网上")
    expect_anonymous(phone)
    phone.screenshot(path=artifacts / "complaint-replied-phone.png", full_page=True)


def clue_seen_by_the_officer(page, base_url: str, world, number: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()  # the chief's desk, now the case officer's
    sign_in(page, base_url, world.officer)
    page.goto(f"{base_url}/intake/")
    row = page.get_by_test_id("intake-items").get_by_role("row", name=re.compile(f"举报 {number}"))
    expect(row).to_contain_text("案件线索")
    expect(row).to_contain_text("仁济大药房")
    expect(row).to_contain_text("待接收")
    row.get_by_role("link", name=re.compile(r"^#\d+$")).click()
    expect(page.get_by_test_id("intake-status")).to_have_text("待接收")
    expect(page.locator("dd", has_text=FINDINGS)).to_be_visible()
    expect(page.get_by_test_id("intake-receiver")).to_have_text("接收为线索")


def test_an_anonymous_report_from_a_phone_is_followed_to_its_outcome(
    phone_page, page, page_problems, live_server, world, settings, artifacts
):
    settings.PORTAL_POW_MAX_NUMBER = 20_000
    reporter = phone_page
    number, code = reported_from_a_phone(reporter, live_server.url, artifacts)

    matched_by_the_chief(page, live_server.url, world, number, artifacts)
    with another_phone(reporter, page_problems) as inspector_phone:
        handled_by_the_inspector(inspector_phone, live_server.url, world, number, artifacts)

    complaint = Complaint.objects.get(number=number)
    assert complaint.status == ComplaintStatus.REPLIED and complaint.anonymous
    assert complaint.entity == world.pharmacy and complaint.org_unit == world.station
    clue = IntakeItem.objects.get(kind="clue", source_app="complaints", source_id=complaint.pk)
    assert clue.entity == world.pharmacy and clue.summary == complaint.findings == FINDINGS
    assert complaint.clue_item == clue
    clue_seen_by_the_officer(page, live_server.url, world, number)

    reporter.get_by_role("link", name="办理进度查询").first.click()
    field(reporter, "受理编号").fill(number)
    field(reporter, "查询码").fill(code)
    reporter.get_by_role("button", name="查询").click()
    expect(reporter.get_by_test_id("result-number")).to_have_text(number)
    expect(reporter.get_by_test_id("result-status")).to_have_text("已答复")
    expect(reporter.get_by_test_id("result-reply")).to_contain_text("已转入案件线索依法调查处理")
    reporter.screenshot(path=artifacts / "portal-lookup.png", full_page=True)
    assert "甲检查员" not in reporter.content()  # no handler named to the public
