"""Excel import of regulated entities: the template, reading and checking an upload row by
row, the error report, and the background run that creates every row or none (S22, S24).

The file format is fixed in Chinese (headers, labels, sheet names) whatever language the
user reads the site in, so a template downloaded by anyone imports for everyone.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from yaoan.common import xlsx
from yaoan.common.identifiers import uscc_check_character
from yaoan.core.jobs import JobStatus, finish_job, job_dir, set_progress
from yaoan.core.models import BackgroundJob, Subdistrict, User
from yaoan.core.rules import DataScope, can_set_ratings, data_scope
from yaoan.registry import services
from yaoan.registry.enums import (
    CreditClass,
    DeviceClass,
    EntityStatus,
    EntityType,
    MedicalLevel,
    RiskGrade,
)
from yaoan.registry.models import Entity

IMPORT_JOB_KIND = "registry.entity_import"
IMPORT_SOURCE = "import"
MAX_ROWS = 10_000
MAX_COLUMNS = 40
MAX_SHOWN_ERRORS = 200
PROGRESS_EVERY = 100
YES = frozenset({"是", "Y", "YES", "TRUE", "1", "√"})
NO = frozenset({"否", "N", "NO", "FALSE", "0", ""})
MOBILE = re.compile(r"^1\d{10}$")


class Kind(enum.Enum):
    TEXT = "text"
    CODE = "code"  # identifiers: text cells only
    PHONE = "phone"
    CHOICE = "choice"
    SUBDISTRICT = "subdistrict"
    FLAG = "flag"


@dataclass(frozen=True)
class Column:
    field: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: type[models.TextChoices] | None = None
    default: str = ""

    @property
    def header(self) -> str:
        model_field = Entity._meta.get_field(self.field)
        assert isinstance(model_field, models.Field)
        return str(model_field.verbose_name)


COLUMNS: tuple[Column, ...] = (
    Column("name", required=True),
    Column("uscc", Kind.CODE, required=True),
    Column("entity_type", Kind.CHOICE, required=True, choices=EntityType),
    Column("medical_level", Kind.CHOICE, choices=MedicalLevel),
    Column("device_class", Kind.CHOICE, choices=DeviceClass),
    Column("subdistrict", Kind.SUBDISTRICT, required=True),
    Column("address", required=True),
    Column("legal_representative", required=True),
    Column("quality_manager"),
    Column("contact_phone", Kind.PHONE),
    Column("status", Kind.CHOICE, choices=EntityStatus, default=EntityStatus.OPERATING),
    Column("risk_grade", Kind.CHOICE, choices=RiskGrade),
    Column("credit_class", Kind.CHOICE, choices=CreditClass),
    Column("handles_special_drugs", Kind.FLAG),
    Column("in_volume_procurement", Kind.FLAG),
    Column("offers_medical_beauty", Kind.FLAG),
    Column("handles_cold_chain", Kind.FLAG),
)
COLUMNS_BY_FIELD = {c.field: c for c in COLUMNS}
RATING_FIELDS = frozenset({"risk_grade", "credit_class"})


class CellProblem(ValueError):
    pass


@dataclass(frozen=True)
class RowError:
    row: int | None  # the Excel row number; None for the file as a whole
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class ParsedRow:
    number: int
    raw: dict[str, str]  # header → the cell as it was in the file
    data: dict[str, Any] = field(default_factory=dict)
    bad_fields: set[str] = field(default_factory=set)


@dataclass
class Lookups:
    """What the labels in a file mean, for one importing user."""

    choices: dict[str, dict[str, str]]
    subdistricts: dict[str, list[Subdistrict]]
    scope: DataScope
    may_rate: bool

    def in_scope(self, subdistrict: Subdistrict) -> bool:
        return self.scope.everything or subdistrict.station_id in (self.scope.station_ids or ())


def _choice_map(choices: type[models.TextChoices]) -> dict[str, str]:
    mapping = {str(label): str(value) for value, label in choices.choices}
    mapping.update({str(value).upper(): str(value) for value in choices.values if value})
    return mapping


def build_lookups(actor: User) -> Lookups:
    by_key: dict[str, list[Subdistrict]] = {}
    for sub in Subdistrict.objects.select_related("station").order_by("code"):
        by_key.setdefault(sub.name, []).append(sub)
        by_key.setdefault(sub.code, []).append(sub)
    return Lookups(
        choices={c.field: _choice_map(c.choices) for c in COLUMNS if c.choices},
        subdistricts=by_key,
        scope=data_scope(actor),
        may_rate=can_set_ratings(actor),
    )


def subdistricts_for(actor: User) -> list[Subdistrict]:
    scope = data_scope(actor)
    qs = Subdistrict.objects.order_by("code")
    return list(qs if scope.everything else qs.filter(station_id__in=scope.station_ids or ()))


# --- one cell ------------------------------------------------------------------------


def _parse_phone(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return xlsx.normalise_code(xlsx.cell_text(value))
    if float(value).is_integer() and MOBILE.match(str(int(value))):
        return str(int(value))  # an 11-digit mobile number survives a number cell exactly
    raise CellProblem(_("联系电话请以文本格式填写（数字格式会丢失开头的 0 或被改写）"))


def _parse_choice(column: Column, value: Any, lookups: Lookups) -> str:
    text = xlsx.cell_text(value)
    if not text:
        return column.default
    mapping = lookups.choices[column.field]
    found = mapping.get(text) or mapping.get(text.upper())
    if found is None:
        raise CellProblem(
            _("“%(value)s”不是可选的%(header)s，请从下拉列表中选择")
            % {"value": text, "header": column.header}
        )
    if column.field in RATING_FIELDS and found and not lookups.may_rate:
        raise CellProblem(_("只有股室负责人可以设置风险等级和信用分类，请留空"))
    return found


def _parse_subdistrict(value: Any, lookups: Lookups) -> Subdistrict:
    text = xlsx.cell_text(value)
    candidates = lookups.subdistricts.get(text) or lookups.subdistricts.get(
        xlsx.normalise_code(text), []
    )
    if not candidates:
        raise CellProblem(_("未知的镇街“%(value)s”，请从下拉列表中选择") % {"value": text})
    mine = [sub for sub in candidates if lookups.in_scope(sub)]
    if not mine:
        raise CellProblem(_("镇街“%(value)s”不在您的管辖范围内") % {"value": text})
    if len(mine) > 1:
        raise CellProblem(_("镇街名称“%(value)s”不唯一，请填写区划代码") % {"value": text})
    return mine[0]


def _parse_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = xlsx.cell_text(value).upper()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellProblem(_("应填“是”或“否”，实际为“%(value)s”") % {"value": xlsx.cell_text(value)})


def parse_cell(column: Column, value: Any, lookups: Lookups) -> Any:
    if column.required and xlsx.is_blank(value):
        raise CellProblem(_("必填项，不能为空"))
    try:
        if column.kind is Kind.CODE:
            return xlsx.id_text(value)
        if column.kind is Kind.PHONE:
            return _parse_phone(value)
    except xlsx.CellTypeError as exc:
        raise CellProblem(str(exc)) from exc
    if column.kind is Kind.CHOICE:
        return _parse_choice(column, value, lookups)
    if column.kind is Kind.SUBDISTRICT:
        return _parse_subdistrict(value, lookups)
    if column.kind is Kind.FLAG:
        return _parse_flag(value)
    return xlsx.cell_text(value)


# --- the sheet -----------------------------------------------------------------------


def _clean_header(value: Any) -> str:
    return "".join(xlsx.cell_text(value).replace("*", "").replace("＊", "").split())


def map_headers(values: tuple[Any, ...]) -> tuple[dict[int, Column], list[RowError]]:
    """Column positions by header text; a missing required column is a file error."""
    by_header = {c.header: c for c in COLUMNS}
    positions: dict[int, Column] = {}
    errors: list[RowError] = []
    for index, value in enumerate(values):
        column = by_header.get(_clean_header(value))
        if column is None:
            continue
        if column in positions.values():
            errors.append(RowError(1, column.header, _("列重复出现")))
        positions[index] = column
    for column in COLUMNS:
        if column.required and column not in positions.values():
            errors.append(RowError(1, column.header, _("缺少此列，请使用导入模板")))
    return positions, errors


def parse_row(
    number: int, values: tuple[Any, ...], positions: dict[int, Column], lookups: Lookups
) -> tuple[ParsedRow, list[RowError]]:
    cells = {column: values[i] if i < len(values) else None for i, column in positions.items()}
    row = ParsedRow(number, {c.header: xlsx.display_value(v) for c, v in cells.items()})
    errors: list[RowError] = []
    for column, value in cells.items():
        try:
            row.data[column.field] = parse_cell(column, value, lookups)
        except CellProblem as exc:
            row.bad_fields.add(column.field)
            errors.append(RowError(number, column.header, str(exc)))
    return row, errors


def read_upload(
    content: bytes, actor: User, progress: Callable[[int, int], None] | None = None
) -> tuple[list[ParsedRow], list[RowError]]:
    """Every data row of the first sheet, parsed, with every problem found in it."""
    with xlsx.open_workbook(content) as workbook:
        if not workbook.worksheets:
            raise xlsx.XlsxError(_("工作簿中没有工作表。"))
        sheet = workbook.worksheets[0]
        lines = list(xlsx.non_blank_rows(sheet, max_cols=MAX_COLUMNS, max_data_rows=MAX_ROWS))
    if not lines or lines[0][0] != 1:
        raise xlsx.XlsxError(_("第 1 行应为列标题，请使用导入模板。"))
    positions, errors = map_headers(lines[0][1])
    if errors:
        return [], errors
    data_lines = lines[1:]
    if not data_lines:
        raise xlsx.XlsxError(_("文件中没有数据行。"))
    return _parse_all(data_lines, positions, build_lookups(actor), progress)


def _parse_all(
    lines: list[tuple[int, tuple[Any, ...]]],
    positions: dict[int, Column],
    lookups: Lookups,
    progress: Callable[[int, int], None] | None,
) -> tuple[list[ParsedRow], list[RowError]]:
    rows: list[ParsedRow] = []
    errors: list[RowError] = []
    first_row_of: dict[str, int] = {}
    for done, (number, values) in enumerate(lines, start=1):
        row, row_errors = parse_row(number, values, positions, lookups)
        row_errors += _duplicate_error(row, first_row_of) + _model_errors(row)
        rows.append(row)
        errors.extend(row_errors)
        if progress and (done % PROGRESS_EVERY == 0 or done == len(lines)):
            progress(done, len(lines))
    return rows, errors


def _duplicate_error(row: ParsedRow, first_row_of: dict[str, int]) -> list[RowError]:
    code = row.data.get("uscc")
    if not code or "uscc" in row.bad_fields:
        return []
    if code in first_row_of:
        row.bad_fields.add("uscc")
        message = _("与第 %(row)s 行的统一社会信用代码重复") % {"row": first_row_of[code]}
        return [RowError(row.number, COLUMNS_BY_FIELD["uscc"].header, message)]
    first_row_of[code] = row.number
    return []


def _model_errors(row: ParsedRow) -> list[RowError]:
    """The same model validation the service runs (and the form and the API get): the
    credit code's check character (uscc_problem), lengths, uniqueness against the registry."""
    try:
        services.validate_new_entity(row.data)
    except ValidationError as exc:
        return [
            RowError(row.number, header_of(name), message)
            for name, message in services.validation_messages(exc)
            if name not in row.bad_fields
        ]
    return []


