"""Every case document's default template renders with its kind's sample values and reads
back in the 公文 layout (title font, East-Asian font on every run, 文号); an administrator's
replacement is checked against the kind's fields."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from yaoan.cases import documents as kinds
from yaoan.cases.tests.docs_helpers import east_asian_fonts, text, title_font
from yaoan.core.documents.kinds import document_kind
from yaoan.core.documents.layout import BODY_FONT, HEADING_FONT, TABLE_SIZE, TITLE_FONT
from yaoan.core.documents.rendering import render_docx, validate_template

ALL_KINDS = sorted(kinds.FIELDS)
TITLES = {
    kinds.FILING_APPROVAL: "立案审批表",
    kinds.INQUIRY_RECORD: "询问笔录",
    kinds.SITE_RECORD: "现场笔录",
    kinds.INVESTIGATION_REPORT: "案件调查终结报告",
    kinds.PENALTY_NOTICE: "行政处罚告知书",
    kinds.PENALTY_DECISION: "行政处罚决定书",
    kinds.DELIVERY_RECEIPT: "送达回证",
    kinds.CRIMINAL_TRANSFER: "涉嫌犯罪案件移送书",
    kinds.CLOSING_APPROVAL: "结案审批表",
    kinds.CREDIT_REPAIR_NOTICE: "信用修复告知书",
    kinds.COMPLIANCE_NOTICE: "合规提醒（企业赋能）告知书",
}


def test_every_required_document_is_a_registered_kind() -> None:
    assert set(TITLES) == set(ALL_KINDS)
    for code in ALL_KINDS:
        assert document_kind(code).label == kinds.LABELS[code]


@pytest.mark.parametrize("code", ALL_KINDS)
def test_default_template_renders_the_samples_in_the_official_layout(code: str) -> None:
    kind = document_kind(code)
    content = render_docx(kind.build_default(), kind.sample_context())
    body = text(content)
    assert body.splitlines()[0] == TITLES[code]
    assert title_font(content) == TITLE_FONT
    assert "示例〔2026〕1号" in body  # the 文号 line
    assert east_asian_fonts(content) <= {TITLE_FONT, BODY_FONT, HEADING_FONT}
    assert "{{" not in body and "{%" not in body
    validate_template(kind, kind.build_default())  # what an upload must pass


def test_the_decision_states_the_party_penalty_and_remedies() -> None:
    kind = document_kind(kinds.PENALTY_DECISION)
    body = text(render_docx(kind.build_default(), kind.sample_context()))
    assert "当事人：青江区示例大药房有限公司" in body
    assert "统一社会信用代码：91110105MA00000000" in body
    assert "本局决定：没收违法销售的药品，罚款人民币十万元。" in body
    assert "十五日内" in body  # the fine's payment period (has_fine)
    assert "六十日内向青江区人民政府申请行政复议" in body
    assert "1. 询问笔录：对当事人负责人的询问笔录" in body


def test_the_notice_tells_the_five_working_day_rights_and_the_hearing_only_when_due() -> None:
    kind = document_kind(kinds.PENALTY_NOTICE)
    sample = kind.sample_context()
    told = text(render_docx(kind.build_default(), sample))
    assert "收到本告知书之日起五个工作日内向本局提出陈述、申辩" in told
    assert "听证申请" in told
    untold = text(render_docx(kind.build_default(), {**sample, "hearing_right": False}))
    assert "听证" not in untold


def test_forms_are_tables_in_the_table_size() -> None:
    import io

    from docx import Document

    kind = document_kind(kinds.FILING_APPROVAL)
    content = render_docx(kind.build_default(), kind.sample_context())
    table = Document(io.BytesIO(content)).tables[0]
    first_value = table.rows[1].cells[1].paragraphs[0].runs[0]
    assert table.rows[1].cells[0].text == "案件编号"
    assert first_value.text == "青江药案〔2026〕1号"
    assert first_value.font.size == TABLE_SIZE


def test_a_replacement_using_an_unknown_field_is_refused_naming_it() -> None:
    from yaoan.core.documents.layout import OfficialDocument

    doc = OfficialDocument()
    doc.title("行政处罚决定书")
    doc.paragraph("{{ party_id_number }}")
    with pytest.raises(ValidationError) as refused:
        validate_template(document_kind(kinds.PENALTY_DECISION), doc.to_bytes())
    assert "party_id_number" in refused.value.messages[0]
