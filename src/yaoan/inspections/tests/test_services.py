"""Inspection services: scheduling, the on-world record, submission with two confirmations,
findings → rectification → re-inspection, amendments with reasons, escalation,
publication, photos with digests, and the risk grade from history."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from freezegun import freeze_time
from PIL import Image

import yaoan.urls  # noqa: F401  (freezegun: import the URLconf before freezing time)
from yaoan.common.testing import totp_code
from yaoan.core.attachments import AttachmentTamperedError
from yaoan.core.calendar import WorkingCalendar
from yaoan.core.models import AuditEvent
from yaoan.core.transitions import allowed_actions
from yaoan.inspections import (
    amendments,
    escalation,
    grading,
    photos,
    publication,
    rectification,
    scheduling,
    services,
)
from yaoan.inspections.enums import (
    EscalationTarget,
    InspectionKind,
    InspectionResult,
    InspectionStatus,
    ItemResult,
    RectificationStatus,
    Severity,
)
from yaoan.inspections.models import Inspection, RectificationOrder
from yaoan.inspections.tests.helpers import World, answer_all, draw, schedule, submit
from yaoan.inspections.workflow import INSPECTION, RECTIFICATION
from yaoan.intake.enums import IntakeStatus
from yaoan.intake.models import IntakeItem

pytestmark = pytest.mark.django_db
WEDNESDAY = dt.datetime(2026, 6, 10, 10, 0, tzinfo=dt.UTC)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


# --- checklists ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entity_type", "code"),
    [
        ("retail_pharmacy", "retail_pharmacy"),
        ("vaccination_site", "vaccination_site"),
        ("cdc", "vaccination_site"),
        ("device_dealer", "device_dealer"),
        ("cosmetics_dealer", "cosmetics_dealer"),
        ("clinic", "drug_user"),
        ("wholesaler", "wholesaler"),
        ("platform", "general"),
    ],
)
def test_checklist_is_chosen_by_entity_type(entity_type: str, code: str) -> None:
    assert scheduling.checklist_for(entity_type).code == code


def test_shipped_checklists_cover_what_the_issue_names() -> None:
    texts = {
        code: " ".join(i.text for i in scheduling.checklist_for(code).items.all())
        for code in ("retail_pharmacy", "vaccination_site", "device_dealer", "cosmetics_dealer")
    }
    assert "执业药师" in texts["retail_pharmacy"] and "凭处方" in texts["retail_pharmacy"]
    assert "中药饮片" in texts["retail_pharmacy"] and "2～8℃" in texts["retail_pharmacy"]
    assert "2～8℃" in texts["vaccination_site"] and "扫码" in texts["vaccination_site"]
    assert "植入" in texts["device_dealer"] and "过期" in texts["device_dealer"]
    assert "小金盾" in texts["cosmetics_dealer"] and "一号多用" in texts["cosmetics_dealer"]


# --- scheduling ----------------------------------------------------------------------------


def test_schedule_needs_two_inspectors(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        schedule(world, kind=InspectionKind.PLANNED, inspectors=[world.inspector])
    assert "至少安排两名检查人员" in str(exc.value)
    assert not Inspection.objects.exists()


def test_random_inspection_only_comes_from_a_draw(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        scheduling.schedule_inspection(
            actor=world.chief,
            entity=world.pharmacy,
            kind=InspectionKind.RANDOM,
            scheduled_for=dt.date(2026, 6, 10),
            inspectors=[world.inspector, world.partner],
        )
    assert "只能由双随机抽取产生" in str(exc.value)


def test_drawn_inspection_is_cancelled_only_by_a_redraw(world: World) -> None:
    inspection = schedule(world)
    # the permission of the "cancel" row refuses a drawn inspection: no button, no change
    with pytest.raises(PermissionDenied):
        scheduling.cancel_inspection(actor=world.chief, inspection=inspection, reason="不想查了")
    assert "cancel" not in {t.action for t in allowed_actions(INSPECTION, inspection, world.chief)}
    planned = schedule(world, kind=InspectionKind.PLANNED)
    assert "cancel" in {t.action for t in allowed_actions(INSPECTION, planned, world.chief)}


def test_inspector_with_a_recorded_conflict_cannot_be_on_the_team(world: World) -> None:
    from yaoan.staff import services as staff_services

    staff_services.record_conflict(
        actor=world.chief,
        inspector=world.partner,
        entity=world.pharmacy,
        kind="relative",
        note="配偶",
    )
    with pytest.raises(ValidationError) as exc:
        schedule(world, kind=InspectionKind.FLYING, reason="举报线索")
    assert "应当回避" in str(exc.value) and world.partner.display_name in str(exc.value)


def test_a_drawn_team_with_a_recorded_conflict_is_refused_too(world: World) -> None:
    """A conflict recorded after a draw's commitment is not in its frozen inputs: the
    listener's scheduling must not trust the draw to have avoided it."""
    from yaoan.staff import services as staff_services

    drawn = draw(world)
    staff_services.record_conflict(
        actor=world.chief, inspector=world.partner, entity=world.pharmacy, kind="relative"
    )
    with pytest.raises(ValidationError) as exc:
        scheduling.schedule_inspection(
            actor=world.chief,
            entity=world.pharmacy,
            kind=InspectionKind.RANDOM,
            scheduled_for=timezone.localdate(),
            inspectors=[world.inspector, world.partner],
            draw=drawn,
        )
    assert "应当回避" in str(exc.value) and world.partner.display_name in str(exc.value)