def header_of(field_name: str) -> str:
    column = COLUMNS_BY_FIELD.get(field_name)
    return column.header if column else "—"


# --- the background run ----------------------------------------------------------------


def run_entity_import(job: BackgroundJob) -> None:
    """Read, check and (only if every row is good) create; record the outcome on the job."""
    with translation.override(settings.LANGUAGE_CODE):
        actor = job.created_by
        content = Path(job.input_path).read_bytes()
        try:
            rows, errors = read_upload(content, actor, lambda d, t: _progress(job, d, t))
        except xlsx.XlsxError as exc:
            rows, errors = [], [RowError(None, "—", exc.message)]
        if not errors:
            set_progress(job, len(rows), len(rows), _("检查通过，正在写入…"))
            errors = _write(actor, rows)
        if errors:
            _fail(job, rows, errors)
        else:
            _succeed(job, len(rows))


def _progress(job: BackgroundJob, done: int, total: int) -> None:
    message = _("正在检查第 %(done)s / %(total)s 行…") % {"done": done, "total": total}
    set_progress(job, done, total, message)


def _write(actor: User, rows: list[ParsedRow]) -> list[RowError]:
    try:
        services.import_entities(actor=actor, rows=[row.data for row in rows], source=IMPORT_SOURCE)
    except services.EntityImportError as exc:
        return [RowError(rows[i].number, header_of(name), msg) for i, name, msg in exc.errors]
    return []


