"""A finding handed on through intake, end to end: the chief escalates a serious finding
from the inspection page, the item waits in the intake inbox with the photos of the item
as evidence and a link back, a decider rejects it with a reason, and the audit log shows
each step."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from yaoan.common.testing import UserFactory, sign_in
from yaoan.core.enums import Role
from yaoan.core.models import AuditEvent, User
from yaoan.inspections.tests.helpers import World, answer_all, schedule, submit
from yaoan.intake.enums import IntakeStatus
from yaoan.intake.models import IntakeItem

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def photo_of_item(world: World, inspection_pk: int, item_pk: int) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (9, 9, 9)).save(buffer, "JPEG")
    upload = SimpleUploadedFile("回流药.jpg", buffer.getvalue(), "image/jpeg")
    client_for(world.inspector).post(
        f"/inspections/{inspection_pk}/photos/", {"photo": upload, "item": item_pk}
    )


def test_finding_escalated_waits_in_the_inbox_and_is_rejected_with_a_reason(world: World) -> None:
    inspection = schedule(world)
    item = inspection.checklist.items.get(number="6.2")
    photo_of_item(world, inspection.pk, item.pk)
    inspection = submit(world, answer_all(world, inspection, failing={"6.2": "发现回流药"}))
    finding = inspection.findings.get()

    chief = client_for(world.chief)
    response = chief.post(
        f"/inspections/findings/{finding.pk}/escalate/",
        {"targets": ["clue", "risk"], "summary": "疑似收购回流药品"},
    )
    assert response.status_code == 302
    clue = IntakeItem.objects.get(kind="clue")
    assert clue.source_url == inspection.get_absolute_url()
    assert [a.original_name for a in clue.evidence.all()] == ["回流药.jpg"]
    detail = chief.get(inspection.get_absolute_url()).content.decode()
    assert f'href="/intake/{clue.pk}/"' in detail

    inbox = chief.get("/intake/?kind=clue&status=new&source_app=inspections").content.decode()
    assert f'href="/intake/{clue.pk}/"' in inbox and "疑似收购回流药品" not in inbox
    page = chief.get(f"/intake/{clue.pk}/").content.decode()
    assert f'href="{inspection.get_absolute_url()}"' in page
    assert f'href="/attachments/{clue.evidence.get().pk}/"' in page
    assert f'href="/intake/{clue.pk}/reject/"' in page

    officer = UserFactory(org_unit=world.chief.org_unit, roles=[Role.CASE_OFFICER])
    client = client_for(officer)
    refused = client.post(f"/intake/{clue.pk}/reject/", {"reason": ""})
    assert refused.status_code == 200 and "这个字段是必填项" in refused.content.decode()
    done = client.post(f"/intake/{clue.pk}/reject/", {"reason": "已由市局立案查处"})
    assert done.status_code == 302
    clue.refresh_from_db()
    assert (clue.status, clue.decision_reason) == (IntakeStatus.REJECTED, "已由市局立案查处")
    actions = list(
        AuditEvent.objects.filter(
            action__in=[
                "inspections.finding.escalated",
                "intake.intakeitem.submitted",
                "intake.intakeitem.rejected",
            ]
        )
        .order_by("seq")
        .values_list("action", "reason")
    )
    assert actions == [
        ("intake.intakeitem.submitted", "疑似收购回流药品"),
        ("intake.intakeitem.submitted", "疑似收购回流药品"),
        ("inspections.finding.escalated", "疑似收购回流药品"),
        ("intake.intakeitem.rejected", "已由市局立案查处"),
    ]
    assert "intake/reject" not in chief.get(f"/intake/{clue.pk}/").content.decode()


def test_station_sees_its_items_another_station_gets_404(world: World) -> None:
    inspection = submit(world, answer_all(world, schedule(world), failing={"6.2": "发现回流药"}))
    finding = inspection.findings.get()
    from yaoan.inspections import escalation

    (item,) = escalation.escalate_finding(
        actor=world.chief, finding=finding, targets=["risk"], summary="风险"
    )
    assert client_for(world.inspector).get(f"/intake/{item.pk}/").status_code == 200
    outsider = client_for(world.outsider)
    assert outsider.get(f"/intake/{item.pk}/").status_code == 404
    assert f"/intake/{item.pk}/" not in outsider.get("/intake/").content.decode()
    assert AuditEvent.objects.filter(action="intake.access.denied", success=False).exists()
