"""Safe reading and writing of .xlsx files, shared by every import and export (S22, S24).

Reading: an upload is accepted only if its name ends in .xlsx, its bytes start like a ZIP,
the ZIP holds a workbook ([Content_Types].xml and xl/workbook.xml) and its members would
not unpack to more than a fixed multiple of the upload limit (zip bombs). CPython's
zipfile never returns more bytes than a member's declared size, so checking the declared
sizes is enough. Identifier cells are read as text only: Excel turns a long number typed
into a cell into a float, and the lost digits cannot be recovered.

Writing: write-only workbooks (constant memory for 100k rows), strings always written as
text cells (a value starting with "=" never becomes a formula).
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any
from xml.etree.ElementTree import ParseError

import openpyxl
from django.conf import settings
from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT_FORMAT = "@"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
WORKBOOK_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")
MAX_MEMBERS = 1000
UNCOMPRESSED_FACTOR = 20  # members may unpack to at most 20× the upload limit in total
MAX_RATIO = 200  # and no single large member may be compressed more than 200:1
# openpyxl parses with lxml when it is installed (python-docx brings it): its XMLSyntaxError
# is a SyntaxError, as is the standard library's ParseError
READ_ERRORS = (
    zipfile.BadZipFile,
    InvalidFileException,
    ParseError,
    SyntaxError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    OSError,
)


class XlsxError(ValueError):
    """A file-level problem, with a message for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CellTypeError(ValueError):
    """A cell holds the wrong kind of value (e.g. a number where text is required)."""


def max_upload_bytes() -> int:
    return int(settings.UPLOAD_MAX_MB) * 1024 * 1024


def too_large_message() -> str:
    return _("文件超过 %(mb)s MB 的上传上限，请拆分后分批上传。") % {"mb": settings.UPLOAD_MAX_MB}


def check_xlsx(name: str, content: bytes, *, max_uncompressed: int | None = None) -> None:
    """Raise XlsxError unless ``content`` is plausibly a real, safe .xlsx workbook."""
    if not name.lower().endswith(".xlsx"):
        raise XlsxError(_("只接受 .xlsx 格式的 Excel 文件。"))
    if content.startswith(OLE_MAGIC):
        raise XlsxError(
            _("这是旧版 Excel（.xls）或已加密的文件，请在 Excel 中另存为未加密的 .xlsx 后再上传。")
        )
    if not content.startswith(ZIP_MAGIC):
        raise XlsxError(_("文件内容不是 .xlsx 格式（可能是改了扩展名的其他文件），已拒绝。"))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise XlsxError(_("文件已损坏，无法作为 .xlsx 打开。")) from exc
    _check_members(members, max_uncompressed or UNCOMPRESSED_FACTOR * max_upload_bytes())


def _check_members(members: list[zipfile.ZipInfo], max_uncompressed: int) -> None:
    names = {m.filename for m in members}
    if not all(required in names for required in WORKBOOK_MEMBERS):
        raise XlsxError(_("该压缩文件不是 Excel 工作簿，已拒绝。"))
    if len(members) > MAX_MEMBERS:
        raise XlsxError(_("文件结构异常（包含的部件过多），已拒绝。"))
    if any(m.flag_bits & 0x1 for m in members):
        raise XlsxError(_("文件已加密，请取消密码后再上传。"))
    total = sum(m.file_size for m in members)
    bomb = any(
        m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1)
        for m in members
    )
    if total > max_uncompressed or bomb:
        raise XlsxError(_("文件解压后过大（疑似压缩炸弹），已拒绝。"))


@contextmanager
def open_workbook(content: bytes | IO[bytes]) -> Iterator[Workbook]:
    """Open read-only with cached values (never formulas); damage becomes XlsxError."""
    stream = io.BytesIO(content) if isinstance(content, bytes) else content
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except READ_ERRORS as exc:
        raise XlsxError(_("无法读取该 Excel 文件：文件已损坏或格式不正确。")) from exc
    try:
        yield workbook
    finally:
        workbook.close()