def test_joint_inspection_needs_someone_from_the_partner_department(world: World) -> None:
    from yaoan.common.testing import OrgUnitFactory
    from yaoan.core.enums import OrgUnitKind

    health = OrgUnitFactory(kind=OrgUnitKind.MEMBER_DEPARTMENT, name="区卫生健康委员会")
    with pytest.raises(ValidationError) as exc:
        schedule(world, kind=InspectionKind.PLANNED, joint_department=health)
    assert "区卫生健康委员会的检查人员" in str(exc.value)


def test_wrong_partner_codes_are_counted_and_audited(world: World) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    inspection = answer_all(world, schedule(world))
    for _attempt in range(2):
        with pytest.raises(ValidationError):
            services.submit_inspection(
                actor=world.inspector,
                inspection=inspection,
                co_inspector=world.partner,
                co_code="000000",
            )
    device = TOTPDevice.objects.get(user=world.partner)
    # kept although the submission was refused; the second try fell in the throttle's delay
    assert device.throttling_failure_count == 1
    assert (
        AuditEvent.objects.filter(
            action="inspections.inspection.confirmation_failed", success=False
        ).count()
        == 2
    )


def test_a_deadline_in_an_unknown_year_is_provisional_and_work_goes_on(world: World) -> None:
    from yaoan.core.models import CalendarYearOverride

    CalendarYearOverride.objects.all().delete()  # 2027 unknown, as it is to the package
    with freeze_time(dt.datetime(2026, 12, 20, 2, 0, tzinfo=dt.UTC)):
        inspection = submit(world, answer_all(world, schedule(world), failing={"4.3": "无记录"}))
    assert inspection.status == InspectionStatus.SUBMITTED
    order = RectificationOrder.objects.get(inspection=inspection)
    assert order.due is not None and order.due.provisional
    assert order.deadline is not None and order.deadline.year == 2027
    publication = inspection.publication_deadline
    assert publication is not None and publication.provisional


