"""Reading an upload: the header row matched to the spec's columns (in any order, by
header or alias), then every data row parsed cell by cell, with every problem found."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from yaoan.common import xlsx
from yaoan.core.tabular.columns import CellProblem, Column, parse_cell
from yaoan.core.tabular.spec import MAX_COLUMNS, ImportSpec, ParsedRow, RowError

PROGRESS_EVERY = 100
Progress = Callable[[int, int], None]


def clean_header(value: Any) -> str:
    """A header as compared: no spaces, no required-marks (*), full-width folded."""
    text = xlsx.cell_text(value).replace("*", "").replace("＊", "")
    return xlsx.normalise_code(text)


def match_headers(
    spec: ImportSpec, values: tuple[Any, ...]
) -> tuple[dict[int, Column], list[RowError]]:
    """Column positions by header; unknown, repeated and missing required columns are
    file errors, each named ("缺少必填列：统一社会信用代码")."""
    by_name: dict[str, Column] = {}
    for column in spec.columns:
        for name in (column.header, *column.aliases):
            by_name[clean_header(name)] = column
    positions: dict[int, Column] = {}
    errors: list[RowError] = []
    for index, value in enumerate(values):
        if xlsx.is_blank(value) or clean_header(value) in spec.ignored_headers:
            continue
        found = by_name.get(clean_header(value))
        shown = xlsx.cell_text(value)
        if found is None:
            errors.append(RowError(1, shown, _("无法识别的列：%(header)s") % {"header": shown}))
        elif found in positions.values():
            errors.append(RowError(1, shown, _("列重复出现：%(header)s") % {"header": shown}))
        else:
            positions[index] = found
    for column in spec.columns:
        if column.required and column not in positions.values():
            message = _("缺少必填列：%(header)s") % {"header": column.header}
            errors.append(RowError(1, str(column.header), message))
    return positions, errors


def read_upload(
    spec: ImportSpec, content: bytes, context: Any, progress: Progress | None = None
) -> tuple[list[ParsedRow], list[RowError]]:
    """Every data row of the first sheet, parsed, and the file's own errors (header);
    XlsxError for a file that cannot be read at all."""
    with xlsx.open_workbook(content) as workbook:
        if not workbook.worksheets:
            raise xlsx.XlsxError(_("工作簿中没有工作表。"))
        sheet = workbook.worksheets[0]
        lines = list(xlsx.non_blank_rows(sheet, max_cols=MAX_COLUMNS, max_data_rows=spec.max_rows))
    if not lines or lines[0][0] != 1:
        raise xlsx.XlsxError(_("第 1 行应为列标题，请使用导入模板。"))
    positions, header_errors = match_headers(spec, lines[0][1])
    if header_errors:
        return [], header_errors
    if len(lines) == 1:
        raise xlsx.XlsxError(_("文件中没有数据行。"))
    return parse_rows(spec, lines[1:], positions, context, progress), []


def parse_rows(
    spec: ImportSpec,
    lines: list[tuple[int, tuple[Any, ...]]],
    positions: dict[int, Column],
    context: Any,
    progress: Progress | None,
) -> list[ParsedRow]:
    rows: list[ParsedRow] = []
    first_row_of: dict[tuple[str, Any], int] = {}
    for done, (number, values) in enumerate(lines, start=1):
        row = parse_row(number, values, positions, context)
        _check_unique(spec, row, first_row_of)
        if row.errors and spec.check_row is not None:
            _check_with_service(spec, row, context)
        rows.append(row)
        if progress and (done % PROGRESS_EVERY == 0 or done == len(lines)):
            progress(done, len(lines))
    return rows


def parse_row(
    number: int, values: tuple[Any, ...], positions: dict[int, Column], context: Any
) -> ParsedRow:
    cells = {column: values[i] if i < len(values) else None for i, column in positions.items()}
    row = ParsedRow(number, {c.key: xlsx.display_value(v) for c, v in cells.items()})
    for column, value in cells.items():
        try:
            row.data[column.key] = parse_cell(column, value, context)
        except CellProblem as exc:
            row.reject(column, str(exc))
    return row


def _check_unique(
    spec: ImportSpec, row: ParsedRow, first_row_of: dict[tuple[str, Any], int]
) -> None:
    for column in spec.columns:
        value = row.data.get(column.key)
        if not column.unique or value in (None, "") or column.key in row.bad_keys:
            continue
        first = first_row_of.setdefault((column.key, value), row.number)
        if first != row.number:
            message = _("与第 %(row)s 行的%(header)s重复") % {
                "row": first,
                "header": column.header,
            }
            row.reject(column, message)


def _check_with_service(spec: ImportSpec, row: ParsedRow, context: Any) -> None:
    """The service's own checks of the cells that could be read, so one report names
    every problem of the row (the row is not written either way)."""
    assert spec.check_row is not None
    try:
        spec.check_row(context, row.data)
    except ValidationError as exc:
        for key, message in validation_problems(exc):
            if key not in row.bad_keys:
                row.reject(spec.column(key), message)


def validation_problems(exc: ValidationError) -> list[tuple[str, str]]:
    """(field, message) pairs of a ValidationError; "" where no field is named."""
    if hasattr(exc, "error_dict"):
        return [
            ("" if name == "__all__" else name, str(message))
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [("", str(message)) for message in exc.messages]
