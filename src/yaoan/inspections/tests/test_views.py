"""Inspection pages through the test client: scoping, the phone record page and its
autosave, submission with the partner's code, photos, rectification, publication, the
public results page, and query counts of the lists."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time
from PIL import Image

from yaoan.common.testing import sign_in, totp_code
from yaoan.core.calendar import WorkingCalendar
from yaoan.core.models import AuditEvent
from yaoan.inspections import services
from yaoan.inspections.enums import InspectionStatus, ItemResult, RectificationStatus
from yaoan.inspections.models import Inspection
from yaoan.inspections.tests.helpers import (
    World,
    answer_all,
    approved_plan,
    edit_quarters,
    schedule,
    submit,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    sign_in(client, user)
    return client


def record_payload(inspection: Inspection, failing: dict[str, str] | None = None) -> dict:
    failing = failing or {}
    data = {"summary": "现场检查", "lat": "", "lon": "", "acc": ""}
    for item in inspection.checklist.items.all():
        bad = item.number in failing
        data[f"result_{item.pk}"] = ItemResult.NON_COMPLIANT if bad else ItemResult.COMPLIANT
        data[f"note_{item.pk}"] = failing.get(item.number, "")
    return data


def test_list_shows_todays_work_to_the_inspector(world: World) -> None:
    schedule(world)
    response = client_for(world.inspector).get("/inspections/")
    assert response.status_code == 200
    assert "今日待检" in response.content.decode()
    assert "仁济大药房" in response.content.decode()


def test_other_station_gets_404_and_an_audit_row(world: World) -> None:
    inspection = schedule(world)
    client = client_for(world.outsider)
    assert client.get(f"/inspections/{inspection.pk}/").status_code == 404
    assert AuditEvent.objects.filter(
        action="inspections.access.denied", success=False, object_id=str(inspection.pk)
    ).exists()
    assert "仁济大药房" not in client.get("/inspections/").content.decode()


def test_member_department_liaison_sees_no_inspections(world: World) -> None:
    from yaoan.common.testing import OrgUnitFactory, UserFactory
    from yaoan.core.enums import OrgUnitKind, Role

    liaison = UserFactory(
        org_unit=OrgUnitFactory(kind=OrgUnitKind.MEMBER_DEPARTMENT), roles=[Role.LIAISON]
    )
    assert client_for(liaison).get("/inspections/").status_code == 403


def test_record_page_saves_and_submits(world: World) -> None:
    inspection = schedule(world)
    client = client_for(world.inspector)
    page = client.get(f"/inspections/{inspection.pk}/record/")
    assert page.status_code == 200
    assert "执业药师" in page.content.decode()
    data = record_payload(inspection, {"2.1": "执业药师不在岗"})
    data |= {
        "co_inspector": str(world.partner.pk),
        "co_code": totp_code(world.partner),
        "submit": "1",
    }
    response = client.post(f"/inspections/{inspection.pk}/record/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SUBMITTED
    assert inspection.summary == "现场检查"
    detail = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "执业药师不在岗" in detail and inspection.rectification.number in detail


def test_submit_with_a_wrong_code_keeps_everything_typed(world: World) -> None:
    inspection = schedule(world)
    client = client_for(world.inspector)
    data = record_payload(inspection) | {
        "co_inspector": str(world.partner.pk),
        "co_code": "123456",
        "submit": "1",
    }
    response = client.post(f"/inspections/{inspection.pk}/record/", data)
    assert response.status_code == 200
    assert "动态口令不正确" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.IN_PROGRESS
    assert not services.missing_items(inspection)  # the answers were saved


def test_autosave_answers_json(world: World) -> None:
    inspection = schedule(world)
    item = inspection.checklist.items.first()
    assert item is not None
    response = client_for(world.inspector).post(
        f"/inspections/{inspection.pk}/draft/",
        {f"result_{item.pk}": "compliant", "lat": "29.5", "lon": "106.5", "acc": "8"},
    )
    body = json.loads(response.content)
    assert response.status_code == 200 and body["ok"] is True
    assert body["missing"] == inspection.checklist.items.count() - 1
    inspection.refresh_from_db()
    assert str(inspection.latitude) == "29.500000"


def test_autosave_after_submission_is_refused(world: World) -> None:
    inspection = submit(world, answer_all(world, schedule(world)))
    item = inspection.checklist.items.first()
    assert item is not None
    response = client_for(world.inspector).post(
        f"/inspections/{inspection.pk}/draft/", {f"result_{item.pk}": "non_compliant"}
    )
    assert response.status_code == 409
    assert "提交后修改" in json.loads(response.content)["error"]


def test_photo_of_the_wrong_type_gets_a_message(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    inspection = schedule(world)
    client = client_for(world.inspector)
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 64, "image/jpeg")
    response = client.post(f"/inspections/{inspection.pk}/photos/", {"photo": fake}, follow=True)
    assert "不是 JPEG、PNG 或 WebP 图片" in response.content.decode()
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "JPEG")
    real = SimpleUploadedFile("现场.jpg", buffer.getvalue(), "image/jpeg")
    client.post(f"/inspections/{inspection.pk}/photos/", {"photo": real})
    photo = inspection.photos.select_related("attachment").get()
    served = client.get(f"/attachments/{photo.attachment_id}/")
    assert served.status_code == 200 and served["X-Content-SM3"] == photo.attachment.sm3
    assert client_for(world.outsider).get(f"/attachments/{photo.attachment_id}/").status_code == 404


def test_chief_follows_an_order_to_closure(world: World) -> None:
    inspection = submit(world, answer_all(world, schedule(world), {"4.3": "无记录"}))
    order = inspection.rectification
    client = client_for(world.chief)
    client.post(f"/inspections/rectifications/{order.pk}/", {"respond": "1", "response": "已整改"})
    client.post(
        f"/inspections/rectifications/{order.pk}/",
        {"reinspect": "1", "passed": "1", "note": "复查合格"},
    )
    order.refresh_from_db()
    assert order.status == RectificationStatus.CLOSED
    listing = client.get("/inspections/rectifications/?status=closed").content.decode()
    assert order.number in listing


def test_reinspection_failed_on_the_page_needs_a_new_deadline(world: World) -> None:
    inspection = submit(world, answer_all(world, schedule(world), {"4.3": "无记录"}))
    order = inspection.rectification
    url = f"/inspections/rectifications/{order.pk}/"
    client = client_for(world.inspector)
    client.post(url, {"respond": "1", "response": "已整改"})
    page = client.post(url, {"reinspect": "1", "passed": "0", "note": "仍无记录"})
    assert "整改不到位的，须给出新的整改期限（日期或工作日数）" in page.content.decode()
    order.refresh_from_db()
    assert order.rounds == 1
    client.post(url, {"reinspect": "1", "passed": "0", "note": "仍无记录", "working_days": "5"})
    order.refresh_from_db()
    assert order.rounds == 2
    assert order.deadline == WorkingCalendar().add_working_days(timezone.localdate(), 5)


def test_amend_without_reason_shows_the_error(world: World) -> None:
    inspection = submit(world, answer_all(world, schedule(world)))
    response = client_for(world.inspector).post(
        f"/inspections/{inspection.pk}/amend/", {"reason": "", "summary": "改"}
    )
    assert response.status_code == 200
    assert "此字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.summary == ""


def test_publication_and_the_public_page(world: World) -> None:
    inspection = submit(world, answer_all(world, schedule(world), {"4.3": "无记录"}))
    public = Client()
    assert "仁济大药房" not in public.get("/public/inspections/").content.decode()
    chief = client_for(world.chief)
    assert "仁济大药房" in chief.get("/inspections/publication/").content.decode()
    chief.post("/inspections/publication/", {"inspection": [str(inspection.pk)]})
    page = public.get("/public/inspections/").content.decode()
    assert "仁济大药房" in page and world.pharmacy.uscc in page
    assert "发现问题，责令整改" in page and "待整改" in page
    for person in (world.inspector, world.partner):
        assert person.display_name not in page and person.username not in page


def test_inspector_cannot_publish(world: World) -> None:
    inspection = submit(world, answer_all(world, schedule(world)))
    response = client_for(world.inspector).post(
        "/inspections/publication/", {"inspection": [str(inspection.pk)]}
    )
    assert response.status_code == 403
    inspection.refresh_from_db()
    assert inspection.published_at is None


def test_entity_profile_shows_inspections_and_the_risk_rule(world: World) -> None:
    submit(world, answer_all(world, schedule(world), {"2.1": "不在岗"}))
    page = client_for(world.chief).get(world.pharmacy.get_absolute_url()).content.decode()
    assert "按检查记录评定风险等级" in page
    assert "有主要缺陷或一般缺陷达3项 → C级" in page
    assert "未销号的整改" in page


def test_from_plan_page_names_the_entities_it_skipped(world: World) -> None:
    from yaoan.common.testing import EntityFactory
    from yaoan.registry.models import Entity

    gone = EntityFactory(subdistrict=world.pharmacy.subdistrict, name="已删除药房")
    with freeze_time(dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)):
        plan = approved_plan(world, 2026)
        for entity in (world.pharmacy, gone):
            edit_quarters(plan, entity, [1, 0, 0, 0])
        Entity.objects.filter(pk=gone.pk).update(is_deleted=True)
        response = client_for(world.chief).post(
            "/inspections/from-plan/",
            {"year": "2026", "quarter": "1", "station": world.station.pk},
            follow=True,
        )
    page = response.content.decode()
    assert "已按年度重点检查清单安排 1 次检查" in page
    assert "未安排检查，请在年度清单中调整：已删除药房（已删除）" in page
    assert Inspection.objects.get().entity == world.pharmacy


@pytest.mark.parametrize("value", ["99999999999999999999", "²"])
def test_ids_no_column_can_hold_are_no_ids(world: World, value: str) -> None:
    inspection = submit(world, answer_all(world, schedule(world)))
    chief = client_for(world.chief)
    published = chief.post("/inspections/publication/", {"inspection": [value]})
    assert published.status_code == 302
    assert "已公示 0 条抽查结果" in chief.get("/inspections/publication/").content.decode()
    inspection.refresh_from_db()
    assert inspection.published_at is None
    assert chief.get(f"/inspections/new/?entity={value}")["Location"] == "/registry/entities/"
