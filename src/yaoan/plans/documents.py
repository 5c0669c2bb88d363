"""The plan as a Word document in the 公文 layout (GB/T 9704): A4, the standard margins,
the title in 方正小标宋简体 二号, body in 仿宋_GB2312 三号, tables in 仿宋 五号.

python-docx sets only the Latin font name; Chinese text takes the East-Asian font
(``w:eastAsia`` on ``w:rFonts``), which is set here on the styles and on every run.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.run import Run

from yaoan.plans.models import AnnualPlan, PlanItem
from yaoan.plans.queries import LoadRow
from yaoan.registry.enums import CreditClass, EntityType, RiskGrade

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
TABLE_SIZE = Pt(10.5)  # 五号
QUARTERS = ("一季度", "二季度", "三季度", "四季度")


def set_east_asian_font(element: object, name: str) -> None:
    """Set ``w:eastAsia`` (and the Latin names) on a run's or a style's ``w:rFonts``."""
    r_pr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = r_pr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attribute), name)


def _run(paragraph: object, text: str, font: str, size: Pt, *, bold: bool = False) -> Run:
    run = paragraph.add_run(text)  # type: ignore[attr-defined]
    run.font.size = size
    run.bold = bold
    set_east_asian_font(run._element, font)
    return run


def _paragraph(
    document: object,
    text: str,
    *,
    font: str = BODY_FONT,
    size: Pt = BODY_SIZE,
    align: int | None = None,
    indent: bool = False,
) -> None:
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(32)
    _run(paragraph, text, font, size)


def _table(document: object, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table = document.add_table(rows=len(rows) + 1, cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row_cells, values, bold in [(table.rows[0].cells, header, True)] + [
        (table.rows[i + 1].cells, r, False) for i, r in enumerate(rows)
    ]:
        for cell, value in zip(row_cells, values, strict=True):
            _run(cell.paragraphs[0], str(value), BODY_FONT, TABLE_SIZE, bold=bold)


def _setup(document: object) -> None:
    section = document.sections[0]  # type: ignore[attr-defined]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]  # type: ignore[attr-defined]
    normal.font.size = BODY_SIZE
    set_east_asian_font(normal.element, BODY_FONT)


def plan_document(
    plan: AnnualPlan,
    title: str,
    issuer: str,
    items: QuerySet[PlanItem],
    loads: Sequence[LoadRow],
    totals: LoadRow,
) -> bytes:
    document = Document()
    _setup(document)
    if plan.document_number:
        _paragraph(document, plan.document_number, align=WD_ALIGN_PARAGRAPH.CENTER)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(heading, title, TITLE_FONT, TITLE_SIZE)
    if not plan.document_number:
        _paragraph(
            document,
            _("（第%(v)s版 · %(s)s，未经批准不得作为工作依据）")
            % {"v": plan.version, "s": plan.get_status_display()},
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )
    joint = items.filter(joint=True).count()
    _paragraph(
        document,
        _(
            "按照风险分级管理和信用分类监管相结合原则，依据风险分类，以问题为导向，"
            "制定本年度重点检查清单。列入清单监管对象%(n)s家，计划检查%(v)s次，"
            "其中与区卫生健康委联合检查%(j)s家。各所按季度安排检查任务。"
        )
        % {"n": totals.items, "v": totals.total, "j": joint},
        indent=True,
    )
    _paragraph(document, _("一、各所分季度检查任务"), font=HEADING_FONT)
    _table(
        document,
        [_("负责所"), _("对象数"), *[_(q) for q in QUARTERS], _("合计")],
        [
            [r.station, str(r.items), *[str(q) for q in r.quarters], str(r.total)]
            for r in [*loads, totals]
        ],
    )
    _paragraph(document, _("二、重点检查对象"), font=HEADING_FONT)
    types = {k: str(v) for k, v in EntityType.choices}
    risks = {k: str(v) for k, v in RiskGrade.choices}
    credits = {k: str(v) for k, v in CreditClass.choices}
    rows = []
    ordered = items.select_related("entity", "station").order_by(
        "station_id", "entity__name", "entity_id"
    )
    for number, item in enumerate(ordered.iterator(chunk_size=2000), start=1):
        quarters = "、".join(
            q + (f"×{n}" if n > 1 else "")
            for q, n in zip(QUARTERS, item.quarters, strict=True)
            if n
        )
        rows.append(
            [
                str(number),
                item.station.short_name or item.station.name,
                item.entity.name + (_("（联合检查）") if item.joint else ""),
                types.get(item.entity.entity_type, ""),
                risks.get(item.entity.risk_grade, "")
                + "/"
                + credits.get(item.entity.credit_class, ""),
                str(item.required_count),
                quarters,
                "；".join(str(r.get("text", "")) for r in item.reasons),
            ]
        )
    _table(
        document,
        [
            _("序号"),
            _("负责所"),
            _("监管对象"),
            _("类型"),
            _("风险/信用"),
            _("次数"),
            _("季度"),
            _("列入理由"),
        ],
        rows,
    )
    signed = (
        timezone.localtime(plan.approved_at).date() if plan.approved_at else timezone.localdate()
    )
    _paragraph(document, "")
    _paragraph(document, issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(
        document,
        _("%(y)s年%(m)s月%(d)s日") % {"y": signed.year, "m": signed.month, "d": signed.day},
        align=WD_ALIGN_PARAGRAPH.RIGHT,
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
