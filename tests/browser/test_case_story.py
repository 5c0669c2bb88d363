"""An enforcement case as the people involved live it, through the pages (issue 16):

a clue the chief sent for a case waits in the case officer's inbox; the officer opens the
case from it on the phone and the chief approves 立案; on site the officer uploads a photo
of the shelf as evidence (SM3 shown); the investigation ends, the chief reviews it and the
legal reviewer passes it; the officer saves the discretion (the baseline's suggestion), prints
the 行政处罚告知书 and records it served — served ten days back, so the 陈述申辩 period has
run (the case page shows its end date); the chief decides; the officer issues the 三书同达
set (决定书, 信用修复告知书, 合规提醒告知书) and records it delivered with the signed
回证; the officer publishes the penalty and the public portal shows it; the fine is paid and
the chief closes the case.

Driven through services, because it is not what this story is about: the clue's own
history before 移送立案 (its pages are tested in clues)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from tests.browser.helpers import another_phone, field, sign_in
from yaoan.cases.enums import CaseStatus
from yaoan.cases.models import Case, Violation
from yaoan.clues import services as clue_services
from yaoan.clues.enums import ClueSource
from yaoan.common.testing import EntityFactory, OrgUnitFactory, UserFactory
from yaoan.core.enums import OrgUnitKind, Role

pytestmark = pytest.mark.browser

# an 8×8 PNG: the shelf photo (the attachment layer checks the type by its content)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000080000000808020000004b6d29dc0000001449444154789c63"
    "3c2127c7800d3061151db41200d0ca01143e63a8990000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def district(station, subdistrict, reference_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    bureau = OrgUnitFactory(kind=OrgUnitKind.BUREAU, name="青江区市场监督管理局")
    section = OrgUnitFactory(kind=OrgUnitKind.SECTION, parent=bureau, name="药品安全监管股")
    team = OrgUnitFactory(kind=OrgUnitKind.ENFORCEMENT_TEAM, parent=bureau, name="执法支队")
    people = {
        "chief": UserFactory(org_unit=section, roles=[Role.SECTION_CHIEF], display_name="张股长"),
        "officer": UserFactory(org_unit=team, roles=[Role.CASE_OFFICER], display_name="赵执法"),
        "co": UserFactory(org_unit=team, roles=[Role.CASE_OFFICER], display_name="钱执法"),
        "reviewer": UserFactory(
            org_unit=section, roles=[Role.LEGAL_REVIEWER], display_name="孙法制"
        ),
    }
    pharmacy = EntityFactory(subdistrict=subdistrict, name="松鹤大药房")
    clue = clue_services.register_clue(
        actor=people["chief"],
        source=ClueSource.AGENCY_TRANSFER,
        source_label="区卫健委移送函",
        summary="松鹤大药房销售超过有效期的阿莫西林胶囊。",
        entity=pharmacy,
    )
    clue = clue_services.assign_clue(clue, actor=people["chief"], assignee=people["officer"])
    clue = clue_services.verify_clue(
        clue, actor=people["officer"], findings="现场查见过期药品12盒在售。", violation_found=True
    )
    clue = clue_services.file_for_case(clue, actor=people["chief"], note="建议立案")
    return {**people, "pharmacy": pharmacy, "clue": clue}


def take_step(page: Any, base: str, case: Case, action: str, **fields: str) -> None:
    """The step's button on the case page, its form filled by label, 确定."""
    page.goto(f"{base}{case.get_absolute_url()}")
    page.get_by_test_id(f"action-{action}").click()
    for label, value in fields.items():
        control = field(page, label)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)
    page.get_by_role("button", name="确定").click()
    page.wait_for_url(re.compile(rf"{case.get_absolute_url()}$"))


def status_is(page: Any, status: CaseStatus) -> None:
    expect(page.get_by_test_id("case-status").first).to_have_text(str(status.label))


def download(page: Any, trigger: Any) -> bytes:
    with page.expect_download() as info:
        trigger.click()
    return Path(info.value.path()).read_bytes()


