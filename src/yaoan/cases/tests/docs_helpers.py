"""Reading a generated .docx back for the case documents' tests: its paragraphs and table
cells as text, and every run's East-Asian font."""

from __future__ import annotations

import io
from collections.abc import Iterator

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _paragraphs(content: bytes) -> Iterator[Paragraph]:
    document = Document(io.BytesIO(content))
    yield from document.paragraphs
    for table in document.tables:
        yield from _cell_paragraphs(table)


def _cell_paragraphs(table: Table) -> Iterator[Paragraph]:
    for row in table.rows:
        for cell in row.cells:
            yield from cell.paragraphs


def lines(content: bytes) -> list[str]:
    """Body paragraphs, then table cells (row by row), as text."""
    return [p.text for p in _paragraphs(content)]


def text(content: bytes) -> str:
    return "\n".join(lines(content))


def table_pairs(content: bytes) -> dict[str, str]:
    """A two-column form's rows as label → value."""
    document = Document(io.BytesIO(content))
    pairs: dict[str, str] = {}
    for table in document.tables:
        for row in table.rows:
            cells = row.cells
            if len(cells) == 2:
                pairs[cells[0].text] = cells[1].text
    return pairs


def east_asian_fonts(content: bytes) -> set[str | None]:
    """The ``w:eastAsia`` font of every run with text (None where a run sets none)."""
    fonts: set[str | None] = set()
    for paragraph in _paragraphs(content):
        for run in paragraph.runs:
            if not run.text.strip():
                continue
            r_fonts = run._element.rPr.rFonts if run._element.rPr is not None else None
            fonts.add(r_fonts.get(qn("w:eastAsia")) if r_fonts is not None else None)
    return fonts


def title_font(content: bytes) -> str | None:
    """The East-Asian font of the first non-empty paragraph (the document's title)."""
    for paragraph in Document(io.BytesIO(content)).paragraphs:
        if paragraph.text.strip():
            fonts = paragraph.runs[0]._element.rPr.rFonts
            return fonts.get(qn("w:eastAsia"))  # type: ignore[no-any-return]
    return None
