"""The attachment service: type and size policy by magic bytes and extension (S22), the SM3
digest checked on every read with a tamper audit (S21), soft deletion (S17), and the
subject resolvers the apps declare."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image

from yaoan.common.testing import OrgUnitFactory, UserFactory
from yaoan.core.attachments import (
    AttachmentTamperedError,
    attachment_subjects,
    attachments_for,
    delete_attachment,
    read_attachment,
    read_upload,
    store_attachment,
    upload_limit,
)
from yaoan.core.enums import AttachmentError, AttachmentLimit, AttachmentPolicy
from yaoan.core.models import AuditEvent, OrgUnit, User

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 120
E2B = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<MCCI_IN200100UV01 xmlns="urn:hl7-org:v3"><id extension="CN-1"/></MCCI_IN200100UV01>'
)


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (6, 6), (10, 120, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    book = Workbook()
    book.active.append(["批号", "结果"])  # type: ignore[union-attr]
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def subject() -> OrgUnit:
    return OrgUnitFactory(name="江城所")


@pytest.fixture
def actor(subject: OrgUnit) -> User:
    return UserFactory(org_unit=subject)


def store(actor: User, subject: OrgUnit, content: bytes, name: str, policy: str = "image"):  # type: ignore[no-untyped-def]
    return store_attachment(
        actor=actor, subject=subject, content=content, name=name, policy=policy, label="现场"
    )


def flip_last_byte(path: Path) -> None:
    path.chmod(0o640)  # stored read-only: what an attacker with file access overrides
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01
    path.write_bytes(bytes(data))


def test_stored_file_lives_outside_the_web_root_with_its_digest(actor, subject) -> None:
    attachment = store(actor, subject, jpeg_bytes(), "柜台.JPG")
    path = Path(settings.MEDIA_ROOT) / attachment.path
    assert path.read_bytes() == jpeg_bytes()
    assert not path.is_relative_to(Path(settings.STATIC_ROOT))
    assert (attachment.subject_type, attachment.subject_id) == ("core.orgunit", subject.pk)
    assert (attachment.content_type, attachment.original_name) == ("image/jpeg", "柜台.JPG")
    assert read_attachment(attachment, actor=actor) == jpeg_bytes()
    event = AuditEvent.objects.get(action="core.attachment.stored")
    assert event.after["sm3"] == attachment.sm3 and event.object_id == str(attachment.pk)
    assert list(attachments_for(subject)) == [attachment]


def test_flipped_byte_is_detected_and_audited(actor, subject) -> None:
    attachment = store(actor, subject, jpeg_bytes(), "a.jpg")
    flip_last_byte(Path(settings.MEDIA_ROOT) / attachment.path)
    with pytest.raises(AttachmentTamperedError):
        read_attachment(attachment, actor=actor)
    event = AuditEvent.objects.get(action="core.attachment.tampered")
    assert event.success is False
    assert event.before == {"sm3": attachment.sm3}
    assert event.after["sm3"] not in (attachment.sm3, "missing")
    assert event.actor_id == actor.pk


def test_missing_file_is_tampering_too(actor, subject) -> None:
    attachment = store(actor, subject, jpeg_bytes(), "a.jpg")
    path = Path(settings.MEDIA_ROOT) / attachment.path
    path.chmod(0o640)
    path.unlink()
    with pytest.raises(AttachmentTamperedError):
        read_attachment(attachment, actor=actor)
    assert AuditEvent.objects.get(action="core.attachment.tampered").after["sm3"] == "missing"


@pytest.mark.parametrize(
    ("content", "name", "policy", "code"),
    [
        (EXE, "photo.jpg", "image", AttachmentError.WRONG_TYPE),  # an .exe renamed .jpg
        (jpeg_bytes(), "photo.png", "image", AttachmentError.WRONG_TYPE),  # name lies
        (jpeg_bytes(), "photo", "image", AttachmentError.WRONG_TYPE),  # no extension
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "a.png", "image", AttachmentError.DAMAGED),
        (jpeg_bytes(), "scan.pdf", "document", AttachmentError.WRONG_TYPE),
        (b"PK\x03\x04" + b"\x00" * 60, "a.docx", "document", AttachmentError.WRONG_TYPE),
        (b"<a><b></a>", "e2b.xml", "e2b_xml", AttachmentError.DAMAGED),
        (b"", "e2b.xml", "e2b_xml", AttachmentError.EMPTY),
    ],
)
def test_wrong_files_are_refused_and_nothing_is_written(  # type: ignore[no-untyped-def]
    actor, subject, content, name, policy, code
) -> None:
    before = sorted(Path(settings.MEDIA_ROOT).rglob("*"))
    with pytest.raises(ValidationError) as exc:
        store(actor, subject, content, name, policy)
    assert exc.value.code == code
    assert name in exc.value.messages[0]
    assert not attachments_for(subject).exists()
    assert sorted(Path(settings.MEDIA_ROOT).rglob("*")) == before


def test_documents_and_e2b_files_are_accepted(actor, subject) -> None:
    sheet = store(actor, subject, xlsx_bytes(), "结果.xlsx", "document")
    pdf = store(actor, subject, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "a.pdf", "document")
    e2b = store(actor, subject, E2B, "report.XML", "e2b_xml")
    assert [a.content_type for a in (sheet, pdf, e2b)] == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/pdf",
        "application/xml",
    ]
    assert (sheet.personal, e2b.personal) == (False, True)


def test_entity_in_xml_is_not_expanded_or_fetched(actor, subject) -> None:
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    )
    attachment = store(actor, subject, hostile, "r.xml", "e2b_xml")
    assert read_attachment(attachment, actor=actor) == hostile  # stored as given, never parsed


def test_reads_of_personal_files_are_audited(actor, subject) -> None:
    photo = store(actor, subject, jpeg_bytes(), "a.jpg")
    e2b = store(actor, subject, E2B, "r.xml", "e2b_xml")
    read_attachment(photo, actor=actor)
    read_attachment(e2b, actor=actor)
    reads = AuditEvent.objects.filter(action="core.attachment.read")
    assert list(reads.values_list("object_id", flat=True)) == [str(e2b.pk)]


def test_size_cap_is_the_smaller_of_policy_and_setting(actor, subject, settings) -> None:  # type: ignore[no-untyped-def]
    settings.UPLOAD_MAX_MB = 30
    assert upload_limit(AttachmentPolicy.IMAGE) == 10 * 1024 * 1024
    settings.UPLOAD_MAX_MB = 1
    assert upload_limit(AttachmentPolicy.DOCUMENT) == 1024 * 1024
    big = SimpleUploadedFile("big.jpg", b"\xff" * (1024 * 1024 + 1), "image/jpeg")
    with pytest.raises(ValidationError) as exc:
        read_upload(big, AttachmentPolicy.IMAGE)
    assert exc.value.code == AttachmentLimit.TOO_LARGE
    with pytest.raises(ValidationError) as exc:
        store(actor, subject, b"%PDF-1.4\n" + b"0" * (1024 * 1024), "a.pdf", "document")
    assert exc.value.code == AttachmentLimit.TOO_LARGE


def test_deletion_keeps_the_file_and_needs_a_reason(actor, subject) -> None:
    attachment = store(actor, subject, jpeg_bytes(), "a.jpg")
    with pytest.raises(ValidationError):
        delete_attachment(attachment, actor=actor, reason=" ")
    deleted = delete_attachment(attachment, actor=actor, reason="误传")
    assert deleted.deleted_by == actor and deleted.deletion_reason == "误传"
    assert not attachments_for(subject).exists()
    assert list(attachments_for(subject, include_deleted=True)) == [attachment]
    assert read_attachment(deleted, actor=actor) == jpeg_bytes()  # the auditor still can
    assert AuditEvent.objects.get(action="core.attachment.deleted").reason == "误传"
    with pytest.raises(ValidationError):
        delete_attachment(deleted, actor=actor, reason="again")


def test_each_app_declares_its_subjects() -> None:
    subjects = attachment_subjects()
    assert {"inspections.inspection", "intake.intakeitem"} <= set(subjects)
    assert "core.orgunit" not in subjects  # nobody sees a subject no app declares