def test_a_clue_becomes_a_case_that_is_decided_published_and_closed(
    page, phone_page, page_problems, live_server, district, artifacts
):
    base, officer, chief = live_server.url, district["officer"], district["chief"]

    # the officer, on the phone: the clue waits in the inbox; the case is opened from it
    sign_in(phone_page, base, officer)
    phone_page.goto(f"{base}/cases/clues/")
    phone_page.get_by_test_id(f"open-from-clue-{district['clue'].pk}").click()
    field(phone_page, "协办执法人员").select_option(value=str(district["co"].pk))
    field(phone_page, "产品类别").select_option(label="药品")
    phone_page.get_by_role("button", name="提交").click()
    phone_page.wait_for_url(re.compile(r"/cases/\d+/$"))
    case = Case.objects.get(clue=district["clue"])
    status_is(phone_page, CaseStatus.PENDING_FILING)

    sign_in(page, base, chief)  # the chief at the desk
    take_step(page, base, case, "approve_filing", 审批意见="符合立案条件，同意立案。")
    status_is(page, CaseStatus.INVESTIGATING)

    # on site: the shelf photographed and uploaded as evidence
    phone_page.goto(f"{base}{case.get_absolute_url()}")
    phone_page.get_by_test_id("evidence-add").click()
    field(phone_page, "证据种类").select_option(label="现场照片")
    field(phone_page, "证据名称").fill("货架陈列过期药品照片")
    field(phone_page, "文件").set_input_files(
        {"name": "shelf.png", "mimeType": "image/png", "buffer": PNG}
    )
    phone_page.get_by_role("button", name="确定").click()
    phone_page.wait_for_url(re.compile(rf"{case.get_absolute_url()}#evidence$"))
    expect(phone_page.get_by_test_id("case-evidence")).to_contain_text("货架陈列过期药品照片")
    expect(phone_page.get_by_test_id("case-evidence")).to_contain_text("SM3")
    phone_page.screenshot(path=str(artifacts / "case_evidence_phone.png"), full_page=True)

    take_step(
        phone_page, base, case, "finish_investigation",
        调查终结报告="当事人未遵守药品经营质量管理规范，过期药品12盒未下架，逾期未改正。",
        处理建议="依据《药品管理法》第一百二十六条给予警告并处罚款。",
    )  # fmt: skip
    take_step(page, base, case, "review", 审核意见="事实清楚，同意处理建议。")
    with another_phone(page, page_problems) as reviewer_page:
        sign_in(reviewer_page, base, district["reviewer"])
        take_step(
            reviewer_page, base, case, "legal_review", 法制审核意见="证据确实充分，适用依据正确。"
        )
        status_is(reviewer_page, CaseStatus.PENDING_NOTICE)

    # the discretion: the baseline's suggestion, and the officer's proposal within it
    assess(phone_page, base, case)

    # the notice printed and served ten days back: the statement period has run
    phone_page.goto(f"{base}/cases/{case.pk}/documents/")
    notice = download(phone_page, phone_page.get_by_test_id("print-cases.penalty_notice"))
    assert "行政处罚告知书" in "\n".join(p.text for p in Document(io.BytesIO(notice)).paragraphs)
    served = timezone.localdate() - dt.timedelta(days=10)
    take_step(phone_page, base, case, "serve_notice", 告知书送达日期=served.isoformat())
    expect(phone_page.get_by_test_id("case-notice")).to_contain_text("陈述申辩期限至")

    take_step(
        page, base, case, "decide", 处理决定="给予行政处罚",
        决定内容="警告，并处罚款人民币三十万元。", **{"罚没款合计（元）": "300000"},
    )  # fmt: skip
    status_is(page, CaseStatus.DECIDED)

    # 三书同达: the decision and the two notices, served together with the signed 回证
    phone_page.goto(f"{base}/cases/{case.pk}/documents/")
    phone_page.get_by_test_id("decision-set").click()
    expect(phone_page.get_by_test_id("case-deliveries")).to_contain_text("三书同达")
    phone_page.get_by_test_id("delivery-record").first.click()
    expect(phone_page.get_by_test_id("delivery-documents")).to_contain_text("行政处罚决定书")
    expect(phone_page.get_by_test_id("delivery-documents")).to_contain_text("信用修复告知书")
    expect(phone_page.get_by_test_id("delivery-documents")).to_contain_text("合规提醒")
    field(phone_page, "送达日期").fill(timezone.localdate().isoformat())
    field(phone_page, "签收人").fill("店长")
    field(phone_page, "签收的送达回证或电子送达确认").set_input_files(
        {"name": "receipt.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    phone_page.get_by_role("button", name="确定").click()
    phone_page.goto(f"{base}{case.get_absolute_url()}")
    status_is(phone_page, CaseStatus.DELIVERED)

    # published: the public portal shows the penalty, without anyone's private data
    publish(phone_page, base, case)
    public = page.context.browser.new_context(locale="zh-CN")
    try:
        visitor = public.new_page()
        visitor.goto(f"{base}/public/penalties/")
        expect(visitor.locator("main")).to_contain_text("松鹤大药房")
        expect(visitor.locator("main")).not_to_contain_text("赵执法")
    finally:
        public.close()

    take_step(phone_page, base, case, "record_execution", 执行方式="罚没款已缴纳",
              执行情况="罚没款已全额缴入国库。")  # fmt: skip
    take_step(page, base, case, "close_case", 审批意见="执行完毕，同意结案。")
    status_is(page, CaseStatus.CLOSED)
    page.screenshot(path=str(artifacts / "case_closed.png"), full_page=True)


def assess(page: Any, base: str, case: Case) -> None:
    """The assessment page: the violation picked (药品管理法 第一百二十六条), the baseline's
    suggestion computed — it prefills the proposal — and the proposal saved as suggested."""
    page.goto(f"{base}/cases/{case.pk}/assessment/")
    gsp = Violation.objects.get(code="drug.gsp")
    field(page, "违法行为").select_option(value=str(gsp.pk))
    page.get_by_test_id("suggest").click()
    expect(page.get_by_test_id("preview")).to_contain_text("300000")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("assessment")).to_be_visible()
    expect(page.get_by_test_id("departure")).to_have_count(0)


def publish(page: Any, base: str, case: Case) -> None:
    """The staff's publication list: the case's summary prepared from the case, the 决定书's
    文号 and the legal basis added, published."""
    page.goto(f"{base}/cases/publication/")
    page.get_by_test_id("publication-due").get_by_role("button").first.click()
    decision = case.document_deliveries.get(is_decision_set=True).documents.get(
        kind="cases.penalty_decision"
    )
    field(page, "行政处罚决定书文号").fill(decision.number)
    field(page, "处罚依据").fill("《中华人民共和国药品管理法》第一百二十六条")
    page.get_by_test_id("publication-publish").click()
    expect(page.get_by_test_id("publication-status")).to_have_text("已公示")
