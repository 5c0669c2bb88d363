"""The tabular layer on its own: cells read by their column's type, headers matched,
the template's validations, both import modes over a spec whose row handler writes audit
rows, the error report parsed back, and the export writer (S24, S25)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from yaoan.core import audit
from yaoan.core.enums import OrgUnitKind
from yaoan.core.jobs import create_job
from yaoan.core.models import AuditEvent, BackgroundJob, User
from yaoan.core.tabular.columns import (
    CellProblem,
    Column,
    ColumnType,
    choice_pairs,
    model_column,
    parse_cell,
)
from yaoan.core.tabular.export import ExportColumn, export_table
from yaoan.core.tabular.reader import match_headers
from yaoan.core.tabular.runner import run_import
from yaoan.core.tabular.spec import ImportMode, ImportSpec, ImportUrls
from yaoan.core.tabular.workbook import build_template

WRITTEN = "tests.tabular.row_written"


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


def write_row(context: User, data: dict[str, Any]) -> None:
    """A stand-in service: refuses a negative count, else writes one audit row."""
    if data["count"] is not None and data["count"] < 0:
        raise ValidationError({"count": "数量不能为负数"})
    audit.record(WRITTEN, actor=context, after={"code": data["code"]})


SPEC = ImportSpec(
    kind="tests.tabular_import",
    path="yaoan.core.tests.test_tabular.SPEC",
    title="测试",
    sheet_name="测试",
    columns=(
        Column("code", "统一社会信用代码", ColumnType.IDENTIFIER, required=True, unique=True),
        Column("name", "名称", required=True, aliases=("单位名称",), max_length=20),
        Column("kind", "类别", ColumnType.CHOICE, choices=choice_pairs(OrgUnitKind)),
        Column("count", "数量", ColumnType.INT),
        Column("amount", "金额", ColumnType.DECIMAL),
        Column("day", "日期", ColumnType.DATE),
        Column("flag", "是否重点", ColumnType.BOOL),
    ),
    context=lambda user: user,
    write_row=write_row,
    may_import=lambda user: True,
    denied_action="tests.denied",
    urls=ImportUrls("x", "x", "x", "x", "x"),
)
CODE, NAME, KIND, COUNT, AMOUNT, DAY, FLAG = SPEC.columns


def test_cells_are_read_by_their_column_type():
    assert parse_cell(COUNT, "1,200", None) == 1200
    assert parse_cell(COUNT, 12.0, None) == 12
    assert parse_cell(AMOUNT, "12.50", None) == Decimal("12.50")
    assert parse_cell(DAY, dt.datetime(2026, 1, 31), None) == dt.date(2026, 1, 31)
    assert parse_cell(DAY, "2026年1月31日", None) == dt.date(2026, 1, 31)
    assert parse_cell(DAY, "2026/01/31", None) == dt.date(2026, 1, 31)
    assert parse_cell(FLAG, "是", None) is True
    assert parse_cell(FLAG, None, None) is False
    assert parse_cell(KIND, "市场监管所", None) == OrgUnitKind.STATION
    assert parse_cell(KIND, "station", None) == OrgUnitKind.STATION
    assert parse_cell(COUNT, "", None) is None
    with pytest.raises(CellProblem, match="应填写整数，实际为“十二”"):
        parse_cell(COUNT, "十二", None)
    with pytest.raises(CellProblem, match="应填写日期（如 2026-01-31），实际为“2026-02-30”"):
        parse_cell(DAY, "2026-02-30", None)
    with pytest.raises(CellProblem, match="“分局”不是可选的类别"):
        parse_cell(KIND, "分局", None)
    with pytest.raises(CellProblem, match="必填项，不能为空"):
        parse_cell(NAME, "  ", None)


def test_identifier_is_read_as_text_and_a_number_cell_is_refused():
    assert parse_cell(CODE, "９１５００１１１２３４５６７８９０１", None) == "915001112345678901"
    assert parse_cell(CODE, " 915001112345678901 ", None) == "915001112345678901"
    with pytest.raises(CellProblem, match="文本格式"):
        parse_cell(CODE, 915001112345678901, None)  # an 18-digit number typed into a cell
    with pytest.raises(CellProblem, match="文本格式"):
        parse_cell(CODE, 9.15001112345679e17, None)


def test_headers_match_in_any_order_by_alias_and_mismatches_are_named():
    positions, errors = match_headers(SPEC, ("金额", "单位名称 *", "统一社会信用代码"))
    assert errors == []
    assert {i: c.key for i, c in positions.items()} == {0: "amount", 1: "name", 2: "code"}
    _positions, errors = match_headers(SPEC, ("序号", "名称", "电话号码", "名称", None, "备注"))
    assert [(e.row, e.column, e.reason) for e in errors] == [
        (1, "电话号码", "无法识别的列：电话号码"),
        (1, "名称", "列重复出现：名称"),
        (1, "统一社会信用代码", "缺少必填列：统一社会信用代码"),
    ]


def test_model_column_takes_header_length_choices_and_default_from_the_field():
    status = model_column(BackgroundJob, "status")
    assert (status.header, status.type, status.required) == ("状态", ColumnType.CHOICE, False)
    assert status.default == "queued" and ("failed", "未通过") in status.choices
    name = model_column(BackgroundJob, "input_name")
    assert (name.type, name.max_length, name.required) == (ColumnType.TEXT, 200, False)
    done = model_column(BackgroundJob, "progress_done", required=True)
    assert (done.type, done.required) == (ColumnType.INT, True)


def test_template_has_dropdowns_text_identifier_column_and_length_limit(inspector):
    workbook = openpyxl.load_workbook(build_template(SPEC, inspector))
    assert workbook.sheetnames == ["测试", "填写说明", "选项"]
    sheet = workbook["测试"]
    assert [c.value for c in sheet[1]] == [str(c.header) for c in SPEC.columns]
    assert sheet.column_dimensions["A"].number_format == "@"
    assert "按文本读取" in sheet["A1"].comment.text
    by_type = {dv.type: dv for dv in sheet.data_validations.dataValidation if dv.type != "list"}
    lists = {
        str(dv.sqref): dv.formula1
        for dv in sheet.data_validations.dataValidation
        if dv.type == "list"
    }
    last = len(OrgUnitKind.values) + 1
    assert lists == {"C2:C10001": f"'选项'!$A$2:$A${last}", "G2:G10001": "'选项'!$B$2:$B$3"}
    assert [c.value for c in workbook["选项"]["A"]] == ["类别", *OrgUnitKind.labels]
    assert (str(by_type["textLength"].sqref), by_type["textLength"].formula1) == ("B2:B10001", "20")
    help_rows = list(workbook["填写说明"].values)
    assert (
        "统一社会信用代码",
        "是",
        "文本格式的代码（勿用数字格式）；同一文件中不得重复",
    ) in help_rows
    assert ("名称", "是", "文本；最多 20 个字") in help_rows


def sheet_bytes(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run(user: User, rows: list[list[Any]], mode: ImportMode) -> BackgroundJob:
    content = sheet_bytes(rows)
    job = create_job(
        actor=user, kind=SPEC.kind, input_name="t.xlsx", content=content, options={"mode": mode}
    )
    run_import(SPEC, BackgroundJob.objects.select_related("created_by").get(pk=job.pk))
    job.refresh_from_db()
    return job


ROWS = [
    ["统一社会信用代码", "名称", "数量"],
    ["A1", "甲", "1"],
    ["A2", "乙", "-5"],  # refused by the service
    ["A3", "丙", "三"],  # not a number
    ["A1", "丁", "2"],  # the code of row 2 again
    ["A5", "戊", None],
]


def report_rows(job: BackgroundJob) -> list[tuple[Any, ...]]:
    workbook = openpyxl.load_workbook(job.output_path)
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def test_all_or_nothing_writes_nothing_and_reports_every_bad_row(inspector):
    job = run(inspector, ROWS, ImportMode.ALL_OR_NOTHING)
    assert not AuditEvent.objects.filter(action=WRITTEN).exists()
    assert job.status == BackgroundJob.Status.FAILED
    assert job.message == "未导入：发现 3 处错误，所有数据均未写入"
    assert job.result["written"] == 0 and job.result["error_rows"] == 3
    assert report_rows(job) == [
        ("行号", "列", "错误原因", "原值", *(str(c.header) for c in SPEC.columns)),
        ("3", "数量", "数量不能为负数", "-5", "A2", "乙", None, "-5", None, None, None),
        ("4", "数量", "应填写整数，实际为“三”", "三", "A3", "丙", None, "三", None, None, None),
        ("5", "统一社会信用代码", "与第 2 行的统一社会信用代码重复", "A1", "A1", "丁", None, "2")
        + (None,) * 3,
    ]
    finished = AuditEvent.objects.get(action="tests.tabular_import.finished")
    assert finished.after["mode"] == "all" and finished.after["error_count"] == 3


def test_valid_rows_mode_writes_the_good_rows_and_reports_the_bad(inspector):
    job = run(inspector, ROWS, ImportMode.VALID_ROWS)
    written = AuditEvent.objects.filter(action=WRITTEN).order_by("pk")
    assert [e.after["code"] for e in written] == ["A1", "A5"]
    assert job.status == BackgroundJob.Status.SUCCEEDED
    assert job.message == (
        "已导入 2 条；3 行有错误未导入（共 3 处错误），请下载错误报告，修改后只导入这些行"
    )
    assert [(e["row"], e["column"]) for e in job.result["errors"]] == [
        (3, "数量"),
        (4, "数量"),
        (5, "统一社会信用代码"),
    ]
    assert [r[0] for r in report_rows(job)[1:]] == ["3", "4", "5"]


def test_a_header_mismatch_writes_nothing_in_either_mode(inspector):
    rows = [["名称", "数目"], ["甲", "1"]]
    for mode in ImportMode:
        job = run(inspector, rows, mode)
        assert job.status == BackgroundJob.Status.FAILED
        assert [(e["column"], e["reason"]) for e in job.result["errors"]] == [
            ("数目", "无法识别的列：数目"),
            ("统一社会信用代码", "缺少必填列：统一社会信用代码"),
        ]
    assert not AuditEvent.objects.filter(action=WRITTEN).exists()


class Person:
    def __init__(self, name: str, code: str, phone: str):
        self.name, self.code, self.phone = name, code, phone


PEOPLE_COLUMNS = [
    ExportColumn("姓名", lambda p: p.name),
    ExportColumn("代码", lambda p: p.code, identifier=True),
    ExportColumn("电话", lambda p: p.phone, personal="phone", mask=lambda v: v[:3] + "****"),
]


def export(user: User, masked: bool) -> openpyxl.Workbook:
    handle = export_table(
        actor=user,
        action="tests.people.exported",
        object_type="tests.person",
        rows=iter([Person("=1+1", "110105194912310029", "13812345678")]),
        columns=lambda: PEOPLE_COLUMNS,
        title="人员",
        sheet_name="人员",
        filters={"q": ["张"]},
        masked=masked,
    )
    return openpyxl.load_workbook(handle)


def test_export_masks_by_default_names_exporter_and_is_audited(inspector):
    sheet = export(inspector, masked=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert (
        inspector.username in rows[0][0] and "导出时间" in rows[0][0] and "电话已脱敏" in rows[0][0]
    )
    assert rows[1:] == [("姓名", "代码", "电话"), ("=1+1", "110105194912310029", "138****")]
    assert (sheet["B3"].data_type, sheet["B3"].number_format) == ("s", "@")
    assert sheet["A3"].data_type == "s"  # never a formula
    event = AuditEvent.objects.get(action="tests.people.exported")
    assert event.after == {"filter": {"q": ["张"]}, "rows": 1, "masked": ["phone"]}


def test_unmasked_export_says_so_in_the_file_and_the_audit_row(inspector):
    rows = list(export(inspector, masked=False).worksheets[0].iter_rows(values_only=True))
    assert rows[2][2] == "13812345678" and "电话未脱敏" in rows[0][0]
    event = AuditEvent.objects.get(action="tests.people.exported")
    assert event.after["unmasked"] == ["phone"]
