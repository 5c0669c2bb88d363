"""The monthly typical-case report (yeji 附件8) parsed back, the 1–2 cases per unit rule, and
the case statistics .xlsx by month, product class, violation, station and outcome."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from yaoan.cases import documents as kinds
from yaoan.cases import report_services, reports
from yaoan.cases.enums import EndReason
from yaoan.cases.models import Case, TypicalCase
from yaoan.cases.tests import docs_story as story
from yaoan.cases.tests.docs_helpers import east_asian_fonts, lines, title_font
from yaoan.common.testing import World
from yaoan.core.documents import services as documents
from yaoan.core.documents.layout import BODY_FONT, HEADING_FONT, TITLE_FONT
from yaoan.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world: World) -> story.Crew:
    return story.crew(world)


def this_month() -> Any:
    return timezone.localdate().replace(day=1)


def report(case: Case, people: story.Crew) -> TypicalCase:
    return report_services.report_typical_case(
        actor=people.lead,
        case=case,
        month=this_month(),
        overview=report_services.suggested_overview(case),
        result=report_services.suggested_result(case),
    )


def test_the_report_follows_the_reference_template_with_the_decision_attached(
    world: World, people: story.Crew
) -> None:
    case = story.decided(world, people)
    typical = report(case, people)
    decision = documents.latest_document(kinds.PENALTY_DECISION, case)
    assert decision is not None  # reporting printed it
    content = reports.typical_case_report(actor=people.chief, month=this_month())
    text = [line for line in lines(content) if line.strip()]
    assert text[0] == "药品安全典型案例报送"
    assert title_font(content) == TITLE_FONT
    assert east_asian_fonts(content) <= {TITLE_FONT, BODY_FONT, HEADING_FONT}
    assert text[1] == "填报单位：青江区市场监督管理局"
    heading = f"江城所报送{world.pharmacy.name}经营劣药案"
    parts = text.index(heading), text.index("一、案情概述"), text.index("二、查办结果")
    assert parts == tuple(sorted(parts))
    overview = text[parts[1] + 1 : parts[2]]
    assert overview == [
        "当事人于2026年10月购进并销售超过有效期的阿莫西林胶囊20盒。",
        "查控问题产品：阿莫西林胶囊（扣押）。",
    ]
    assert text[parts[2] + 1].endswith("作出行政处罚决定：" + story.DECISION_TEXT)
    attached = text.index(f"附：行政处罚决定书（{decision.number}）")
    assert text[attached + 1 :][:2] == ["行政处罚决定书", decision.number]
    assert f"当事人：{world.pharmacy.name}" in text[attached:]
    assert typical.org_unit == world.station
    event = AuditEvent.objects.get(action=reports.REPORT_ACTION)
    assert event.after["cases"] == [case.number]


def test_a_unit_reports_at_most_two_cases_a_month(world: World, people: story.Crew) -> None:
    first, second, third = (story.decided(world, people) for _ in range(3))
    report(first, people)
    report(second, people)
    with pytest.raises(ValidationError) as refused:
        report(third, people)
    assert refused.value.message_dict["case"] == [
        "每个单位每月报送1至2个典型案例：江城所本月已报送2个"
    ]
    with pytest.raises(ValidationError, match="该案件已报送过典型案例"):
        report(first, people)


def test_only_decided_or_judicially_transferred_cases_are_reported(
    world: World, people: story.Crew
) -> None:
    open_case = story.investigating(world, people)
    with pytest.raises(ValidationError) as refused:
        report(open_case, people)
    assert "case" in refused.value.message_dict
    assert not TypicalCase.objects.exists()
    from yaoan.cases import services

    ended = services.terminate(
        story.investigating(world, people),
        actor=people.chief,
        end_reason=EndReason.CRIME,
        reason="涉嫌犯罪，已移送公安机关",
    )
    assert report_services.is_reportable(ended)


def test_withdrawing_needs_a_reason_and_frees_the_place(world: World, people: story.Crew) -> None:
    typical = report(story.decided(world, people), people)
    with pytest.raises(ValidationError):
        report_services.withdraw_typical_case(actor=people.lead, typical=typical, reason=" ")
    report_services.withdraw_typical_case(actor=people.lead, typical=typical, reason="换一个案例")
    assert not TypicalCase.objects.exists()
    event = AuditEvent.objects.get(action="cases.typicalcase.withdrawn")
    assert event.reason == "换一个案例"


def test_statistics_count_cases_and_fines_by_each_dimension(
    world: World, people: story.Crew
) -> None:
    story.decided(world, people)
    story.decided(world, people, fine=Decimal("5000.50"))
    story.investigating(world, people)
    handle = reports.export_statistics(
        actor=people.chief, cases=Case.objects.all(), filters={"year": 2026}
    )
    sheet = load_workbook(io.BytesIO(handle.read())).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[1] == [
        "月份",
        "产品类别",
        "违法类型",
        "承办单位",
        "处理结果",
        "案件数",
        "罚没款（元）",
    ]
    month = f"{timezone.localdate():%Y-%m}"
    assert sorted(rows[2:]) == [
        [month, "药品", "经营劣药", "江城所", "办理中", "1", "0.00"],
        # assessed (the notice needs it): the baseline's violation, not the 案由
        [month, "药品", "零售劣药", "江城所", "给予行政处罚", "2", "105000.50"],
    ]
    event = AuditEvent.objects.get(action=reports.STATISTICS_ACTION)
    assert event.after["rows"] == 2