def _succeed(job: BackgroundJob, count: int) -> None:
    job.progress_done = job.progress_total = count
    finish_job(
        job,
        JobStatus.SUCCEEDED,
        _("导入成功，共 %(n)s 条") % {"n": count},
        result={"created": count},
    )


def _fail(job: BackgroundJob, rows: list[ParsedRow], errors: list[RowError]) -> None:
    path = job_dir(job) / "errors.xlsx"
    with xlsx.save_to_temp(error_report(rows, errors)) as handle:
        path.write_bytes(handle.read())
    job.progress_done = job.progress_total = len(rows)
    finish_job(
        job,
        JobStatus.FAILED,
        _("未导入：发现 %(n)s 处错误，所有数据均未写入") % {"n": len(errors)},
        output_path=str(path),
        result={
            "error_count": len(errors),
            "errors": [e.as_dict() for e in errors[:MAX_SHOWN_ERRORS]],
        },
    )


def error_report(rows: list[ParsedRow], errors: list[RowError]) -> Workbook:
    """行号, 列, 错误原因, then the row's values as they were in the file."""
    workbook = xlsx.new_workbook(creator="yaoan", title=_("导入错误报告"))
    sheet = workbook.create_sheet(_("错误清单"))
    headers = [c.header for c in COLUMNS]
    xlsx.text_row(sheet, [_("行号"), _("列"), _("错误原因"), *headers], bold=True)
    raw_by_row = {row.number: row.raw for row in rows}
    for error in sorted(errors, key=lambda e: e.row or 0):
        raw = raw_by_row.get(error.row or 0, {})
        row_label = str(error.row) if error.row else "—"
        xlsx.text_row(
            sheet, [row_label, error.column, error.reason, *(raw.get(h, "") for h in headers)]
        )
    return workbook


