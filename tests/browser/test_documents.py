"""Official documents as people use them: the chief opens a rectification order and prints
the 责令改正通知书 (a .docx carrying the business, the inspectors and the 文号); the system
administrator uploads a template with a misspelt placeholder and is told which one."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from tests.browser.helpers import sign_in
from yaoan.common.testing import EntityFactory, OrgUnitFactory, UserFactory, totp_code
from yaoan.core.documents.layout import OfficialDocument
from yaoan.core.enums import OrgUnitKind, Role
from yaoan.inspections import scheduling, services
from yaoan.inspections.enums import InspectionKind, ItemResult

pytestmark = pytest.mark.browser


@pytest.fixture
def order(station, subdistrict, reference_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    chief = UserFactory(
        org_unit=OrgUnitFactory(kind=OrgUnitKind.SECTION), roles=[Role.SECTION_CHIEF]
    )
    inspector = UserFactory(org_unit=station, display_name="张检查")
    partner = UserFactory(org_unit=station, display_name="李检查")
    pharmacy = EntityFactory(subdistrict=subdistrict, name="松鹤大药房")
    inspection = scheduling.schedule_inspection(
        actor=chief,
        entity=pharmacy,
        kind=InspectionKind.PLANNED,
        scheduled_for=timezone.localdate(),
        inspectors=[inspector, partner],
    )
    records = {
        item.pk: (ItemResult.NON_COMPLIANT, "执业药师不在岗")
        if item.number == "2.1"
        else (ItemResult.COMPLIANT, "")
        for item in inspection.checklist.items.all()
    }
    services.save_draft(actor=inspector, inspection=inspection, records=records)
    inspection = services.submit_inspection(
        actor=inspector, inspection=inspection, co_inspector=partner, co_code=totp_code(partner)
    )
    return {"chief": chief, "order": inspection.rectification, "pharmacy": pharmacy}


def test_chief_prints_the_rectification_notice(page, live_server, order, artifacts):
    rectification = order["order"]
    sign_in(page, live_server.url, order["chief"])
    page.goto(f"{live_server.url}{rectification.get_absolute_url()}")
    with page.expect_download() as download_info:
        page.get_by_test_id("print-notice").click()
    download = download_info.value
    assert download.suggested_filename == f"责令改正通知书{rectification.number}.docx"
    saved = Path(download.path()).read_bytes()
    lines = [p.text for p in Document(io.BytesIO(saved)).paragraphs]
    assert lines[:3] == ["责令改正通知书", rectification.number, "松鹤大药房："]
    text = "\n".join(lines)
    assert order["pharmacy"].uscc in text and "张检查（执法证号：未登记）" in text
    assert "执业药师不在岗" in text
    page.reload()
    expect(page.get_by_test_id("documents")).to_contain_text(rectification.number)
    page.screenshot(path=str(artifacts / "rectification_printed.png"), full_page=True)


def test_administrator_is_told_which_placeholder_fails(page, live_server, reference_data):
    admin = UserFactory(org_unit=OrgUnitFactory(), roles=[Role.SYSTEM_ADMIN])
    sign_in(page, live_server.url, admin)
    page.get_by_role("link", name="文书模板").click()
    page.get_by_role("row", name=re.compile("责令改正通知书")).get_by_role("link").click()
    expect(page.get_by_test_id("template-state")).to_contain_text("默认模板")
    bad = OfficialDocument()
    bad.paragraph("{{ entity_nam }}")
    page.get_by_label(re.compile("模板文件")).set_input_files(
        {"name": "坏模板.docx", "mimeType": "application/octet-stream", "buffer": bad.to_bytes()}
    )
    page.get_by_role("button", name="校验并启用").click()
    expect(page.get_by_text(re.compile("模板中的占位符 entity_nam 无法渲染"))).to_be_visible()
    expect(page.get_by_test_id("template-state")).to_contain_text("默认模板")
