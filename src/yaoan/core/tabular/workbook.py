"""The files of an import: the template to fill in (dropdowns for choices, identifier
columns formatted as text with a note, a sheet of instructions) and the error report.

The file format is fixed in Chinese (headers, labels, sheet names) whatever language the
user reads the site in, so a template downloaded by anyone imports for everyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from yaoan.common import xlsx
from yaoan.core.models import User
from yaoan.core.tabular.columns import TYPE_HINTS, Column, ColumnType
from yaoan.core.tabular.spec import ImportMode, ImportSpec, ParsedRow, RowError


def identifier_note() -> str:
    return _(
        "此列按文本读取：请保持文本格式，勿改为数字格式；粘贴时请选择“只粘贴值”。"
        "以数字格式保存的长代码会被 Excel 改写（如 9.15E+17），系统将拒绝该行。"
    )


def build_template(spec: ImportSpec, actor: User) -> IO[bytes]:
    with translation.override(settings.LANGUAGE_CODE):
        context = spec.context(actor)
        workbook = Workbook()
        data = workbook.active
        assert isinstance(data, Worksheet)
        data.title = str(spec.sheet_name)
        _write_header(spec, data)
        _write_help(spec, workbook.create_sheet(_("填写说明")), context)
        options = workbook.create_sheet(_("选项"))
        options.sheet_state = "hidden"
        _add_validations(spec, data, options, context)
        return xlsx.save_to_temp(workbook)


def _write_header(spec: ImportSpec, sheet: Worksheet) -> None:
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=str(column.header))
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, 2.2 * len(str(column.header)))
        if column.is_identifier:
            sheet.column_dimensions[letter].number_format = xlsx.TEXT_FORMAT
            sheet.column_dimensions[letter].width = 24
            cell.comment = Comment(identifier_note(), "yaoan")
        elif column.help_text:
            cell.comment = Comment(str(column.help_text), "yaoan")
    sheet.freeze_panes = "A2"


def _add_validations(spec: ImportSpec, data: Worksheet, options: Worksheet, context: Any) -> None:
    last = spec.max_rows + 1
    listed = [c for c in spec.columns if c.has_dropdown]
    for list_index, column in enumerate(listed, start=1):
        labels = column.dropdown(context) or ["—"]
        letter = get_column_letter(list_index)
        options.cell(row=1, column=list_index, value=str(column.header))
        for row, label in enumerate(labels, start=2):
            options.cell(row=row, column=list_index, value=label)
        validation = DataValidation(
            type="list",
            formula1=f"'{options.title}'!${letter}$2:${letter}${len(labels) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("无效的值"),
            error=_("请从下拉列表中选择。"),
        )
        target = get_column_letter(spec.columns.index(column) + 1)
        validation.add(f"{target}2:{target}{last}")
        data.add_data_validation(validation)
    for index, column in enumerate(spec.columns, start=1):
        if column.type is ColumnType.TEXT and column.max_length and not column.has_dropdown:
            _add_length_validation(data, column, get_column_letter(index), last)


def _add_length_validation(data: Worksheet, column: Column, letter: str, last: int) -> None:
    validation = DataValidation(
        type="textLength",
        operator="lessThanOrEqual",
        formula1=str(column.max_length),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("内容过长"),
        error=_("最多 %(n)s 个字。") % {"n": column.max_length},
    )
    validation.add(f"{letter}2:{letter}{last}")
    data.add_data_validation(validation)


def column_rule(column: Column) -> str:
    """How a person fills the column in, in words (the template and the upload page)."""
    parts = [str(TYPE_HINTS[column.type]) if not column.options else _("从下拉列表中选择")]
    if column.max_length and column.type in (ColumnType.TEXT, ColumnType.IDENTIFIER):
        parts.append(_("最多 %(n)s 个字") % {"n": column.max_length})
    if column.unique:
        parts.append(_("同一文件中不得重复"))
    if column.help_text:
        parts.append(str(column.help_text))
    return "；".join(parts)


def _general_help(spec: ImportSpec) -> Iterator[str]:
    yield _("%(title)s导入模板 · 填写说明") % {"title": str(spec.title)}
    yield _(
        "1. 在“%(sheet)s”工作表第 2 行起每行填写一条，第 1 行列标题请勿修改；"
        "红色列标题为必填项。列的顺序可以调整；其他列（%(ignored)s除外）会被拒绝。"
    ) % {
        "sheet": str(spec.sheet_name),
        "ignored": "、".join(f"“{h}”" for h in sorted(spec.ignored_headers)),
    }
    yield _(
        "2. 代码类的列（如统一社会信用代码）按文本读取：模板中已设为文本格式；"
        "以数字格式保存的长代码会被 Excel 改写为 9.15E+17 之类，系统将拒绝该行。"
    )
    yield _("3. 上传时可选择导入方式：") + "；".join(str(label) for label in ImportMode.labels)
    yield _("4. 有错误时系统给出错误报告（行号、列、原因、原值），可下载为 .xlsx。")
    yield _("5. 单个文件最多 %(rows)s 行，文件大小不超过 %(mb)s MB。") % {
        "rows": spec.max_rows,
        "mb": settings.UPLOAD_MAX_MB,
    }


def _write_help(spec: ImportSpec, sheet: Worksheet, context: Any) -> None:
    for line in (*_general_help(spec), *spec.help_lines()):
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append([_("列"), _("必填"), _("填写要求")])
    for column in spec.columns:
        required = _("是") if column.required else ""
        sheet.append([str(column.header), required, column_rule(column)])
    example = spec.example(context)
    if example:
        sheet.append([])
        sheet.append([_("示例（仅供参考）：")])
        sheet.append([str(c.header) for c in spec.columns])
        sheet.append([example.get(c.key, "") for c in spec.columns])
        for index, column in enumerate(spec.columns, start=1):
            if column.is_identifier:
                sheet.cell(row=sheet.max_row, column=index).number_format = xlsx.TEXT_FORMAT
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["C"].width = 60


# --- the error report ------------------------------------------------------------------


def error_report(spec: ImportSpec, rows: Iterable[ParsedRow], errors: list[RowError]) -> Workbook:
    """行号, 列, 错误原因, 原值, then the row's cells as they were in the file."""
    workbook = xlsx.new_workbook(creator="yaoan", title=_("导入错误报告"))
    sheet = workbook.create_sheet(_("错误清单"))
    keys = [c.key for c in spec.columns]
    xlsx.text_row(
        sheet,
        [_("行号"), _("列"), _("错误原因"), _("原值"), *(str(c.header) for c in spec.columns)],
        bold=True,
    )
    raw_by_row = {row.number: row.raw for row in rows}
    for error in sorted(errors, key=lambda e: e.row or 0):
        raw = raw_by_row.get(error.row or 0, {})
        row_label = str(error.row) if error.row else "—"
        cells = [
            row_label,
            error.column,
            error.reason,
            error.value,
            *(raw.get(k, "") for k in keys),
        ]
        xlsx.text_row(sheet, cells)
    return workbook
