"""The public complaint pages end to end through Django's test client: an anonymous report
from submission to lookup, and each kind of bad input answered with a clear Chinese message
and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yaoan.complaints.enums import Channel, ComplaintKind
from yaoan.complaints.models import Complaint
from yaoan.core.actors import system_actor
from yaoan.core.models import Attachment
from yaoan.portal.models import SpentChallenge
from yaoan.portal.tests.helpers import (
    CHALLENGE,
    LOOKUP,
    RECEIPT,
    SUBMIT,
    jpeg_bytes,
    post_form,
    report,
    solved_by,
)

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 120


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def receipt_of(client: Client) -> tuple[str, str]:
    page = client.get(RECEIPT).content.decode()
    number = page.split('data-testid="receipt-number">')[1].split("<")[0]
    code = page.split('data-testid="lookup-code">')[1].split("<")[0]
    return number, code


def test_the_form_shows_the_bureau_and_its_contact(world, settings):
    settings.PORTAL_CONTACT_PHONE = "023-12345678"
    page = Client().get(SUBMIT).content.decode()
    assert "青江区市场监督管理局" in page
    assert 'href="tel:023-12345678"' in page
    assert 'data-pow-url="/public/complaints/challenge/"' in page


def test_the_challenge_is_fresh_json_never_cached(db):
    response = Client().get(CHALLENGE)
    assert response.json()["algorithm"] == "SHA-256"
    assert "no-store" in response["Cache-Control"]


def test_an_anonymous_report_is_received_and_its_receipt_shown_once(world):
    client = Client()
    response = post_form(client, report(attachments=[SimpleUploadedFile("小票.jpg", jpeg_bytes())]))
    assert response.status_code == 302 and response["Location"] == RECEIPT
    number, code = receipt_of(client)
    complaint = Complaint.objects.get()
    assert (complaint.number, complaint.kind, complaint.channel) == (
        number,
        ComplaintKind.REPORT,
        Channel.PORTAL,
    )
    assert complaint.anonymous and complaint.reporter_name == complaint.reporter_phone == ""
    assert complaint.created_by == system_actor("portal")
    assert complaint.org_unit == world.section  # unmatched: the section decides
    assert code not in complaint.lookup_code_digest
    assert Attachment.objects.get().original_name == "小票.jpg"
    again = client.get(RECEIPT).content.decode()
    assert code not in again and "回执已显示过" in again


def test_reporter_details_are_dropped_when_the_report_is_anonymous(world):
    client = Client()
    post_form(client, report(reporter_name="王五", reporter_phone="13900001111"))
    complaint = Complaint.objects.get()
    assert (complaint.reporter_name, complaint.reporter_phone) == ("", "")


def test_a_named_complaint_keeps_its_contact(world):
    client = Client()
    data = report(
        kind="complaint", anonymous="", reporter_name="王五", reporter_phone="13900001111"
    )
    assert post_form(client, data).status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.reporter_name, complaint.reporter_phone) == ("王五", "13900001111")


def test_a_complaint_cannot_be_anonymous(world):
    response = post_form(Client(), report(kind="complaint"))
    assert response.status_code == 400
    assert "投诉须留姓名和联系电话" in response.content.decode()
    assert not Complaint.objects.exists()


def test_empty_content_is_refused_and_nothing_written(world):
    response = post_form(Client(), report(content="   "))
    assert response.status_code == 400
    assert "请填写具体内容。" in response.content.decode()
    assert not Complaint.objects.exists()
    assert "江城百姓大药房" in response.content.decode()  # what was typed stays


def test_an_oversized_attachment_is_refused_with_413(world, settings):
    settings.UPLOAD_MAX_MB = 1
    big = SimpleUploadedFile("现场.jpg", jpeg_bytes() + b"\x00" * (1024 * 1024))
    response = post_form(Client(), report(attachments=[big]))
    assert response.status_code == 413
    assert "文件“现场.jpg”超过 1 MB" in response.content.decode()
    assert not Complaint.objects.exists() and stored_files() == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("病毒.exe", EXE, "“病毒.exe”不是可接受的文件"),
        ("照片.jpg", EXE, "“照片.jpg”不是 JPEG、PNG 或 WebP 图片"),
    ],
)
def test_a_wrong_type_attachment_is_refused_and_nothing_written(world, name, content, message):
    good = SimpleUploadedFile("小票.jpg", jpeg_bytes())
    response = post_form(Client(), report(attachments=[good, SimpleUploadedFile(name, content)]))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists() and stored_files() == []


def test_the_same_report_twice_is_kept_once(world):
    client = Client()
    post_form(client, report())
    number = Complaint.objects.get().number
    response = post_form(client, report())
    assert response.status_code == 400
    assert f"该投诉举报已登记（受理编号 {number}），未重复登记" in response.content.decode()
    assert Complaint.objects.count() == 1


def test_a_post_without_the_proof_of_work_is_refused(world):
    response = Client().post(SUBMIT, report())
    assert response.status_code == 400
    assert "请等待页面完成安全验证后再提交" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_replayed_solution_is_refused(world):
    client = Client()
    solution = solved_by(client)
    assert client.post(SUBMIT, {"altcha": solution, **report()}).status_code == 302
    replay = client.post(SUBMIT, {"altcha": solution, **report(content="另一件事")})
    assert replay.status_code == 400
    assert "此安全验证已使用过，请重新提交" in replay.content.decode()
    assert Complaint.objects.count() == 1 and SpentChallenge.objects.count() == 1


def test_submissions_past_the_address_limit_get_429(world, settings):
    settings.PORTAL_SUBMITS_PER_HOUR = 2
    client = Client()
    for n in range(2):
        post_form(client, report(content=f"第 {n} 件"))
    response = post_form(client, report(content="第三件"))
    assert response.status_code == 429
    assert "操作过于频繁，请稍后再试" in response.content.decode()
    assert Complaint.objects.count() == 2


def test_lookup_shows_the_progress_to_the_holder_of_the_code(world):
    client = Client()
    post_form(client, report())
    number, code = receipt_of(client)
    page = client.post(LOOKUP, {"number": f" {number.lower()} ", "lookup_code": code})
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="result-status">已收到，等待受理<' in text
    assert number in text and code not in text


def test_a_wrong_code_reads_like_an_unknown_number(world):
    client = Client()
    post_form(
        client,
        report(kind="complaint", anonymous="", reporter_name="王五", reporter_phone="13900001111"),
    )
    number, code = receipt_of(client)
    wrong_code = client.post(LOOKUP, {"number": number, "lookup_code": "0000000000"})
    unknown = client.post(LOOKUP, {"number": "TJ2026999999", "lookup_code": code})
    for response in (wrong_code, unknown):
        text = response.content.decode()
        assert "没有查到：受理编号或查询码不正确。请核对后重试。" in text
        assert "王五" not in text and "1390000" not in text
        assert 'data-testid="lookup-result"' not in text


def test_lookups_past_the_address_limit_get_429(world, settings):
    settings.PORTAL_LOOKUPS_PER_HOUR = 3
    client = Client()
    for _ in range(3):
        client.post(LOOKUP, {"number": "TJ2026000001", "lookup_code": "1234567890"})
    response = client.post(LOOKUP, {"number": "TJ2026000001", "lookup_code": "1234567890"})
    assert response.status_code == 429
    assert "操作过于频繁，请稍后再试" in response.content.decode()


def test_the_inspection_results_page_still_answers(db):
    assert Client().get("/public/inspections/").status_code == 200
