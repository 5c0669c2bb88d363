"""The whole workflow of a complaint and of a report, legal and illegal steps, the transfer
under 首办负责制, and each clock across the National Day holiday of 2026 (received on
Monday 28 September: the holiday runs 1–7 October, Saturday 10 October is a working day)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from yaoan.common.testing import OrgUnitFactory
from yaoan.complaints import services
from yaoan.complaints.enums import (
    Channel,
    ComplaintError,
    ComplaintStatus,
    Evaluation,
    MediationOutcome,
    NotAcceptedReason,
)
from yaoan.complaints.models import Complaint
from yaoan.complaints.tests.factories import receive, report
from yaoan.core.audit_log import AuditEvent
from yaoan.core.deadlines import deadlines_for, decide_extension
from yaoan.core.enums import DeadlineState, OrgUnitKind
from yaoan.core.transitions import GuardFailedError, IllegalTransitionError, ReasonRequiredError
from yaoan.intake.models import IntakeItem

SHANGHAI = ZoneInfo("Asia/Shanghai")
BEFORE_NATIONAL_DAY = dt.datetime(2026, 9, 28, 10, 0, tzinfo=SHANGHAI)


def _due(complaint: Complaint) -> dict[str, tuple[dt.date, str]]:
    return {d.rule.code: (d.due_on, d.state) for d in deadlines_for(complaint)}


@pytest.fixture
def national_day():
    with time_machine.travel(BEFORE_NATIONAL_DAY, tick=False) as traveller:
        yield traveller


def test_complaint_path_with_every_clock_across_the_holiday(world, national_day):
    c = receive(world.inspector, entity=world.pharmacy)
    assert _due(c) == {"complaint_acceptance": (dt.date(2026, 10, 13), DeadlineState.OPEN)}
    c = services.accept_complaint(c, actor=world.inspector)
    assert c.status == ComplaintStatus.ACCEPTED and c.assignee == world.inspector
    due = _due(c)
    assert due["complaint_acceptance"][1] == DeadlineState.MET
    # 45 working days from 28 September, the holiday not counted
    assert due["complaint_mediation"] == (dt.date(2026, 12, 4), DeadlineState.OPEN)
    c = services.verify_complaint(
        c, actor=world.inspector, findings="该药品确已过期。", violation_found=True
    )
    with pytest.raises(GuardFailedError):
        services.send_to_clue(c, actor=world.inspector)  # a complaint is mediated, not a clue
    with pytest.raises(GuardFailedError):
        services.reply_complaint(c, actor=world.inspector, text="答复", channel=Channel.PHONE)
    c = services.mediate_complaint(
        c, actor=world.inspector, outcome=MediationOutcome.AGREED, note="商家退款并致歉。"
    )
    due = _due(c)
    assert due["complaint_mediation"][1] == DeadlineState.MET
    # the reply: 5 working days from 28 September is Saturday 10 October (a working day)
    assert due["complaint_reply"] == (dt.date(2026, 10, 10), DeadlineState.OPEN)
    c = services.reply_complaint(
        c, actor=world.inspector, text="经调解，商家已退款。", channel=Channel.PHONE
    )
    assert c.replied_at is not None and c.reply_text == "经调解，商家已退款。"
    c = services.record_evaluation(c, actor=world.inspector, evaluation=Evaluation.SATISFIED)
    c = services.close_complaint(c, actor=world.inspector)
    assert c.status == ComplaintStatus.CLOSED
    assert {state for _d, state in _due(c).values()} == {DeadlineState.MET}
    verbs = list(
        AuditEvent.objects.filter(object_id=str(c.pk), action__startswith="complaints.complaint.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert verbs == [
        "complaints.complaint.received",
        "complaints.complaint.accepted",
        "complaints.complaint.verified",
        "complaints.complaint.mediated",
        "complaints.complaint.replied",
        "complaints.complaint.evaluated",
        "complaints.complaint.closed",
    ]


def test_report_path_becomes_a_clue_in_one_step(world, national_day):
    r = report(world.inspector, entity=world.pharmacy)
    # verification: 15 working days from receipt
    assert _due(r)["report_verification"] == (dt.date(2026, 10, 23), DeadlineState.OPEN)
    r = services.accept_complaint(r, actor=world.inspector)
    assert "complaint_mediation" not in _due(r)
    r = services.verify_complaint(
        r, actor=world.inspector, findings="现场查见无批准文号药品12盒。", violation_found=True
    )
    assert _due(r)["report_verification"][1] == DeadlineState.MET
    with pytest.raises(GuardFailedError):
        services.mediate_complaint(r, actor=world.inspector, outcome="agreed", note="x")
    r = services.send_to_clue(r, actor=world.inspector)
    item = IntakeItem.objects.get()
    assert r.status == ComplaintStatus.TO_CLUE and r.clue_item == item
    assert (item.kind, item.source_app, item.source_kind, item.source_id) == (
        "clue",
        "complaints",
        "complaint",
        str(r.pk),
    )
    assert item.entity == world.pharmacy and item.org_unit == world.station
    assert "张三丰" not in item.summary and "13912345678" not in item.summary
    r = services.reply_complaint(
        r, actor=world.inspector, text="举报属实，已立案查处。", channel=Channel.PHONE
    )
    r = services.close_complaint(r, actor=world.inspector, reason="举报人未评价")
    assert r.status == ComplaintStatus.CLOSED


def test_report_without_violation_is_replied_and_cannot_become_a_clue(world):
    r = report(world.inspector, entity=world.pharmacy)
    r = services.accept_complaint(r, actor=world.inspector)
    r = services.verify_complaint(
        r, actor=world.inspector, findings="未发现违法行为。", violation_found=False
    )
    with pytest.raises(GuardFailedError):
        services.send_to_clue(r, actor=world.inspector)
    assert not IntakeItem.objects.exists()
    r = services.reply_complaint(
        r, actor=world.inspector, text="经核查未发现违法。", channel=Channel.PHONE
    )
    assert r.status == ComplaintStatus.REPLIED


def test_report_verification_extension_is_approved_on_the_platform(world, national_day):
    """The deadline platform's rule: the unit's chief or a leader (not the requester)."""
    r = report(world.inspector, entity=world.pharmacy)
    r = services.accept_complaint(r, actor=world.inspector)
    extension = services.request_complaint_extension(
        r, actor=world.inspector, rule_code="report_verification", reason="需抽样检验"
    )
    with pytest.raises(PermissionDenied):  # the section's chief is not the station's
        decide_extension(extension, actor=world.chief, approve=True)
    decide_extension(extension, actor=world.leader, approve=True)
    # 23 October + 15 working days
    assert _due(r)["report_verification"][0] == dt.date(2026, 11, 13)
    with pytest.raises(ValidationError) as caught:
        services.request_complaint_extension(
            r, actor=world.inspector, rule_code="complaint_mediation", reason="x"
        )
    assert caught.value.error_dict["rule_code"][0].code == ComplaintError.NO_DEADLINE


def test_illegal_steps_are_refused_and_change_nothing(world):
    c = receive(world.inspector, entity=world.pharmacy)
    for step in (
        lambda: services.reply_complaint(c, actor=world.inspector, text="x", channel="phone"),
        lambda: services.close_complaint(c, actor=world.inspector, reason="x"),
        lambda: services.mediate_complaint(c, actor=world.inspector, outcome="agreed", note="x"),
        lambda: services.confirm_transfer(c, actor=world.inspector),
    ):
        with pytest.raises(IllegalTransitionError):
            step()
    with pytest.raises(ReasonRequiredError):
        services.not_accept_complaint(
            c, actor=world.inspector, legal_reason=NotAcceptedReason.NOT_OUR_DUTY, reason=""
        )
    with pytest.raises(ValidationError) as caught:
        services.not_accept_complaint(c, actor=world.inspector, legal_reason="because", reason="x")
    assert caught.value.error_dict["legal_reason"][0].code == ComplaintError.BAD_CHOICE
    with pytest.raises(PermissionDenied):  # another station's inspector
        services.accept_complaint(c, actor=world.other_inspector)
    with pytest.raises(PermissionDenied):  # a leader reads but does not handle
        services.accept_complaint(c, actor=world.leader)
    c.refresh_from_db()
    assert c.status == ComplaintStatus.RECEIVED and c.not_accepted_reason == ""


def test_not_accepted_with_a_legal_reason_cancels_the_clocks(world):
    r = report(world.inspector, entity=world.pharmacy)
    r = services.not_accept_complaint(
        r,
        actor=world.inspector,
        legal_reason=NotAcceptedReason.NOT_OUR_DUTY,
        reason="属于卫生健康部门职责。",
    )
    assert (
        r.status == ComplaintStatus.NOT_ACCEPTED and r.not_accepted_note == "属于卫生健康部门职责。"
    )
    assert _due(r)["complaint_acceptance"][1] == DeadlineState.MET
    assert _due(r)["report_verification"][1] == DeadlineState.CANCELLED


def test_transfer_keeps_responsibility_until_the_receiver_confirms(world):
    c = receive(world.inspector, entity=world.pharmacy)
    with pytest.raises(ValidationError) as caught:
        services.transfer_complaint(c, actor=world.inspector, to_unit_id=999999, reason="不属本所")
    assert caught.value.error_dict["transfer_to"][0].code == ComplaintError.NO_UNIT
    with pytest.raises(ValidationError) as caught:
        services.transfer_complaint(
            c, actor=world.inspector, to_unit_id=world.station.pk, reason="x"
        )
    assert caught.value.error_dict["transfer_to"][0].code == ComplaintError.SAME_UNIT
    c.refresh_from_db()
    assert c.status == ComplaintStatus.RECEIVED and c.transfer_to is None
    c = services.transfer_complaint(
        c, actor=world.inspector, to_unit_id=world.other_station.pk, reason="实际经营地在石门镇"
    )
    assert c.status == ComplaintStatus.TRANSFER_PENDING and c.org_unit == world.station
    # the first unit can neither confirm for the receiver nor accept meanwhile
    with pytest.raises(PermissionDenied):
        services.confirm_transfer(c, actor=world.inspector)
    with pytest.raises(IllegalTransitionError):
        services.accept_complaint(c, actor=world.inspector)
    # the receiver sends it back once: it stays the first unit's
    c = services.refuse_transfer(c, actor=world.other_inspector, reason="不在本所网格")
    assert c.status == ComplaintStatus.RECEIVED and c.org_unit == world.station
    c = services.transfer_complaint(
        c, actor=world.inspector, to_unit_id=world.other_station.pk, reason="经核实在石门镇"
    )
    c = services.confirm_transfer(c, actor=world.other_inspector)
    assert (c.status, c.org_unit, c.transferred_from) == (
        ComplaintStatus.RECEIVED,
        world.other_station,
        world.station,
    )
    assert {d.org_unit_id for d in deadlines_for(c)} == {world.other_station.pk}
    with pytest.raises(PermissionDenied):
        services.accept_complaint(c, actor=world.inspector)
    assert (
        services.accept_complaint(c, actor=world.other_inspector).status == ComplaintStatus.ACCEPTED
    )


def test_handover_outside_the_system_is_recorded_by_the_first_unit(world):
    department = OrgUnitFactory(
        code="test-health", name="区卫生健康局", kind=OrgUnitKind.MEMBER_DEPARTMENT
    )
    c = receive(world.inspector, entity=world.pharmacy)
    c = services.transfer_complaint(
        c, actor=world.inspector, to_unit_id=department.pk, reason="医疗服务"
    )
    with pytest.raises(GuardFailedError):
        services.confirm_transfer(c, actor=world.chief)
    c = services.withdraw_transfer(c, actor=world.inspector, reason="转错单位")
    assert (c.status, c.transfer_to) == (ComplaintStatus.RECEIVED, None)
    c = services.transfer_complaint(
        c, actor=world.inspector, to_unit_id=department.pk, reason="医疗服务"
    )
    c = services.confirm_handover(c, actor=world.inspector, reason="对方已签收（回执）")
    assert c.status == ComplaintStatus.TRANSFERRED
    assert {state for _d, state in _due(c).values()} == {DeadlineState.CANCELLED}


def test_a_clue_step_that_fails_writes_nothing(world):
    r = report(world.inspector, entity=world.pharmacy)
    r = services.accept_complaint(r, actor=world.inspector)
    r = services.verify_complaint(r, actor=world.inspector, findings="查实。", violation_found=True)
    services.send_to_clue(r, actor=world.inspector)
    r.refresh_from_db()
    with pytest.raises(IllegalTransitionError):
        services.send_to_clue(r, actor=world.inspector)
    assert IntakeItem.objects.count() == 1
