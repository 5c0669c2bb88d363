"""Issue 15's public path: a person reports a pharmacy anonymously from a phone (the page
solves its proof-of-work itself), keeps the receipt number and lookup code; the station
accepts the report, verifies it and hands it on as a case clue, and replies; the person
looks it up with the number and code and reads the outcome. The staff side is driven
through complaints.services (the staff pages are another branch's work)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field
from yaoan.complaints import services
from yaoan.complaints.enums import Channel, ComplaintStatus
from yaoan.complaints.models import Complaint
from yaoan.intake.models import IntakeItem
from yaoan.portal.tests.helpers import jpeg_bytes

pytestmark = pytest.mark.browser

CONTENT = "仁济大药房不凭处方销售处方药阿莫西林胶囊，12 月 1 日下午购买，有购药小票。"


def handled_by_the_station(number: str, world) -> Complaint:  # type: ignore[no-untyped-def]
    complaint = Complaint.objects.get(number=number)
    complaint = services.match_entity(complaint, actor=world.chief, entity=world.pharmacy)
    complaint = services.accept_complaint(complaint, actor=world.inspector)
    complaint = services.verify_complaint(
        complaint,
        actor=world.inspector,
        findings="现场检查发现无处方销售处方药记录 3 条。",
        violation_found=True,
    )
    complaint = services.send_to_clue(complaint, actor=world.inspector)
    return services.reply_complaint(
        complaint,
        actor=world.inspector,
        text="经核查，您举报的问题属实，已转入案件线索依法调查处理。感谢您的举报。",
        channel=Channel.PORTAL,
    )


def test_an_anonymous_report_from_a_phone_is_followed_to_its_outcome(
    phone_page, live_server, world, settings, artifacts
):
    settings.PORTAL_POW_MAX_NUMBER = 20_000
    page = phone_page
    page.goto(f"{live_server.url}/public/complaints/")
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

    complaint = handled_by_the_station(number, world)
    assert complaint.status == ComplaintStatus.REPLIED and complaint.anonymous
    clue = IntakeItem.objects.get(kind="clue", source_app="complaints", source_id=complaint.pk)
    assert clue.entity == world.pharmacy and clue.summary == complaint.findings

    page.get_by_role("link", name="办理进度查询").first.click()
    field(page, "受理编号").fill(number)
    field(page, "查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("result-number")).to_have_text(number)
    expect(page.get_by_test_id("result-status")).to_have_text("已答复")
    expect(page.get_by_test_id("result-reply")).to_contain_text("已转入案件线索依法调查处理")
    page.screenshot(path=artifacts / "portal-lookup.png", full_page=True)
    assert "甲检查员" not in page.content()  # no handler named to the public
