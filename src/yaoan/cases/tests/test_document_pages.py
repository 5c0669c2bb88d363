"""The documents pages: what a case's state offers, printing and downloading, 三书同达 and
its delivery with the signed receipt, the typical-case form, the reports page and its two
downloads; another station's user gets 404."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone
from openpyxl import load_workbook

from yaoan.cases import documents as kinds
from yaoan.cases.enums import CaseStatus
from yaoan.cases.models import Case, DocumentDelivery, TypicalCase
from yaoan.cases.tests import docs_story as story
from yaoan.cases.tests.docs_helpers import DOCX, lines
from yaoan.common.testing import World, client_for
from yaoan.core.models import GeneratedDocument

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def people(world: World) -> story.Crew:
    return story.crew(world)


def page(case: Case) -> str:
    return f"/cases/{case.pk}/documents/"


def test_the_page_offers_what_the_state_allows(world: World, people: story.Crew) -> None:
    case = story.investigating(world, people)
    response = client_for(people.lead).get(page(case))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-kind="cases.filing_approval"' in html
    assert 'data-kind="cases.penalty_decision"' not in html
    assert "打印笔录" in html  # the inquiry record of the evidence
    assert 'data-testid="transfer-form"' in html
    assert client_for(world.other_inspector).get(page(case)).status_code == 404


def test_printing_downloads_the_document_and_a_refusal_is_said_on_the_page(
    world: World, people: story.Crew
) -> None:
    case = story.investigating(world, people)
    client = client_for(people.lead)
    response = client.post(f"/cases/{case.pk}/documents/print/{kinds.FILING_APPROVAL}/")
    doc = GeneratedDocument.objects.get(kind=kinds.FILING_APPROVAL)
    assert response["Location"] == f"/documents/{doc.pk}/download/"
    download = client.get(response["Location"])
    assert download["Content-Type"] == DOCX
    assert lines(download.content)[0] == "立案审批表"
    refused = client.post(
        f"/cases/{case.pk}/documents/print/{kinds.PENALTY_DECISION}/", follow=True
    )
    assert "作出处罚决定后才能打印行政处罚决定书" in refused.content.decode()
    assert GeneratedDocument.objects.count() == 1


def test_decision_set_then_delivery_with_the_signed_receipt(
    world: World, people: story.Crew
) -> None:
    case = story.decided(world, people)
    client = client_for(people.lead)
    html = client.get(page(case)).content.decode()
    assert 'data-testid="decision-set"' in html
    response = client.post(f"/cases/{case.pk}/documents/decision-set/", follow=True)
    assert "已生成3份文书及送达回证" in response.content.decode()
    delivery = DocumentDelivery.objects.get()
    form_url = f"/cases/deliveries/{delivery.pk}/record/"
    today = timezone.localdate().isoformat()
    missing = client.post(form_url, {"method": "direct", "delivered_on": today})
    assert "请上传签收的送达回证或电子送达确认" in missing.content.decode()
    receipt = SimpleUploadedFile("回证.pdf", PDF, content_type="application/pdf")
    done = client.post(form_url, {"method": "direct", "delivered_on": today, "receipt": receipt})
    assert done.status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.DELIVERED
    assert client_for(world.other_inspector).get(form_url).status_code == 404


def test_the_typical_case_form_is_prefilled_and_reports(world: World, people: story.Crew) -> None:
    case = story.decided(world, people)
    client = client_for(people.lead)
    form = client.get(f"/cases/{case.pk}/typical/").content.decode()
    assert "当事人于2026年10月购进并销售超过有效期的阿莫西林胶囊20盒。" in form
    month = f"{timezone.localdate():%Y-%m}"
    response = client.post(
        f"/cases/{case.pk}/typical/", {"month": month, "overview": "概述", "result": "结果"}
    )
    assert response.status_code == 302
    typical = TypicalCase.objects.get()
    assert (typical.overview, typical.month) == ("概述", timezone.localdate().replace(day=1))


def test_reports_page_and_its_downloads(world: World, people: story.Crew) -> None:
    case = story.decided(world, people)
    client = client_for(people.chief)
    month = f"{timezone.localdate():%Y-%m}"
    client_for(people.lead).post(
        f"/cases/{case.pk}/typical/", {"month": month, "overview": "概述", "result": "结果"}
    )
    html = client.get(f"/cases/reports/?month={month}").content.decode()
    assert case.number in html and "经营劣药" in html
    docx = client.get(f"/cases/reports/typical.docx?month={month}")
    assert docx["Content-Type"] == DOCX
    assert f"江城所报送{world.pharmacy.name}经营劣药案" in lines(docx.content)
    xlsx = client.get(f"/cases/reports/statistics.xlsx?year={timezone.localdate().year}")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active  # type: ignore[attr-defined]
    assert [r[4] for r in sheet.iter_rows(min_row=3, values_only=True)] == ["给予行政处罚"]


def test_the_case_page_panel_shows_the_buttons(world: World, people: story.Crew) -> None:
    case = story.decided(world, people)
    request = RequestFactory().get("/")
    request.user = people.lead
    html = Template("{% load case_documents %}{% case_documents_panel case %}").render(
        Context({"case": case, "request": request})
    )
    assert 'data-kind="cases.penalty_decision"' in html
    assert 'data-testid="decision-set"' in html
    assert f"/cases/{case.pk}/documents/" in html


def test_an_empty_month_reads_as_such(world: World, people: story.Crew) -> None:
    client = client_for(people.chief)
    html = client.get("/cases/reports/").content.decode()
    assert "本月尚无报送的典型案例。" in html
    docx = client.get("/cases/reports/typical.docx")
    assert "本月没有报送的典型案例。" in lines(docx.content)
    assert client_for(world.system_admin).get("/cases/reports/").status_code == 403


def test_choosing_documents_for_a_delivery_prints_its_receipt(
    world: World, people: story.Crew
) -> None:
    case = story.notice_pending(world, people)
    client = client_for(people.lead)
    client.post(f"/cases/{case.pk}/documents/print/{kinds.PENALTY_NOTICE}/")
    notice = GeneratedDocument.objects.get(kind=kinds.PENALTY_NOTICE)
    url = f"/cases/{case.pk}/documents/deliveries/new/"
    assert "行政处罚告知书" in client.get(url).content.decode()
    assert "请选择要送达的文书" in client.post(url, {}).content.decode()
    assert client.post(url, {"documents": [notice.pk]}).status_code == 302
    delivery = DocumentDelivery.objects.get()
    assert list(delivery.documents.all()) == [notice]
    assert delivery.receipt_document is not None
