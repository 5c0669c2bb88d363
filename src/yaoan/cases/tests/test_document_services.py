"""Printing a case's documents: each parsed back (fields, 文号, East-Asian font), refused in
the wrong state or outside the scope, reprints, an administrator's template; 三书同达 and
its delivery taking the case's 送达 step."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yaoan.cases import document_services as printing
from yaoan.cases import documents as kinds
from yaoan.cases import services
from yaoan.cases.enums import CaseStatus, DeliveryMethod, Procedure
from yaoan.cases.models import Case, DocumentDelivery
from yaoan.cases.tests import docs_story as story
from yaoan.cases.tests.docs_helpers import east_asian_fonts, table_pairs, text, title_font
from yaoan.common.testing import World
from yaoan.core.audit import sm3_hex
from yaoan.core.documents import services as documents
from yaoan.core.documents.layout import BODY_FONT, HEADING_FONT, TITLE_FONT, OfficialDocument
from yaoan.core.models import AuditEvent, GeneratedDocument

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def people(world: World) -> story.Crew:
    return story.crew(world)


def stored(doc: GeneratedDocument) -> bytes:
    content = documents.stored_path(doc).read_bytes()
    assert sm3_hex(content) == doc.sm3
    return content


def assert_official(content: bytes, title: str, number: str) -> str:
    body = text(content)
    assert body.splitlines()[0] == title
    assert re.fullmatch(rf"药\w+〔{YEAR}〕\d+号", number)
    assert number in body.splitlines()[1]
    assert title_font(content) == TITLE_FONT
    assert east_asian_fonts(content) <= {TITLE_FONT, BODY_FONT, HEADING_FONT}
    return body


def test_filing_approval_form_carries_the_case_and_the_approval(
    world: World, people: story.Crew
) -> None:
    case = story.investigating(world, people)
    doc = printing.print_case_document(actor=people.lead, case=case, kind=kinds.FILING_APPROVAL)
    content = stored(doc)
    assert doc.number.startswith(f"药立审〔{YEAR}〕")
    assert_official(content, "立案审批表", doc.number)
    form = table_pairs(content)
    assert form["案件编号"] == case.number
    assert form["当事人"] == world.pharmacy.name
    assert form["统一社会信用代码"] == world.pharmacy.uscc
    assert form["审批意见"] == "同意立案"
    assert form["审批人"] == people.chief.display_name
    assert form["承办人"] == (
        f"{people.lead.display_name}（执法证号：ZF0001）、{people.co.display_name}（执法证号：ZF0002）"
    )
    filed = timezone.localtime(case.filed_at).date()
    assert form["立案日期"] == f"{filed.year}年{filed.month}月{filed.day}日"


def test_a_reprint_of_an_unchanged_case_is_the_stored_document(
    world: World, people: story.Crew
) -> None:
    case = story.investigating(world, people)
    first = printing.print_case_document(actor=people.lead, case=case, kind=kinds.FILING_APPROVAL)
    again = printing.print_case_document(actor=people.co, case=case, kind=kinds.FILING_APPROVAL)
    assert again.pk == first.pk
    Case.objects.filter(pk=case.pk).update(facts="补充：另查明购进渠道不明。")
    changed = printing.print_case_document(
        actor=people.lead, case=Case.objects.get(pk=case.pk), kind=kinds.FILING_APPROVAL
    )
    assert (changed.version, changed.number) == (2, first.number)
    assert "另查明购进渠道不明" in text(stored(changed))


def test_a_document_for_a_case_in_the_wrong_state_is_refused_and_nothing_written(
    world: World, people: story.Crew
) -> None:
    case = story.investigating(world, people)
    for kind in (kinds.PENALTY_DECISION, kinds.PENALTY_NOTICE, kinds.CLOSING_APPROVAL):
        with pytest.raises(ValidationError) as refused:
            printing.print_case_document(actor=people.lead, case=case, kind=kind)
        assert refused.value.code == "illegal_transition"
        assert refused.value.messages == [str(kinds.WRONG_STATE[kind])]
    with pytest.raises(ValidationError):
        printing.issue_decision_set(actor=people.lead, case=case)
    assert not GeneratedDocument.objects.exists()
    assert not DocumentDelivery.objects.exists()


def test_another_stations_inspector_may_not_print(world: World, people: story.Crew) -> None:
    case = story.investigating(world, people)
    with pytest.raises(PermissionDenied):
        printing.print_case_document(
            actor=world.other_inspector, case=case, kind=kinds.FILING_APPROVAL
        )


def test_inquiry_record_is_printed_from_its_evidence_during_the_investigation(
    world: World, people: story.Crew
) -> None:
    case = story.investigating(world, people)
    evidence = case.evidence.get()
    doc = printing.print_record(actor=people.lead, evidence=evidence)
    body = assert_official(stored(doc), "询问笔录", doc.number)
    assert f"案件编号：{case.number}" in body
    assert "询问地点：青江区示例路1号" in body
    assert "问：你店是否销售过期药品？答：是。" in body
    assert "执法证号：ZF0001" in body
    finished = services.finish_investigation(
        case, actor=people.lead, report="查明", proposal="罚款"
    )
    evidence.refresh_from_db()
    with pytest.raises(ValidationError, match="只有调查取证阶段可以制作询问笔录"):
        printing.print_record(actor=people.lead, evidence=finished.evidence.get())


def test_investigation_report_and_notice_state_evidence_goods_and_rights(
    world: World, people: story.Crew
) -> None:
    case = story.notice_pending(world, people)
    report = printing.print_case_document(
        actor=people.lead, case=case, kind=kinds.INVESTIGATION_REPORT
    )
    body = assert_official(stored(report), "案件调查终结报告", report.number)
    assert "1. 询问笔录：对当事人负责人的询问笔录" in body
    assert "1. 阿莫西林胶囊，20盒，扣押，局涉案物品仓库" in body
    assert "当事人于2026年10月购进并销售超过有效期的阿莫西林胶囊20盒。" in body
    notice = printing.print_case_document(actor=people.lead, case=case, kind=kinds.PENALTY_NOTICE)
    body = assert_official(stored(notice), "行政处罚告知书", notice.number)
    assert f"{world.pharmacy.name}：" in body
    assert "本局拟对你（单位）作出如下处理：没收违法销售的药品，罚款人民币十万元。" in body
    assert "五个工作日内向本局提出陈述、申辩" in body


def test_decision_set_is_three_documents_in_one_delivery(world: World, people: story.Crew) -> None:
    case = story.decided(world, people)
    delivery = printing.issue_decision_set(actor=people.lead, case=case)
    docs = {d.kind: d for d in delivery.documents.all()}
    assert set(docs) == set(kinds.DECISION_SET)
    decision = stored(docs[kinds.PENALTY_DECISION])
    body = assert_official(decision, "行政处罚决定书", docs[kinds.PENALTY_DECISION].number)
    assert f"当事人：{world.pharmacy.name}" in body
    assert "本局决定：依据《中华人民共和国药品管理法》第一百一十七条第一款" in body
    assert "十五日内" in body
    assert "当事人在法定期限内未提出陈述、申辩和听证申请。" in body
    repair = text(stored(docs[kinds.CREDIT_REPAIR_NOTICE]))
    assert f"（{docs[kinds.PENALTY_DECISION].number}）" in repair
    assert "二十个工作日内通过国家企业信用信息公示系统向社会公示" in repair
    compliance = text(stored(docs[kinds.COMPLIANCE_NOTICE]))
    assert "《中华人民共和国药品管理法》第五十五条" in compliance
    receipt = delivery.receipt_document
    assert receipt is not None and receipt.kind == kinds.DELIVERY_RECEIPT
    form = table_pairs(stored(receipt))
    assert form["送达文书名称及文号"] == "；".join(
        f"{d.title}（{d.number}）" for d in delivery.documents.order_by("id")
    )
    assert form["送达地点"] == world.pharmacy.address
    again = printing.issue_decision_set(actor=people.lead, case=case)
    assert again.pk == delivery.pk  # the unserved set is not made twice


def test_a_warning_alone_gets_no_three_in_one_notices(world: World, people: story.Crew) -> None:
    case = story.decided(world, people, summary="给予警告", fine=None, execution_required=False)
    delivery = printing.issue_decision_set(actor=people.lead, case=case)
    assert [d.kind for d in delivery.documents.all()] == [kinds.PENALTY_DECISION]
    assert "十五日内" not in text(stored(delivery.documents.get()))
    with pytest.raises(ValidationError, match="仅给予警告的案件不适用三书同达"):
        printing.print_case_document(actor=people.lead, case=case, kind=kinds.CREDIT_REPAIR_NOTICE)


def test_a_simple_procedure_case_gets_no_three_in_one_notices(
    world: World, people: story.Crew
) -> None:
    case = story.registered(world, people, procedure=Procedure.SIMPLE)
    case = services.decide_on_spot(
        case, actor=people.lead, summary="罚款人民币五百元", fine=Decimal("500")
    )
    with pytest.raises(ValidationError, match="简易程序案件不适用三书同达"):
        printing.print_case_document(actor=people.lead, case=case, kind=kinds.COMPLIANCE_NOTICE)
    decision = printing.print_case_document(
        actor=people.lead, case=case, kind=kinds.PENALTY_DECISION
    )
    assert "罚款人民币五百元" in text(stored(decision))


def test_recording_the_decision_delivery_needs_the_receipt_and_takes_the_case_step(
    world: World, people: story.Crew
) -> None:
    case = story.decided(world, people)
    delivery = printing.issue_decision_set(actor=people.lead, case=case)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        printing.record_document_delivery(
            actor=people.lead, delivery=delivery, method=DeliveryMethod.DIRECT, delivered_on=today
        )
    assert refused.value.message_dict == {"receipt": ["请上传签收的送达回证或电子送达确认"]}
    with pytest.raises(ValidationError) as future:
        printing.record_document_delivery(
            actor=people.lead,
            delivery=delivery,
            method=DeliveryMethod.DIRECT,
            delivered_on=today + dt.timedelta(days=1),
            receipt=(PDF, "回证.pdf"),
        )
    assert "delivered_on" in future.value.message_dict
    assert Case.objects.get(pk=case.pk).status == CaseStatus.DECIDED
    done = printing.record_document_delivery(
        actor=people.lead,
        delivery=delivery,
        method=DeliveryMethod.DIRECT,
        delivered_on=today,
        receiver="王五",
        receipt=(PDF, "回证.pdf"),
    )
    assert done.receipt is not None and done.receipt.sm3 == sm3_hex(PDF)
    assert done.receiver == "王五"
    case.refresh_from_db()
    assert (case.status, case.delivered_on, case.delivery_method) == (
        CaseStatus.DELIVERED,
        today,
        DeliveryMethod.DIRECT,
    )
    assert printing.decision_delivered(case)
    receipt = done.receipt_document
    assert receipt is not None and receipt.version == 2
    form = table_pairs(stored(receipt))
    assert form["送达方式"] == "直接送达"
    assert form["送达时间"] == f"{today.year}年{today.month}月{today.day}日"
    assert form["受送达人签名或盖章"] == ""  # the signer's name stays sealed in the database
    event = AuditEvent.objects.get(action="cases.documentdelivery.recorded")
    assert "王五" not in str(event.after)
    with pytest.raises(ValidationError, match="该送达已登记"):
        printing.record_document_delivery(
            actor=people.lead,
            delivery=done,
            method=DeliveryMethod.DIRECT,
            delivered_on=today,
            receipt=(PDF, "回证.pdf"),
        )


def test_criminal_transfer_needs_the_police_unit_and_lists_the_evidence(
    world: World, people: story.Crew
) -> None:
    case = story.investigating(world, people)
    with pytest.raises(ValidationError) as refused:
        printing.print_criminal_transfer(
            actor=people.lead, case=case, police_unit=" ", suspected_crime="销售劣药罪"
        )
    assert "police_unit" in refused.value.message_dict
    doc = printing.print_criminal_transfer(
        actor=people.lead,
        case=case,
        police_unit="青江区公安分局",
        suspected_crime="销售劣药罪",
        procuratorate="青江区人民检察院",
    )
    body = assert_official(stored(doc), "涉嫌犯罪案件移送书", doc.number)
    assert "青江区公安分局：" in body
    assert f"案件编号：{case.number}" in body and "涉嫌销售劣药罪" in body
    assert "1. 询问笔录：对当事人负责人的询问笔录" in body
    assert "抄送：青江区人民检察院" in body


def test_an_administrators_template_prints_the_case(world: World, people: story.Crew) -> None:
    from yaoan.common.testing import UserFactory
    from yaoan.core.enums import Role

    admin = UserFactory(roles=[Role.SYSTEM_ADMIN], org_unit=world.bureau)
    doc = OfficialDocument()
    doc.title("立案审批表（本局格式）")
    doc.number_line("{{ number }}")
    doc.paragraph("{{ party_name }}｜{{ case_number }}")
    documents.upload_template(
        actor=admin, kind=kinds.FILING_APPROVAL, content=doc.to_bytes(), name="立案.docx"
    )
    case = story.investigating(world, people)
    printed = printing.print_case_document(actor=people.lead, case=case, kind=kinds.FILING_APPROVAL)
    assert text(stored(printed)).splitlines()[2] == f"{world.pharmacy.name}｜{case.number}"


def test_the_full_set_of_a_decided_case(world: World, people: story.Crew) -> None:
    case = story.decided(world, people)
    printed = printing.print_all_documents(actor=people.lead, case=case)
    assert [d.kind for d in printed] == [
        kinds.FILING_APPROVAL,
        kinds.INVESTIGATION_REPORT,
        kinds.PENALTY_NOTICE,
        kinds.PENALTY_DECISION,
        kinds.CREDIT_REPAIR_NOTICE,
        kinds.COMPLIANCE_NOTICE,
    ]
    assert len({d.number for d in printed}) == 6
    again = printing.print_all_documents(actor=people.lead, case=case)
    assert [d.pk for d in again] == [d.pk for d in printed]


def test_delivering_the_notice_serves_it_and_starts_the_statement_period(
    world: World, people: story.Crew
) -> None:
    case = story.assessed(story.notice_pending(world, people), people)
    notice = printing.print_case_document(actor=people.lead, case=case, kind=kinds.PENALTY_NOTICE)
    delivery = printing.prepare_delivery(actor=people.lead, case=case, docs=[notice])
    served_on = timezone.localdate()
    printing.record_document_delivery(
        actor=people.lead,
        delivery=delivery,
        method=DeliveryMethod.ELECTRONIC,
        delivered_on=served_on,
        receipt=(PDF, "电子送达确认.pdf"),
    )
    case.refresh_from_db()
    assert (case.status, case.notice_served_on, case.notice_delivery_method) == (
        CaseStatus.NOTICE_SERVED,
        served_on,
        DeliveryMethod.ELECTRONIC,
    )
    assert case.statement_due_on is not None and case.statement_due_on > served_on


def test_a_delivery_of_another_cases_document_is_refused(world: World, people: story.Crew) -> None:
    case = story.investigating(world, people)
    other = story.investigating(world, people)
    doc = printing.print_case_document(actor=people.lead, case=other, kind=kinds.FILING_APPROVAL)
    with pytest.raises(ValidationError) as refused:
        printing.prepare_delivery(actor=people.lead, case=case, docs=[doc])
    assert refused.value.message_dict == {"documents": ["所选文书不属于本案件"]}
    assert not DocumentDelivery.objects.exists()


def test_the_notice_states_the_provisions_of_the_discretion_assessment(
    world: World, people: story.Crew
) -> None:
    from yaoan.cases.document_context import penalty_terms
    from yaoan.cases.models import Violation
    from yaoan.cases.tests.penalty_helpers import gsp_assessment

    case = story.investigating(world, people)
    gsp_assessment(case, people.lead)
    case = services.finish_investigation(
        case, actor=people.lead, report="未按规定储存药品。", proposal="警告，并处罚款三十万元"
    )
    case = services.review(case, actor=people.chief, opinion="同意")
    case = services.legal_review(case, actor=people.reviewer, opinion="同意")
    gsp = Violation.objects.get(code="drug.gsp")
    notice = printing.print_case_document(actor=people.lead, case=case, kind=kinds.PENALTY_NOTICE)
    body = text(stored(notice))
    assert f"你（单位）的上述行为违反了{gsp.violated}的规定。依据{gsp.basis}，" in body
    terms = penalty_terms(case)
    assert (terms.violated, terms.basis) == (gsp.violated, gsp.basis)
    assert not terms.has_fine and not terms.warning_only  # nothing decided yet
