"""Exporting the entity list as a person does it: filter the list (the rows change in
place, without a page load), then 导出当前列表: the file holds exactly the listed rows."""

from __future__ import annotations

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field, sign_in
from yaoan.common.testing import EntityFactory
from yaoan.core.models import AuditEvent

pytestmark = pytest.mark.browser


def test_export_of_a_filtered_list_holds_exactly_the_filtered_rows(
    page, live_server, inspector, subdistrict, tmp_path
):
    EntityFactory(subdistrict=subdistrict, name="仁济大药房")
    EntityFactory(subdistrict=subdistrict, name="松柏诊所", entity_type="clinic")
    EntityFactory(subdistrict=subdistrict, name="青山医疗器械经营部", entity_type="device_dealer")
    sign_in(page, live_server.url, inspector)
    page.get_by_role("link", name="监管对象").click()
    page.wait_for_url(re.compile(r"/registry/entities/$"))
    expect(page.get_by_test_id("result-count")).to_have_text("共 3 个监管对象")

    field(page, "类型").select_option(label="诊所/卫生室")
    expect(page.get_by_test_id("result-count")).to_have_text("共 1 个监管对象")
    with page.expect_download() as info:
        page.get_by_role("link", name="导出当前列表（.xlsx）").click()
    target = tmp_path / "export.xlsx"
    info.value.save_as(target)

    rows = list(openpyxl.load_workbook(target).worksheets[0].iter_rows(values_only=True))
    assert [r[0] for r in rows[2:]] == ["松柏诊所"]
    event = AuditEvent.objects.get(action="registry.entity.exported")
    assert event.after["filter"]["entity_type"] == ["clinic"] and event.after["rows"] == 1