# --- the template ----------------------------------------------------------------------


def build_template(actor: User) -> IO[bytes]:
    with translation.override(settings.LANGUAGE_CODE):
        workbook = Workbook()
        data = workbook.active
        assert isinstance(data, Worksheet)
        data.title = _("监管对象")
        subdistricts = subdistricts_for(actor)
        _write_header(data)
        _write_help(workbook.create_sheet(_("填写说明")), subdistricts)
        options = workbook.create_sheet(_("选项"))
        options.sheet_state = "hidden"
        _add_validations(data, options, subdistricts)
        handle = xlsx.save_to_temp(workbook)
    return handle


def _write_header(sheet: Worksheet) -> None:
    note = _(
        "此列须为文本格式：请勿改为数字格式，粘贴时请选择“只粘贴值”，这样长代码不会被 Excel 改写。"
    )
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, 2.2 * len(column.header))
        if column.kind in (Kind.CODE, Kind.PHONE):
            sheet.column_dimensions[letter].number_format = xlsx.TEXT_FORMAT
            sheet.column_dimensions[letter].width = 24
            cell.comment = Comment(note, "yaoan")
    sheet.freeze_panes = "A2"


def _option_labels(column: Column, subdistricts: list[Subdistrict]) -> list[str]:
    if column.kind is Kind.SUBDISTRICT:
        return [sub.name for sub in subdistricts]
    if column.kind is Kind.FLAG:
        return [_("是"), _("否")]
    assert column.choices is not None
    return [str(label) for value, label in column.choices.choices if value]


