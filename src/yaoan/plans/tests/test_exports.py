"""The plan as .xlsx and .docx: files that open, with the Chinese title, the document number
of an approved plan and the East-Asian font set on the Word runs."""

from __future__ import annotations

import io

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn

from yaoan.common.testing import client_for
from yaoan.core.models import AuditEvent
from yaoan.plans.tests.factories import approved, entity, generated, grid_of
from yaoan.registry.enums import EntityType

pytestmark = pytest.mark.django_db
TITLE = "青江区2027年度药品安全重点检查清单"


@pytest.fixture
def district(world):
    east, west = grid_of(world), grid_of(world, other=True)
    for place in (east, west):
        entity(
            place["sub"],
            entity_type=EntityType.VACCINATION_SITE,
            name=f"{place['sub'].name}接种门诊",
        )
        entity(place["sub"], risk_grade="D", name=f"{place['sub'].name}大药房")
    return {"east": east, "west": west, "chief": world.chief, "world": world}


def workbook_rows(response):
    content = b"".join(response.streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return workbook, [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]


def test_xlsx_has_title_items_and_loads(district):
    plan = approved(district["world"])
    response = client_for(district["chief"]).get(f"/plans/{plan.pk}/export.xlsx")
    assert response.status_code == 200
    workbook, rows = workbook_rows(response)
    assert rows[0][0] == TITLE
    assert rows[1][0] == "青江市监药检〔2027〕1号（已批准）"
    assert rows[2][:4] == ["序号", "负责所", "镇街", "监管对象"]
    assert len(rows) == 3 + 4
    names = {r[3] for r in rows[3:]}
    assert any(n.endswith("接种门诊") for n in names)
    loads = [list(r) for r in workbook.worksheets[1].iter_rows(values_only=True)]
    assert loads[0] == ["负责所", "对象数", "一季度", "二季度", "三季度", "四季度", "合计"]
    assert sum(r[-1] for r in loads[1:]) == 2 * (1 + 4)
    event = AuditEvent.objects.get(action="plans.plan.exported")
    assert event.after == {"format": "xlsx", "items": 4}


def test_station_exports_only_its_items(district):
    plan = generated(actor=district["chief"])
    inspector = district["world"].inspector
    response = client_for(inspector).get(f"/plans/{plan.pk}/export.xlsx")
    _workbook, rows = workbook_rows(response)
    assert len(rows) == 3 + 2
    assert all(r[2] == district["east"]["sub"].name for r in rows[3:])


def test_docx_has_the_title_in_the_east_asian_font_and_the_number(district):
    plan = approved(district["world"])
    response = client_for(district["chief"]).get(f"/plans/{plan.pk}/export.docx")
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "青江市监药检〔2027〕1号"
    assert texts[1] == TITLE
    title_run = document.paragraphs[1].runs[0]
    fonts = title_run._element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋_GB2312"
    loads, items = document.tables
    assert [c.text for c in loads.rows[-1].cells][-1] == "10"
    assert len(items.rows) == 1 + 4
    body_run = items.rows[1].cells[2].paragraphs[0].runs[0]
    assert body_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert texts[-2] == "青江区市场监督管理局"


def test_draft_docx_says_it_is_not_approved(district):
    plan = generated(actor=district["chief"])
    document = Document(
        io.BytesIO(client_for(district["chief"]).get(f"/plans/{plan.pk}/export.docx").content)
    )
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == TITLE
    assert texts[1] == "（第1版 · 草稿，未经批准不得作为工作依据）"
