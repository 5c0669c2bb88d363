"""The 公文 layout (GB/T 9704-2012) as a small builder every module's documents share.

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; the title in 方正小标宋简体
二号, the body in 仿宋_GB2312 三号, headings in 黑体 三号, tables in 仿宋 五号; 文号 with
〔〕; page numbers "— 1 —" in the footer, odd pages right and even pages left.

python-docx sets only the Latin font name; Chinese text takes the East-Asian font
(``w:eastAsia`` on ``w:rFonts``), which is set here on the styles and on every run, or
Word shows Chinese text in its default font.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
TABLE_SIZE = Pt(10.5)  # 五号
FIRST_LINE_INDENT = Pt(32)  # two characters of 三号
PAGE_NUMBER_DASH = "—"

CENTER = WD_ALIGN_PARAGRAPH.CENTER
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
LEFT = WD_ALIGN_PARAGRAPH.LEFT


def set_east_asian_font(element: Any, name: str) -> None:
    """Set ``w:eastAsia`` (and the Latin names) on a run's or a style's ``w:rFonts``."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attribute), name)


def add_run(paragraph: Paragraph, text: str, font: str, size: Pt, *, bold: bool = False) -> Run:
    run = paragraph.add_run(text)
    run.font.size = size
    run.bold = bold
    set_east_asian_font(run._element, font)
    return run


def _page_number_paragraph(paragraph: Paragraph, align: WD_ALIGN_PARAGRAPH) -> None:
    """ "— PAGE —" with the PAGE field, so Word fills in each page's number."""
    paragraph.alignment = align
    add_run(paragraph, f"{PAGE_NUMBER_DASH} ", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    paragraph._p.append(field)
    cached = OxmlElement("w:r")  # the field's last result, shown until Word updates it
    text = OxmlElement("w:t")
    text.text = "1"
    cached.append(text)
    field.append(cached)
    number = Run(cached, paragraph)
    number.font.size = PAGE_NUMBER_SIZE
    set_east_asian_font(cached, PAGE_NUMBER_FONT)
    add_run(paragraph, f" {PAGE_NUMBER_DASH}", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


class OfficialDocument:
    """One 公文 being built: call the parts in reading order, then ``to_bytes()``."""

    def __init__(self) -> None:
        self.document = Document()
        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        normal = self.document.styles["Normal"]
        normal.font.size = BODY_SIZE
        set_east_asian_font(normal.element, BODY_FONT)
        self.document.settings.odd_and_even_pages_header_footer = True
        _page_number_paragraph(section.footer.paragraphs[0], RIGHT)
        _page_number_paragraph(section.even_page_footer.paragraphs[0], LEFT)

    def paragraph(
        self,
        text: str = "",
        *,
        font: str = BODY_FONT,
        size: Pt = BODY_SIZE,
        align: WD_ALIGN_PARAGRAPH | None = None,
        indent: bool = False,
        bold: bool = False,
    ) -> Paragraph:
        paragraph = self.document.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        if indent:
            paragraph.paragraph_format.first_line_indent = FIRST_LINE_INDENT
        if text:
            add_run(paragraph, text, font, size, bold=bold)
        return paragraph

    def number_line(self, number: str) -> Paragraph:
        """The 文号 (prefix〔year〕n号), centred under the title block."""
        return self.paragraph(number, align=CENTER)

    def title(self, text: str) -> Paragraph:
        return self.paragraph(text, font=TITLE_FONT, size=TITLE_SIZE, align=CENTER)

    def heading(self, text: str) -> Paragraph:
        return self.paragraph(text, font=HEADING_FONT)

    def labelled(self, label: str, value: str) -> Paragraph:
        """ "label：value" on one line, the label in 黑体 (a form's field)."""
        paragraph = self.paragraph()
        add_run(paragraph, f"{label}：", HEADING_FONT, BODY_SIZE)
        add_run(paragraph, value, BODY_FONT, BODY_SIZE)
        return paragraph

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        table = self.document.add_table(rows=len(rows) + 1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        lines = [(header, True), *[(row, False) for row in rows]]
        for row, (values, bold) in zip(table.rows, lines, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                add_run(cell.paragraphs[0], str(value), BODY_FONT, TABLE_SIZE, bold=bold)

    def signature(self, issuer: str, date_text: str) -> None:
        """The issuing authority and the date, right-aligned after a blank line."""
        self.paragraph()
        self.paragraph(issuer, align=RIGHT)
        self.paragraph(date_text, align=RIGHT)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return _without_times(buffer.getvalue())


def _without_times(package: bytes) -> bytes:
    """The same .docx with every part stamped 1980-01-01: the zip otherwise records the
    second it was written, so one default template would have a new SM3 digest (and a
    generated document's template digest would change) every two seconds."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            stamped = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            stamped.compress_type = info.compress_type
            stamped.external_attr = info.external_attr
            target.writestr(stamped, source.read(info.filename))
    return out.getvalue()