def probe_workbook(content: bytes) -> None:
    """Open the workbook and its first sheet's first row, so a damaged file fails now."""
    with open_workbook(content) as workbook:
        if not workbook.worksheets:
            raise XlsxError(_("工作簿中没有工作表。"))
        sheet = workbook.worksheets[0]
        list(read_rows(sheet, max_rows=1, max_cols=5))


def read_rows(
    sheet: Any, *, max_cols: int, max_rows: int | None = None
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) for each row (up to ``max_rows``); damage becomes XlsxError."""
    try:
        rows = sheet.iter_rows(max_row=max_rows, max_col=max_cols, values_only=True)
        for number, values in enumerate(rows, start=1):
            yield number, tuple(values)
    except READ_ERRORS as exc:
        raise XlsxError(_("无法读取该 Excel 文件：工作表内容已损坏。")) from exc


def non_blank_rows(
    sheet: Any, *, max_cols: int, max_data_rows: int
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The rows holding any value: the first is the header, then at most ``max_data_rows``
    data rows (XlsxError beyond). Blank rows, e.g. formatted but empty, are skipped."""
    count = -1
    for number, values in read_rows(sheet, max_cols=max_cols):
        if all(is_blank(v) for v in values):
            continue
        count += 1
        if count > max_data_rows:
            message = _("单个文件最多 %(n)s 行数据，请拆分后分批导入。") % {"n": max_data_rows}
            raise XlsxError(message)
        yield number, values


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """Any cell as trimmed text (for names, addresses, labels)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def normalise_code(text: str) -> str:
    """Full-width letters and digits to ASCII (NFKC), no whitespace at all, upper case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def id_text(value: Any) -> str:
    """An identifier cell, which must hold text: numbers are refused, never guessed back."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        raise CellTypeError(
            _(
                "该单元格是数字，长代码会被 Excel 改写（如 9.15E+17），"
                "请将单元格设为文本格式后重新输入"
            )
        )
    return normalise_code(str(value))


def display_value(value: Any) -> str:
    """A cell as it was in the file, for error reports."""
    if isinstance(value, float):
        return repr(value)
    return cell_text(value)


# --- writing -------------------------------------------------------------------------


def new_workbook(*, creator: str, title: str, description: str = "") -> Workbook:
    workbook = Workbook(write_only=True)
    workbook.properties.creator = creator
    workbook.properties.lastModifiedBy = creator
    workbook.properties.title = title
    workbook.properties.description = description
    workbook.properties.created = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return workbook


def _clean(value: Any) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", cell_text(value))


def text_cell(sheet: WriteOnlyWorksheet, value: Any, *, bold: bool = False) -> Cell:
    """A text cell: "@" format, control characters removed, never a formula."""
    cell = WriteOnlyCell(sheet, value=_clean(value))
    cell.data_type = "s"
    cell.number_format = TEXT_FORMAT
    if bold:
        cell.font = Font(bold=True)
    return cell


def plain_value(sheet: WriteOnlyWorksheet, value: Any) -> str | Cell:
    """A string as it is (fast), or a string cell when it would otherwise read as a formula."""
    text = _clean(value)
    if not text.startswith("="):
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def text_row(
    sheet: WriteOnlyWorksheet,
    values: Iterable[Any],
    *,
    bold: bool = False,
    text_columns: frozenset[int] | None = None,
) -> None:
    """Append one row of strings; cells in ``text_columns`` (all when None) get "@" format."""
    sheet.append(
        [
            text_cell(sheet, v, bold=bold)
            if text_columns is None or i in text_columns
            else plain_value(sheet, v)
            for i, v in enumerate(values)
        ]
    )


def save_to_temp(workbook: Workbook) -> IO[bytes]:
    """The saved workbook in an anonymous temporary file, rewound (deleted when closed)."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    workbook.save(handle)
    handle.seek(0)
    return handle


def xlsx_response(handle: IO[bytes], filename: str) -> FileResponse:
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
