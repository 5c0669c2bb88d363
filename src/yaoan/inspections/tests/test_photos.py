"""Inspection photos through the attachment service and its scoped serving view: the
team uploads, whoever sees the inspection sees the photo, another station gets 404, a
changed file is refused and audited (S21), an oversized upload is 413 (S22)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from yaoan.common.testing import sign_in
from yaoan.core.attachments import delete_attachment
from yaoan.core.models import AuditEvent, User
from yaoan.inspections import photos
from yaoan.inspections.models import Inspection, InspectionPhoto
from yaoan.inspections.tests.helpers import World, schedule

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def jpeg(name: str = "现场.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (1, 2, 3)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/jpeg")


def uploaded(world: World) -> tuple[Inspection, InspectionPhoto, Client]:
    inspection = schedule(world)
    client = client_for(world.inspector)
    response = client.post(
        f"/inspections/{inspection.pk}/photos/", {"photo": jpeg(), "caption": "柜台"}
    )
    assert response.status_code == 302
    return inspection, inspection.photos.select_related("attachment").get(), client


def test_the_team_uploads_and_the_checklist_shows_the_photo(world: World) -> None:
    inspection, photo, client = uploaded(world)
    assert (photo.attachment.label, photo.attachment.original_name) == ("柜台", "现场.jpg")
    page = client.get(f"/inspections/{inspection.pk}/record/").content.decode()
    assert f'src="/attachments/{photo.attachment_id}/"' in page
    served = client.get(f"/attachments/{photo.attachment_id}/")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served.content == jpeg().read()


def test_another_stations_user_gets_404_and_an_audit_row(world: World) -> None:
    _inspection, photo, _client = uploaded(world)
    outsider = client_for(world.outsider)
    response = outsider.get(f"/attachments/{photo.attachment_id}/")
    assert response.status_code == 404
    refused = AuditEvent.objects.get(action="core.attachment.refused")
    assert (refused.actor_id, refused.object_id) == (world.outsider.pk, str(photo.attachment_id))
    assert client_for(world.chief).get(f"/attachments/{photo.attachment_id}/").status_code == 200
    assert outsider.get("/attachments/999999/").status_code == 404  # the same answer


def test_a_changed_file_is_refused_with_409_and_audited(world: World) -> None:
    _inspection, photo, client = uploaded(world)
    path = Path(settings.MEDIA_ROOT) / photo.attachment.path
    path.chmod(0o640)
    data = bytearray(path.read_bytes())
    data[10] ^= 0xFF
    path.write_bytes(bytes(data))
    response = client.get(f"/attachments/{photo.attachment_id}/")
    assert response.status_code == 409
    assert "SM3 摘要不一致" in response.content.decode()
    event = AuditEvent.objects.get(action="core.attachment.tampered")
    assert (event.success, event.actor_id) == (False, world.inspector.pk)


def test_oversized_upload_is_413_and_nothing_is_stored(world: World, settings: object) -> None:
    settings.UPLOAD_MAX_MB = 0  # type: ignore[attr-defined]
    inspection = schedule(world)
    response = client_for(world.inspector).post(
        f"/inspections/{inspection.pk}/photos/", {"photo": jpeg()}
    )
    assert response.status_code == 413
    assert not inspection.photos.exists()


def test_renamed_exe_is_refused_on_the_page(world: World) -> None:
    inspection = schedule(world)
    exe = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 64, "image/jpeg")
    response = client_for(world.inspector).post(
        f"/inspections/{inspection.pk}/photos/", {"photo": exe}, follow=True
    )
    assert "不是 JPEG、PNG 或 WebP 图片" in response.content.decode()
    assert not inspection.photos.exists()


def test_a_deleted_photo_is_no_longer_served_or_shown(world: World) -> None:
    inspection, photo, client = uploaded(world)
    delete_attachment(photo.attachment, actor=world.inspector, reason="拍错对象")
    assert client.get(f"/attachments/{photo.attachment_id}/").status_code == 404
    assert list(photos.photos_of(inspection)) == []
