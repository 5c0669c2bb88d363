"""Excel import as a person does it: download the template, fill it in a spreadsheet
program (openpyxl here), upload it; a bad row means nothing is written, the page says which
row and column is wrong, and the error report downloads as .xlsx. Fixing the row and
uploading again imports every row."""

from __future__ import annotations

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field, sign_in
from yaoan.common.identifiers import USCC_ALPHABET
from yaoan.common.testing import make_uscc
from yaoan.registry.models import Entity

pytestmark = pytest.mark.browser


def _download(page, link_name: str, target):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    download.save_as(target)
    return target


def _wrong_check_character(code: str) -> str:
    return code[:-1] + USCC_ALPHABET[(USCC_ALPHABET.index(code[-1]) + 1) % len(USCC_ALPHABET)]


def _fill(template_path, rows: list[dict[str, str]], target):
    workbook = openpyxl.load_workbook(template_path)
    sheet = workbook["监管对象"]
    headers = {cell.value: cell.column for cell in sheet[1] if cell.value}
    for row_number, values in enumerate(rows, start=2):
        for header, value in values.items():
            cell = sheet.cell(row=row_number, column=headers[header], value=value)
            cell.number_format = "@"  # text, as the template asks for codes and phones
    workbook.save(target)
    return target


def _upload(page, path):
    field(page, "Excel 文件（.xlsx）").set_input_files(path)
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_url(re.compile(r"/registry/entities/import/\d+/$"))
    result = page.get_by_test_id("import-result")  # the page refreshes itself until done
    expect(result).to_be_visible()
    return result


def test_import_with_a_bad_row_writes_nothing_and_reports_the_row(
    page, live_server, inspector, subdistrict, tmp_path, artifacts
):
    good_1, bad, good_2 = make_uscc(), make_uscc(), make_uscc()
    sign_in(page, live_server.url, inspector)
    page.get_by_role("link", name="监管对象").click()
    page.get_by_role("link", name="Excel 导入").click()
    expect(page.get_by_role("heading", name="Excel 导入监管对象")).to_be_visible()

    template = _download(page, "下载导入模板（.xlsx）", tmp_path / "template.xlsx")
    common = {
        "类型": "药品零售企业",
        "所在镇街": subdistrict.name,
        "法定代表人/负责人": "王五",
    }
    rows = [
        {"名称": "青松大药房", "统一社会信用代码": good_1, "地址": "青松路1号", **common},
        {"名称": "白鹤药店", "统一社会信用代码": _wrong_check_character(bad), **common},
        {"名称": "金桥大药房", "统一社会信用代码": good_2, "地址": "金桥路3号", **common},
    ]
    rows[1]["地址"] = "白鹤街2号"
    filled = _fill(template, rows, tmp_path / "entities.xlsx")

    result = _upload(page, filled)
    expect(result).to_contain_text("未导入")
    expect(result).to_contain_text("所有数据均未写入")
    errors = page.get_by_test_id("import-errors")
    expect(errors.locator("tbody tr")).to_have_count(1)
    error_row = errors.locator("tbody tr").first
    expect(error_row.locator("td").nth(0)).to_have_text("3")  # row 1 is the header
    expect(error_row.locator("td").nth(1)).to_have_text("统一社会信用代码")
    expect(error_row.locator("td").nth(2)).to_contain_text(f"第18位应为“{bad[-1]}”")
    page.screenshot(path=artifacts / "import-errors-desktop.png", full_page=True)
    assert not Entity.objects.exists()  # not even the good rows

    report = _download(page, "下载错误报告（.xlsx）", tmp_path / "errors.xlsx")
    workbook = openpyxl.load_workbook(report, read_only=True)
    sheet = workbook["错误清单"]
    lines = [["" if c is None else c for c in line] for line in sheet.iter_rows(values_only=True)]
    header, *problems = lines
    assert header[:3] == ["行号", "列", "错误原因"]
    assert "名称" in header and "统一社会信用代码" in header
    assert len(problems) == 1, problems
    row = dict(zip(header, problems[0], strict=False))
    assert row["行号"] == "3"
    assert row["列"] == "统一社会信用代码"
    assert "校验位错误" in row["错误原因"] and f"第18位应为“{bad[-1]}”" in row["错误原因"]
    # the row as it was in the file, so it can be corrected in the report itself
    assert row["名称"] == "白鹤药店"
    assert row["统一社会信用代码"] == _wrong_check_character(bad)

    # the person corrects the code and uploads again: all three rows go in
    page.get_by_role("link", name="修改后重新导入").click()
    rows[1]["统一社会信用代码"] = bad
    fixed = _fill(template, rows, tmp_path / "entities-fixed.xlsx")
    result = _upload(page, fixed)
    expect(result).to_contain_text("导入成功，共 3 条")
    page.get_by_role("link", name="查看监管对象列表").click()
    expect(page.get_by_test_id("result-count")).to_have_text("共 3 个监管对象")
    expect(page.locator("#entity-rows")).to_contain_text("白鹤药店")
    assert set(Entity.objects.values_list("uscc", flat=True)) == {good_1, bad, good_2}
