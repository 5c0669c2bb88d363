"""Clue services: taking intake items over, registering by hand, the workflow's legal and
illegal steps, who may take them, and the verification clock with its extension."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yaoan.clues import services
from yaoan.clues.enums import ClueError, ClueStatus
from yaoan.clues.models import Clue
from yaoan.clues.queries import clues_visible_to
from yaoan.clues.tests.helpers import (
    NATIONAL_DAY_WEEK,
    inspection_item,
    station_officer,
    transferred,
)
from yaoan.common.testing import World
from yaoan.core.deadlines import current_deadline, decide_extension
from yaoan.core.enums import DeadlineState, ExtensionStatus
from yaoan.core.models import AuditEvent, Notification
from yaoan.core.transitions import IllegalTransitionError, ReasonRequiredError, SameApproverError
from yaoan.intake.enums import IntakeStatus

pytestmark = pytest.mark.django_db


def test_clue_from_intake_accepts_the_item_and_links_both_ways(world: World) -> None:
    item = inspection_item(world)
    clue = services.clue_from_intake(item, actor=world.officer, assignee=world.officer)
    item.refresh_from_db()
    assert (item.status, item.taken_by_type, item.taken_by_id) == (
        IntakeStatus.ACCEPTED,
        "clues.clue",
        str(clue.pk),
    )
    assert item.taken_by_label == clue.number
    assert (clue.source, clue.entity, clue.org_unit) == (
        "inspection",
        world.pharmacy,
        world.station,
    )
    assert (clue.status, clue.assignee) == (ClueStatus.VERIFYING, world.officer)
    deadline = current_deadline(clue, "clue_verification")
    assert deadline is not None and deadline.assignee == world.officer
    assert deadline.started_on == timezone.localtime(item.submitted_at).date()


def test_clue_from_intake_twice_is_refused_and_nothing_is_written(world: World) -> None:
    item = inspection_item(world)
    services.clue_from_intake(item, actor=world.officer)
    with pytest.raises(ValidationError) as err:
        services.clue_from_intake(item, actor=world.chief)
    assert err.value.error_dict["item"][0].code == "clue_intake_taken"
    assert Clue.objects.count() == 1


def test_clue_from_intake_refuses_a_risk_and_someone_who_may_not_decide(world: World) -> None:
    item = inspection_item(world)
    with pytest.raises(PermissionDenied):
        services.clue_from_intake(item, actor=world.inspector)
    item.kind = "risk"
    with pytest.raises(ValidationError) as err:
        services.clue_from_intake(item, actor=world.officer)
    assert err.value.error_dict["item"][0].code == ClueError.NOT_A_CLUE
    assert Clue.objects.count() == 0


def test_verification_clock_runs_15_working_days_across_national_day(world: World) -> None:
    clue = transferred(world, received_on=NATIONAL_DAY_WEEK)
    deadline = current_deadline(clue, "clue_verification")
    assert deadline is not None
    # 29, 30 Sep; 8, 9, 10 (make-up Saturday), 12–16, 19–23 Oct: not 19 Oct
    assert deadline.due_on == dt.date(2026, 10, 23)
    assert clue.number.startswith("线索〔2026〕")


def test_extension_needs_another_persons_approval_and_adds_15_working_days(world: World) -> None:
    clue = transferred(world, received_on=NATIONAL_DAY_WEEK)
    clue = services.assign_clue(clue, actor=world.chief, assignee=world.officer)
    extension = services.request_verification_extension(
        clue, actor=world.officer, reason="需等待检验报告"
    )
    with pytest.raises(ValidationError):
        decide_extension(extension, actor=world.officer, approve=True)
    # the clock belongs to the station: its chief or a leader (负责人) approves
    decide_extension(extension, actor=world.leader, approve=True)
    extension.refresh_from_db()
    deadline = current_deadline(clue, "clue_verification")
    assert extension.status == ExtensionStatus.APPROVED
    assert deadline is not None and deadline.due_on == dt.date(2026, 11, 13)


def test_whole_workflow_assign_verify_close_by_another_person(world: World) -> None:
    clue = transferred(world)
    clue = services.assign_clue(clue, actor=world.chief, assignee=world.officer)
    assert Notification.objects.filter(recipient=world.officer, kind="assigned").count() == 1
    clue = services.verify_clue(
        clue, actor=world.officer, findings="现场核实无处方销售记录", violation_found=False
    )
    assert (clue.status, clue.verified_by) == (ClueStatus.VERIFIED, world.officer)
    clue = services.close_clue(
        clue, actor=world.chief, closure_reason="no_violation", note="查无实据"
    )
    assert (clue.status, clue.closure_reason, clue.decided_by) == (
        ClueStatus.CLOSED,
        "no_violation",
        world.chief,
    )
    deadline = current_deadline(clue, "clue_verification")
    assert deadline is not None and deadline.state == DeadlineState.MET
    verbs = list(
        AuditEvent.objects.filter(object_type="clues.clue")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert verbs == [
        "clues.clue.registered",
        "clues.clue.assigned",
        "clues.clue.verified",
        "clues.clue.closed",
    ]


def test_the_verifier_may_not_decide_their_own_verification(world: World) -> None:
    clue = services.assign_clue(transferred(world), actor=world.chief, assignee=world.officer)
    clue = services.verify_clue(clue, actor=world.chief, findings="已核实", violation_found=True)
    with pytest.raises(SameApproverError):
        services.file_for_case(clue, actor=world.chief)
    clue = services.file_for_case(clue, actor=world.leader, note="涉嫌无证经营，建议立案")
    assert clue.status == ClueStatus.FOR_CASE


def test_illegal_steps_are_refused_with_the_state_named(world: World) -> None:
    clue = transferred(world)
    with pytest.raises(IllegalTransitionError) as err:
        services.verify_clue(clue, actor=world.chief, findings="x", violation_found=False)
    assert "待分派" in err.value.messages[0]
    with pytest.raises(IllegalTransitionError):
        services.file_for_case(clue, actor=world.chief)
    with pytest.raises(ReasonRequiredError):
        services.transfer_clue(
            clue, actor=world.chief, kind="district", to="邻区市场监管局", reason=""
        )
    clue = services.transfer_clue(
        clue, actor=world.chief, kind="district", to="邻区市场监管局", reason="经营地址在邻区"
    )
    assert clue.status == ClueStatus.TRANSFERRED
    with pytest.raises(IllegalTransitionError):
        services.assign_clue(clue, actor=world.chief, assignee=world.officer)


def test_assignee_must_be_a_case_officer_in_scope(world: World) -> None:
    clue = transferred(world)
    with pytest.raises(ValidationError) as err:
        services.assign_clue(clue, actor=world.chief, assignee=world.inspector)
    assert err.value.error_dict["assignee"][0].code == ClueError.BAD_ASSIGNEE
    outsider_officer = station_officer(world)
    outsider_officer.org_unit = world.other_station
    outsider_officer.save()
    with pytest.raises(ValidationError):
        services.assign_clue(clue, actor=world.chief, assignee=outsider_officer)
    with pytest.raises(PermissionDenied):
        services.assign_clue(clue, actor=world.inspector, assignee=world.officer)
    with pytest.raises(ValidationError):  # an officer takes a clue for themselves only
        services.assign_clue(clue, actor=world.officer, assignee=station_officer(world))
    assert Clue.objects.get().status == ClueStatus.NEW
    clue = services.assign_clue(clue, actor=world.officer, assignee=world.officer)
    assert clue.assignee == world.officer


def test_a_station_sees_its_own_clues_only(world: World) -> None:
    clue = transferred(world)
    assert list(clues_visible_to(world.inspector)) == [clue]
    assert list(clues_visible_to(world.other_inspector)) == []
    assert list(clues_visible_to(world.chief)) == [clue]
    assert list(clues_visible_to(world.system_admin)) == []


def test_register_refuses_module_sources_and_a_clue_without_subject(world: World) -> None:
    with pytest.raises(ValidationError) as err:
        transferred(world, source="inspection")
    assert "source" in err.value.error_dict
    with pytest.raises(ValidationError) as err:
        transferred(world, entity=None, subject_name="")
    assert "subject_name" in err.value.error_dict
    with pytest.raises(ValidationError) as err:
        transferred(world, entity=None, subject_name="某诊所")
    assert err.value.error_dict["org_unit"][0].code == ClueError.NO_STATION
    with pytest.raises(PermissionDenied):
        transferred(world, actor=world.inspector)
    assert Clue.objects.count() == 0
