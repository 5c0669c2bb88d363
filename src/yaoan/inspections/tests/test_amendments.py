"""Changes after submission: a published result, or a defect's grade, changes only with a
second person's approval (a section chief other than the proposer), and the public page
then shows a correction notice (更正说明) with its date and reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from yaoan.common.testing import UserFactory, sign_in
from yaoan.core.enums import Role
from yaoan.core.models import AuditEvent, Notification
from yaoan.inspections import amendments, publication
from yaoan.inspections.enums import AmendmentStatus, InspectionResult, Severity
from yaoan.inspections.models import Inspection
from yaoan.inspections.tests.helpers import World, answer_all, schedule, submit

pytestmark = pytest.mark.django_db


def _published_serious(world: World) -> Inspection:
    inspection = submit(world, answer_all(world, schedule(world), failing={"2.1": "不在岗"}))
    finding = inspection.findings.get()
    pending = amendments.amend_inspection(
        actor=world.inspector,
        inspection=inspection,
        reason="执业药师长期不在岗，认定为严重缺陷",
        severities={finding.pk: Severity.CRITICAL},
    )
    assert pending is not None
    amendments.decide_amendment(actor=world.chief, amendment=pending, approve=True)
    publication.publish_results(actor=world.chief, inspections=[inspection])
    inspection.refresh_from_db()
    assert inspection.result == InspectionResult.SERIOUS
    return inspection


def test_a_summary_change_before_publication_applies_at_once(world: World) -> None:
    inspection = submit(world, answer_all(world, schedule(world)))
    amendment = amendments.amend_inspection(
        actor=world.inspector, inspection=inspection, reason="补充说明", summary="现场秩序良好"
    )
    assert amendment is None  # applied at once, audited
    assert AuditEvent.objects.get(action="inspections.inspection.amended").reason == "补充说明"
    inspection.refresh_from_db()
    assert inspection.summary == "现场秩序良好"
    assert (
        amendments.amend_inspection(
            actor=world.inspector, inspection=inspection, reason="x", summary="现场秩序良好"
        )
        is None
    )


def test_downgrading_a_published_serious_result_waits_for_another_chief(world: World) -> None:
    inspection = _published_serious(world)
    finding = inspection.findings.get()
    pending = amendments.amend_inspection(
        actor=world.inspector,
        inspection=inspection,
        reason="企业提供了排班记录，改为一般缺陷",
        severities={finding.pk: Severity.MINOR},
    )
    assert pending is not None and pending.status == AmendmentStatus.PENDING
    asked = Notification.objects.filter(recipient=world.chief, kind="approval_requested")
    assert asked.count() == 2  # this change and the one before publication
    assert {n.link for n in asked} == {inspection.get_absolute_url()}
    inspection.refresh_from_db()
    finding.refresh_from_db()
    assert (inspection.result, finding.severity) == (InspectionResult.SERIOUS, Severity.CRITICAL)
    public = Client().get("/public/inspections/").content.decode()
    assert "更正说明" not in public
    # no second change while one waits, the inspector cannot decide it
    with pytest.raises(ValidationError) as caught:
        amendments.amend_inspection(
            actor=world.partner, inspection=inspection, reason="再改", summary="再改"
        )
    assert caught.value.code == "amendment_pending"
    with pytest.raises(PermissionDenied):
        amendments.decide_amendment(actor=world.partner, amendment=pending, approve=True)
    # a chief's own proposal needs another chief
    pending.proposed_by = world.chief
    pending.save(update_fields=["proposed_by"])
    with pytest.raises(ValidationError) as caught:
        amendments.decide_amendment(actor=world.chief, amendment=pending, approve=True)
    assert caught.value.code == "approver_is_submitter"
    other_chief = UserFactory(org_unit=world.chief.org_unit, roles=[Role.SECTION_CHIEF])
    decided = amendments.decide_amendment(actor=other_chief, amendment=pending, approve=True)
    assert decided.status == AmendmentStatus.APPROVED and decided.public_notice
    told = Notification.objects.filter(recipient=world.chief, kind="approved")  # the proposer
    assert told.count() == 1
    inspection.refresh_from_db()
    assert inspection.result == InspectionResult.RECTIFY
    today = timezone.localdate().isoformat()
    public = Client().get("/public/inspections/").content.decode()
    assert "更正说明" in public
    assert f"{today}：企业提供了排班记录，改为一般缺陷" in public
    body = Client().get("/api/public/inspection-results").json()
    assert body["results"][0]["corrections"] == [
        {"corrected_on": today, "reason": "企业提供了排班记录，改为一般缺陷"}
    ]
    assert body["results"][0]["result"] == "发现问题，责令整改"


def test_a_rejection_needs_a_reason_and_changes_nothing(world: World) -> None:
    inspection = _published_serious(world)
    pending = amendments.amend_inspection(
        actor=world.inspector, inspection=inspection, reason="措辞调整", summary="改写"
    )
    assert pending is not None and pending.status == AmendmentStatus.PENDING
    with pytest.raises(ValidationError) as caught:
        amendments.decide_amendment(actor=world.chief, amendment=pending, approve=False)
    assert caught.value.message_dict == {"note": ["驳回更正须填写理由"]}
    rejected = amendments.decide_amendment(
        actor=world.chief, amendment=pending, approve=False, note="原记录准确"
    )
    assert rejected.status == AmendmentStatus.REJECTED and not rejected.public_notice
    inspection.refresh_from_db()
    assert inspection.summary == ""
    with pytest.raises(ValidationError):
        amendments.decide_amendment(actor=world.chief, amendment=rejected, approve=True)


def test_the_chief_approves_on_the_inspection_page(world: World) -> None:
    inspection = _published_serious(world)
    finding = inspection.findings.get()
    inspector = Client()
    sign_in(inspector, world.inspector)
    response = inspector.post(
        f"/inspections/{inspection.pk}/amend/",
        {"reason": "补充现场情况", "summary": "补充", f"severity_{finding.pk}": finding.severity},
        follow=True,
    )
    assert "更正已提交，待股室负责人审批后生效" in response.content.decode()
    assert "批准更正" not in response.content.decode()
    pending = inspection.amendments.get(status=AmendmentStatus.PENDING)
    chief = Client()
    sign_in(chief, world.chief)
    page = chief.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "批准更正" in page
    chief.post(f"/inspections/amendments/{pending.pk}/decide/", {"approve": "1"})
    inspection.refresh_from_db()
    assert inspection.summary == "补充"
