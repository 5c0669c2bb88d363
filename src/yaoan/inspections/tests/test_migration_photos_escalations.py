"""The data migration of issue 13: photos stored by inspections become core attachments
(the file stays where it is, its digest is copied and still checks), and the escalations
waiting in inspections become intake items."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from PIL import Image

from yaoan.core import audit
from yaoan.core.attachments import read_attachment
from yaoan.core.models import Attachment
from yaoan.inspections.models import InspectionPhoto
from yaoan.inspections.tests.helpers import World, answer_all, schedule, submit
from yaoan.intake.models import IntakeItem

BEFORE = [("inspections", "0003_inspection_draw")]
MOVED = "0004_photos_as_attachments_escalations_to_intake"


def migrate(targets: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_old_photos_and_escalations_are_moved(world: World) -> None:
    inspection = submit(world, answer_all(world, schedule(world), failing={"6.2": "发现回流药"}))
    finding = inspection.findings.get()
    old = migrate(BEFORE)
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (5, 5, 5)).save(buffer, "PNG")
    content = buffer.getvalue()
    folder = Path(settings.MEDIA_ROOT) / "inspections" / str(inspection.pk)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "old.png").write_bytes(content)
    old.get_model("inspections", "InspectionPhoto").objects.create(
        inspection_id=inspection.pk,
        item_id=finding.item_id,
        stored_name="old.png",
        original_name="旧照片.png",
        content_type="image/png",
        size=len(content),
        sm3=audit.sm3_hex(content),
        caption="货架",
        uploaded_by_id=world.inspector.pk,
        uploaded_at=timezone.now(),
    )
    old.get_model("inspections", "Escalation").objects.create(
        finding_id=finding.pk,
        target="clue",
        summary="疑似回流药",
        created_by_id=world.chief.pk,
        created_at=timezone.now(),
    )

    try:
        migrate([("inspections", MOVED)])
        check_moved(world, inspection, finding, content)
    finally:
        # back to the latest schema, for the tests that follow in this process
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def check_moved(world: World, inspection: Any, finding: Any, content: bytes) -> None:
    photo = InspectionPhoto.objects.select_related("attachment").get()
    attachment = photo.attachment
    assert attachment.path == f"inspections/{inspection.pk}/old.png"
    assert (attachment.label, attachment.original_name) == ("货架", "旧照片.png")
    assert read_attachment(attachment, actor=world.inspector) == content  # digest still checks
    item = IntakeItem.objects.get()
    assert (item.kind, item.status, item.summary) == ("clue", "new", "疑似回流药")
    assert (item.source_app, item.source_kind, item.source_id) == (
        "inspections",
        "finding",
        str(finding.pk),
    )
    assert (item.entity_id, item.org_unit_id) == (world.pharmacy.pk, world.station.pk)
    assert list(item.evidence.all()) == [attachment]
    assert Attachment.objects.count() == 1