def test_complaint_inspection_needs_a_reason(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        schedule(world, kind=InspectionKind.COMPLAINT)
    assert "检查事由" in str(exc.value)


def test_station_inspector_cannot_schedule_outside_their_grid(world: World) -> None:
    with pytest.raises(PermissionDenied):
        schedule(world, actor=world.outsider, kind=InspectionKind.FLYING, reason="举报线索")


def test_schedule_is_audited_with_its_team(world: World) -> None:
    inspection = schedule(world)
    event = AuditEvent.objects.get(action="inspections.inspection.scheduled")
    assert event.object_id == str(inspection.pk)
    assert event.after["inspectors"] == sorted([world.inspector.username, world.partner.username])
    assert inspection.station == world.station
    assert inspection.checklist.code == "retail_pharmacy"


# --- on world -------------------------------------------------------------------------------


def test_draft_save_starts_the_inspection_with_server_times(world: World) -> None:
    inspection = schedule(world)
    location = services.parse_location("29.56301", "106.55155", "12")
    with freeze_time(WEDNESDAY):
        first = inspection.checklist.items.first()
        assert first is not None
        saved = services.save_draft(
            actor=world.inspector,
            inspection=inspection,
            records={first.pk: (ItemResult.COMPLIANT, "")},
            location=location,
        )
    assert saved.status == InspectionStatus.IN_PROGRESS
    assert saved.started_at == WEDNESDAY
    assert saved.located_at == WEDNESDAY
    assert str(saved.latitude) == "29.563010"
    assert len(services.missing_items(saved)) == saved.checklist.items.count() - 1


def test_only_the_team_records(world: World) -> None:
    inspection = schedule(world)
    with pytest.raises(PermissionDenied):
        services.save_draft(actor=world.outsider, inspection=inspection, records={})


def test_bad_location_is_refused() -> None:
    with pytest.raises(ValidationError):
        services.parse_location("95", "106.5")
    with pytest.raises(ValidationError):
        services.parse_location("abc", "106.5")
    with pytest.raises(ValidationError):
        services.parse_location("NaN", "106.5")


def test_incomplete_checklist_cannot_be_submitted(world: World) -> None:
    inspection = schedule(world)
    services.start_inspection(actor=world.inspector, inspection=inspection)
    with pytest.raises(ValidationError) as exc:
        submit(world, inspection)
    assert "未填写" in str(exc.value)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.IN_PROGRESS
    assert not inspection.findings.exists()


def test_non_compliant_item_needs_a_note(world: World) -> None:
    inspection = answer_all(world, schedule(world), failing={"2.1": ""})
    with pytest.raises(ValidationError) as exc:
        submit(world, inspection)
    assert "2.1" in str(exc.value)


def test_submission_needs_the_second_inspectors_own_code(world: World) -> None:
    inspection = answer_all(world, schedule(world))
    with pytest.raises(ValidationError) as exc:
        services.submit_inspection(
            actor=world.inspector,
            inspection=inspection,
            co_inspector=world.partner,
            co_code="000000",
        )
    assert "动态口令不正确" in str(exc.value)
    with pytest.raises(ValidationError):  # one's own code does not count twice
        services.submit_inspection(
            actor=world.inspector,
            inspection=inspection,
            co_inspector=world.inspector,
            co_code=totp_code(world.inspector),
        )
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.IN_PROGRESS


def test_a_used_code_is_refused_the_second_time(world: World) -> None:
    first = answer_all(world, schedule(world))
    second = answer_all(world, schedule(world))
    code = totp_code(world.partner)
    services.submit_inspection(
        actor=world.inspector, inspection=first, co_inspector=world.partner, co_code=code
    )
    with pytest.raises(ValidationError):
        services.submit_inspection(
            actor=world.inspector, inspection=second, co_inspector=world.partner, co_code=code
        )


def test_compliant_inspection_has_no_order_but_a_publication_deadline(world: World) -> None:
    with freeze_time(WEDNESDAY):
        inspection = submit(world, answer_all(world, schedule(world)))
    assert inspection.status == InspectionStatus.SUBMITTED
    assert inspection.result == InspectionResult.COMPLIANT
    assert inspection.number.startswith("药检记〔2026〕")
    # 20 working days from Wednesday 2026-06-10, over the 端午 holiday on 06-19
    assert inspection.publication_due == dt.date(2026, 7, 9)
    assert not RectificationOrder.objects.exists()
    assert inspection.team.filter(confirmed_at__isnull=False).count() == 2


def test_findings_open_a_rectification_order_on_working_days(world: World) -> None:
    with freeze_time(WEDNESDAY):
        inspection = answer_all(
            world, schedule(world), failing={"2.1": "执业药师不在岗", "4.3": "无温湿度记录"}
        )
        inspection = submit(world, inspection)
    findings = list(inspection.findings.order_by("id"))
    assert [(f.item.number, f.severity) for f in findings if f.item] == [
        ("2.1", Severity.MAJOR),
        ("4.3", Severity.MINOR),
    ]
    assert findings[0].description.endswith("：执业药师不在岗")
    assert inspection.result == InspectionResult.RECTIFY
    order = inspection.rectification
    assert order.status == RectificationStatus.OPEN
    assert order.deadline == dt.date(2026, 7, 2)  # 15 working days, 端午 skipped
    assert order.number.startswith("责改通〔2026〕")


def test_critical_finding_makes_a_serious_result(world: World) -> None:
    inspection = submit(world, answer_all(world, schedule(world), failing={"4.2": "冷藏柜12℃"}))
    assert inspection.result == InspectionResult.SERIOUS


def test_submitted_record_cannot_be_drafted_again(world: World) -> None:
    inspection = submit(world, answer_all(world, schedule(world)))
    with pytest.raises(ValidationError) as exc:
        answer_all(world, inspection)
    assert "提交后修改" in str(exc.value)


# --- amendments ----------------------------------------------------------------------------


def test_amendment_needs_a_reason_and_keeps_both_values(world: World) -> None:
    inspection = submit(world, answer_all(world, schedule(world), failing={"2.1": "不在岗"}))
    finding = inspection.findings.get()
    with pytest.raises(ValidationError) as exc:
        amendments.amend_inspection(actor=world.inspector, inspection=inspection, reason=" ")
    assert "原因" in str(exc.value)
    pending = amendments.amend_inspection(
        actor=world.inspector,
        inspection=inspection,
        reason="复核后认定为严重缺陷",
        severities={finding.pk: Severity.CRITICAL},
    )
    assert pending is not None
    proposed = AuditEvent.objects.get(action="inspections.inspection.amendment_proposed")
    assert proposed.reason == "复核后认定为严重缺陷"
    assert proposed.before[f"finding {finding.pk} severity"] == Severity.MAJOR
    assert proposed.after[f"finding {finding.pk} severity"] == Severity.CRITICAL
    decided = amendments.decide_amendment(actor=world.chief, amendment=pending, approve=True)
    assert decided.after["result"] == InspectionResult.SERIOUS
    assert AuditEvent.objects.filter(action="inspections.inspectionamendment.approved").exists()


# --- workflow ------------------------------------------------------------------------------


def test_transition_tables_list_every_legal_change() -> None:
    assert {t.target for t in INSPECTION.transitions} == {
        InspectionStatus.IN_PROGRESS,
        InspectionStatus.SUBMITTED,
        InspectionStatus.CANCELLED,
    }
    assert INSPECTION.transition(InspectionStatus.SUBMITTED, "cancel") is None
    assert RECTIFICATION.transition(RectificationStatus.CLOSED, "respond") is None


def test_submitted_inspection_cannot_be_cancelled(world: World) -> None:
    inspection = submit(world, answer_all(world, schedule(world, kind=InspectionKind.PLANNED)))
    with pytest.raises(ValidationError) as exc:
        scheduling.cancel_inspection(actor=world.chief, inspection=inspection, reason="重复")
    assert exc.value.code == "illegal_transition"
    assert "“已提交”，不能执行“取消检查”" in exc.value.messages[0]


def test_cancel_needs_the_chief_and_a_reason(world: World) -> None:
    inspection = schedule(world, kind=InspectionKind.PLANNED)
    with pytest.raises(PermissionDenied):
        scheduling.cancel_inspection(actor=world.inspector, inspection=inspection, reason="x")
    with pytest.raises(ValidationError):
        scheduling.cancel_inspection(actor=world.chief, inspection=inspection, reason="")
    scheduling.cancel_inspection(actor=world.chief, inspection=inspection, reason="企业已注销")
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.CANCELLED


def test_rectification_cycle_fail_then_pass(world: World) -> None:
    inspection = submit(world, answer_all(world, schedule(world), failing={"4.3": "无记录"}))
    order = inspection.rectification
    with pytest.raises(ValidationError):  # nothing to re-inspect before a response … allowed
        rectification.record_rectification_response(actor=world.inspector, order=order, response="")
    order = rectification.record_rectification_response(
        actor=world.inspector, order=order, response="已配置温湿度计并建立记录"
    )
    assert order.status == RectificationStatus.RESPONDED
    with pytest.raises(ValidationError) as caught:  # 重新限期整改 needs the new deadline
        rectification.record_reinspection(
            actor=world.inspector, order=order, passed=False, note="记录不完整"
        )
    assert caught.value.message_dict["new_deadline"] == [
        "整改不到位的，须给出新的整改期限（日期或工作日数）"
    ]
    order = rectification.record_reinspection(
        actor=world.inspector, order=order, passed=False, note="记录不完整", working_days=10
    )
    assert (order.status, order.rounds) == (RectificationStatus.OPEN, 2)
    assert order.deadline == WorkingCalendar().add_working_days(timezone.localdate(), 10)
    order = rectification.record_rectification_response(
        actor=world.inspector, order=order, response="补齐记录"
    )
    order = rectification.record_reinspection(
        actor=world.partner, order=order, passed=True, note="已整改到位"
    )
    assert order.status == RectificationStatus.CLOSED
    assert order.closed_by == world.partner
    with pytest.raises(ValidationError):
        rectification.record_rectification_response(
            actor=world.inspector, order=order, response="x"
        )


def test_a_failed_reinspection_takes_a_future_date_as_the_new_deadline(world: World) -> None:
    inspection = submit(world, answer_all(world, schedule(world), failing={"4.3": "无记录"}))
    order = rectification.record_rectification_response(
        actor=world.inspector, order=inspection.rectification, response="已整改"
    )
    today = timezone.localdate()
    for bad in (today, today - dt.timedelta(days=3)):
        with pytest.raises(ValidationError) as caught:
            rectification.record_reinspection(
                actor=world.inspector, order=order, passed=False, note="未整改", new_deadline=bad
            )
        assert caught.value.error_dict["new_deadline"][0].code == "in_the_past"
        assert "须晚于今天" in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        rectification.record_reinspection(
            actor=world.inspector,
            order=order,
            passed=False,
            note="未整改",
            new_deadline=today + dt.timedelta(days=9),
            working_days=5,
        )
    assert "只填写日期或工作日数之一" in caught.value.messages[0]
    order.refresh_from_db()
    assert (order.status, order.rounds) == (RectificationStatus.RESPONDED, 1)
    due = today + dt.timedelta(days=9)
    order = rectification.record_reinspection(
        actor=world.inspector, order=order, passed=False, note="未整改", new_deadline=due
    )
    assert (order.deadline, order.rounds) == (due, 2)
    event = AuditEvent.objects.get(action="inspections.rectificationorder.reopened")
    assert event.after["deadline"] == due.isoformat()


def test_outsider_cannot_follow_up_an_order(world: World) -> None:
    inspection = submit(world, answer_all(world, schedule(world), failing={"4.3": "无记录"}))
    with pytest.raises(PermissionDenied):
        rectification.record_rectification_response(
            actor=world.outsider, order=inspection.rectification, response="x"
        )


# --- escalation and publication ------------------------------------------------------------


def test_escalation_in_one_step_to_clue_and_risk(world: World) -> None:
    inspection = submit(world, answer_all(world, schedule(world), failing={"6.2": "发现回流药"}))
    finding = inspection.findings.get()
    created = escalation.escalate_finding(
        actor=world.chief,
        finding=finding,
        targets=[EscalationTarget.CLUE, EscalationTarget.RISK],
        summary="疑似收购回流药品",
    )
    assert {i.kind for i in created} == {"clue", "risk"}
    assert {i.status for i in created} == {IntakeStatus.NEW}
    assert all(i.entity == world.pharmacy and i.org_unit == world.station for i in created)
    assert (
        IntakeItem.objects.filter(source_app="inspections", source_id=str(finding.pk)).count() == 2
    )
    with pytest.raises(ValidationError):  # not twice to the same place
        escalation.escalate_finding(
            actor=world.chief, finding=finding, targets=["clue"], summary="again"
        )
    with pytest.raises(PermissionDenied):
        escalation.escalate_finding(
            actor=world.inspector, finding=finding, targets=["risk"], summary="x"
        )


def test_publication_only_for_submitted_random_results(world: World) -> None:
    with freeze_time(WEDNESDAY):
        random = submit(world, answer_all(world, schedule(world)))
    with freeze_time(WEDNESDAY + dt.timedelta(minutes=1)):  # a one-time code works once
        planned = submit(world, answer_all(world, schedule(world, kind=InspectionKind.PLANNED)))
    assert planned.publication_due is None
    with pytest.raises(ValidationError):
        publication.publish_results(actor=world.chief, inspections=[planned])
    assert publication.publish_results(actor=world.chief, inspections=[random]) == 1
    assert publication.publish_results(actor=world.chief, inspections=[random]) == 0
    random.refresh_from_db()
    assert random.published_at is not None
    with pytest.raises(PermissionDenied):
        publication.publish_results(actor=world.inspector, inspections=[random])


# --- photos --------------------------------------------------------------------------------


def test_photo_is_stored_with_its_digest_and_checked_on_read(world: World) -> None:
    inspection = schedule(world)
    photo = photos.add_photo(
        actor=world.inspector, inspection=inspection, content=png_bytes(), name="现场.png"
    )
    attachment = photo.attachment
    assert (attachment.content_type, attachment.subject_id) == ("image/png", inspection.pk)
    assert photos.read_photo(photo, actor=world.inspector) == png_bytes()
    stored = Path(settings.MEDIA_ROOT) / attachment.path
    stored.chmod(0o640)
    data = bytearray(stored.read_bytes())
    data[-1] ^= 0x01
    stored.write_bytes(bytes(data))
    with pytest.raises(AttachmentTamperedError):
        photos.read_photo(photo, actor=world.inspector)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00" + b"\x00" * 100, "不是 JPEG、PNG 或 WebP 图片"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "已损坏"),
    ],
)
def test_wrong_photos_are_refused(world: World, content: bytes, message: str) -> None:
    inspection = schedule(world)
    with pytest.raises(ValidationError) as exc:
        photos.add_photo(
            actor=world.inspector, inspection=inspection, content=content, name="a.jpg"
        )
    assert message in str(exc.value)
    assert not inspection.photos.exists()