def _add_validations(data: Worksheet, options: Worksheet, subs: list[Subdistrict]) -> None:
    last = MAX_ROWS + 1
    listed = [c for c in COLUMNS if c.kind in (Kind.CHOICE, Kind.SUBDISTRICT, Kind.FLAG)]
    for list_index, column in enumerate(listed, start=1):
        labels = _option_labels(column, subs) or ["—"]
        letter = get_column_letter(list_index)
        options.cell(row=1, column=list_index, value=column.header)
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
        target = get_column_letter(COLUMNS.index(column) + 1)
        validation.add(f"{target}2:{target}{last}")
        data.add_data_validation(validation)


def example_values(subdistricts: list[Subdistrict]) -> list[str]:
    body = "91500111MA0000001"
    sub = subdistricts[0].name if subdistricts else _("某某街道")
    values = {
        "name": _("示例大药房（示例，勿填入数据表）"),
        "uscc": body + uscc_check_character(body),
        "entity_type": str(EntityType.RETAIL_PHARMACY.label),
        "subdistrict": sub,
        "address": _("某某路1号"),
        "legal_representative": _("张三"),
        "quality_manager": _("李四"),
        "contact_phone": "13800001234",
        "status": str(EntityStatus.OPERATING.label),
        "handles_cold_chain": _("是"),
    }
    return [values.get(c.field, _("否") if c.kind is Kind.FLAG else "") for c in COLUMNS]


def _help_lines() -> Iterable[str]:
    yield _("监管对象导入模板 · 填写说明")
    yield _(
        "1. 在“监管对象”工作表第 2 行起每行填写一个监管对象，"
        "第 1 行列标题请勿修改；红色列标题为必填项。"
    )
    yield _(
        "2. 统一社会信用代码、联系电话必须以文本格式填写：模板中这两列已设为文本格式；"
        "如从其他表格粘贴，请选择“只粘贴值”。"
        "以数字格式保存的18位代码会被 Excel 改写为 9.15E+17 之类，系统将拒绝该行。"
    )
    yield _(
        "3. 类型、级别、类别、所在镇街、经营状态、风险等级、信用分类请从下拉列表中选择；"
        "所在镇街只能选择您管辖范围内的镇街。"
    )
    yield _("4. 四个“是/否”列填写“是”或“否”，留空视为“否”。风险等级和信用分类仅股室负责人可填写。")
    yield _(
        "5. 导入是“全有或全无”：任何一行有错误，所有数据均不写入，"
        "系统会给出错误报告（行号、列、原因）。"
    )
    yield _("6. 单个文件最多 %(rows)s 行，文件大小不超过 %(mb)s MB。") % {
        "rows": MAX_ROWS,
        "mb": settings.UPLOAD_MAX_MB,
    }


def _write_help(sheet: Worksheet, subdistricts: list[Subdistrict]) -> None:
    for line in _help_lines():
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append([_("示例（仅供参考，请勿复制本行以外的说明文字）：")])
    sheet.append([c.header for c in COLUMNS])
    sheet.append(example_values(subdistricts))
    example_row = sheet.max_row
    for index, column in enumerate(COLUMNS, start=1):
        if column.kind in (Kind.CODE, Kind.PHONE):
            sheet.cell(row=example_row, column=index).number_format = xlsx.TEXT_FORMAT
    sheet.column_dimensions["A"].width = 30
