"""The 责令改正通知书 and the 现场检查笔录: what they carry, who may print them, reprints,
and the stored file's digest."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from docx import Document
from docx.oxml.ns import qn

from yaoan.common.testing import sign_in
from yaoan.core.audit import sm3_hex
from yaoan.core.documents import services as documents
from yaoan.core.models import AuditEvent, GeneratedDocument
from yaoan.inspections import amendments
from yaoan.inspections.documents import (
    INSPECTION_RECORD,
    RECTIFICATION_NOTICE,
    print_inspection_record,
    print_rectification_notice,
)
from yaoan.inspections.models import Inspection
from yaoan.inspections.tests.helpers import World, answer_all, schedule, submit

pytestmark = pytest.mark.django_db
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def storage(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "files"
    return tmp_path / "files"


def client_for(user: Any) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def with_findings(world: World) -> Inspection:
    """A drawn inspection (both inspectors have badges) submitted with two findings."""
    inspection = answer_all(
        world, schedule(world), failing={"2.1": "执业药师不在岗", "4.3": "无温湿度<记录>&台账"}
    )
    return submit(world, inspection)


def paragraphs(content: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def test_rectification_notice_carries_the_business_inspectors_findings_and_number(
    world: World,
) -> None:
    inspection = with_findings(world)
    order = inspection.rectification
    doc = print_rectification_notice(actor=world.inspector, order=order)
    content = documents.stored_path(doc).read_bytes()
    assert sm3_hex(content) == doc.sm3
    text = "\n".join(paragraphs(content))
    entity = world.pharmacy
    assert doc.number == order.number and "〔" in doc.number and doc.number.endswith("号")
    assert f"\n{order.number}\n" in text
    for value in (entity.name, entity.uscc, entity.address, inspection.number):
        assert value in text
    badges = [
        world.inspector.inspector_profile.badge_number,
        world.partner.inspector_profile.badge_number,
    ]
    assert f"甲检查员（执法证号：{badges[0]}）、乙检查员（执法证号：{badges[1]}）" in text
    assert "无温湿度<记录>&台账" in text  # kept as text, not markup
    assert "执业药师不在岗" in text
    deadline = order.deadline
    assert f"现责令你单位于{deadline.year}年{deadline.month}月{deadline.day}日前改正" in text
    body = Document(io.BytesIO(content)).paragraphs[0].runs[0]
    assert body._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"


def test_printing_again_returns_the_stored_notice_and_a_changed_record_makes_a_version(
    world: World,
) -> None:
    inspection = with_findings(world)
    first = print_inspection_record(actor=world.inspector, inspection=inspection)
    assert print_inspection_record(actor=world.partner, inspection=inspection) == first
    amendments.amend_inspection(
        actor=world.inspector, inspection=inspection, summary="补充说明", reason="补记"
    )
    inspection.refresh_from_db()
    second = print_inspection_record(actor=world.inspector, inspection=inspection)
    assert (second.version, second.number) == (2, inspection.number)
    assert "补充说明" in "\n".join(paragraphs(documents.stored_path(second).read_bytes()))
    assert AuditEvent.objects.filter(action="core.document.generated").count() == 2


def test_record_is_printable_only_after_submission(world: World) -> None:
    with pytest.raises(ValidationError):
        print_inspection_record(actor=world.inspector, inspection=schedule(world))


def test_someone_outside_the_grid_cannot_print(world: World) -> None:
    order = with_findings(world).rectification
    with pytest.raises(PermissionDenied):
        print_rectification_notice(actor=world.outsider, order=order)
    assert not GeneratedDocument.objects.exists()


def test_station_inspector_prints_own_notice_and_not_another_stations(world: World) -> None:
    order = with_findings(world).rectification
    inspector = client_for(world.inspector)
    response = inspector.post(f"/inspections/rectifications/{order.pk}/print/")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert "attachment" in response["Content-Disposition"]
    doc = GeneratedDocument.objects.get(kind=RECTIFICATION_NOTICE)
    assert sm3_hex(response.content) == doc.sm3
    page = inspector.get(f"/inspections/rectifications/{order.pk}/")
    assert f"/documents/{doc.pk}/download/" in page.content.decode()
    outsider = client_for(world.outsider)
    assert outsider.post(f"/inspections/rectifications/{order.pk}/print/").status_code == 404
    assert outsider.get(f"/documents/{doc.pk}/download/").status_code == 404
    assert GeneratedDocument.objects.count() == 1


def test_inspection_record_prints_from_the_inspection_page(world: World) -> None:
    inspection = with_findings(world)
    client = client_for(world.chief)
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert f"/inspections/{inspection.pk}/record/print/" in page
    response = client.post(f"/inspections/{inspection.pk}/record/print/")
    assert (response.status_code, response["Content-Type"]) == (200, DOCX)
    text = "\n".join(paragraphs(response.content))
    assert "现场检查笔录" in text and inspection.number in text and "执业药师不在岗" in text
    assert GeneratedDocument.objects.get().kind == INSPECTION_RECORD


def test_unsubmitted_record_print_is_refused_with_a_message(world: World) -> None:
    inspection = schedule(world)
    response = client_for(world.inspector).post(
        f"/inspections/{inspection.pk}/record/print/", follow=True
    )
    assert response.status_code == 200
    assert "检查提交后才能打印现场检查笔录" in response.content.decode()


def test_flipped_byte_in_a_stored_notice_is_refused_and_audited(world: World) -> None:
    order = with_findings(world).rectification
    doc = print_rectification_notice(actor=world.inspector, order=order)
    path = documents.stored_path(doc)
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    # the partner's code of this time step went into the submission: the chief reads it
    response = client_for(world.chief).get(f"/documents/{doc.pk}/download/")
    assert response.status_code == 409
    event = AuditEvent.objects.get(action="core.document.tampered")
    assert (event.actor_id, event.object_id, event.success) == (world.chief.pk, str(doc.pk), False)