def test_oversized_photo_is_refused(world: World, settings: object) -> None:
    settings.UPLOAD_MAX_MB = 0  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as exc:
        photos.add_photo(
            actor=world.inspector, inspection=schedule(world), content=png_bytes(), name="big.png"
        )
    assert "超过" in str(exc.value)


def test_photos_only_by_the_team_while_the_visit_is_open(world: World) -> None:
    inspection = schedule(world)
    with pytest.raises(PermissionDenied):
        photos.add_photo(
            actor=world.outsider, inspection=inspection, content=png_bytes(), name="x.png"
        )
    submitted = submit(world, answer_all(world, inspection))
    with pytest.raises(ValidationError):
        photos.add_photo(
            actor=world.inspector, inspection=submitted, content=png_bytes(), name="x.png"
        )


# --- risk grade ----------------------------------------------------------------------------


def test_risk_grade_recomputed_from_history(world: World) -> None:
    submit(world, answer_all(world, schedule(world), failing={"2.1": "不在岗"}))
    grade, basis = grading.recompute_risk_grade(actor=world.chief, entity=world.pharmacy)
    assert (grade, basis) == ("C", "major_or_many_minor")
    world.pharmacy.refresh_from_db()
    assert world.pharmacy.risk_grade == "C"
    change = world.pharmacy.rating_changes.get()
    assert change.source == "inspections"
    with pytest.raises(PermissionDenied):
        grading.recompute_risk_grade(actor=world.inspector, entity=world.pharmacy)


def test_overdue_order_makes_grade_d(world: World) -> None:
    with freeze_time(WEDNESDAY):
        submit(world, answer_all(world, schedule(world), failing={"4.3": "无记录"}))
    with freeze_time(WEDNESDAY + dt.timedelta(days=40)):
        history = grading.inspection_history(
            world.pharmacy, timezone.localdate(), grading.GRADING_RULE
        )
        assert history.overdue_orders == 1
        assert grading.recompute_risk_grade(actor=world.chief, entity=world.pharmacy)[0] == "D"
