"""The workflow engine on a tiny test workflow over BackgroundJob (queued → running → …)."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from freezegun import freeze_time

from yaoan.common.testing import OrgUnitFactory, UserFactory
from yaoan.core.deadlines import deadlines_for
from yaoan.core.enums import DeadlineState, NotificationKind, Role
from yaoan.core.models import AuditEvent, BackgroundJob, Deadline, Notification
from yaoan.core.transitions import (
    DeadlineTarget,
    GuardFailedError,
    IllegalTransitionError,
    Notice,
    ReasonRequiredError,
    SameApproverError,
    allowed_actions,
    take,
)
from yaoan.core.workflow import Transition, Workflow

pytestmark = pytest.mark.django_db
S = BackgroundJob.Status


def anyone(user, obj):
    return user.is_authenticated


def chief(user, obj):
    return user.has_role(Role.SECTION_CHIEF)


FLOW = Workflow(
    name="core.backgroundjob",
    label="测试流程",
    states=S,
    initial=S.QUEUED,
    submitter_field="created_by",
    transitions=(
        Transition(S.QUEUED, "start", S.RUNNING, "开始", anyone, opens=("rectification",),
                   verb="started", guards=("has_name",)),
        Transition(S.RUNNING, "approve", S.SUCCEEDED, "批准", chief, approval=True,
                   meets=("*",), verb="approved"),
        Transition(S.RUNNING, "reject", S.FAILED, "驳回", chief, reason_required=True,
                   cancels=("rectification",), verb="rejected"),
        Transition(S.RUNNING, "hold", S.QUEUED, "暂缓", anyone, suspends=("rectification",)),
    ),
)  # fmt: skip


def has_name(job):
    return None if job.input_name else "缺少文件名"


GUARDS = {"has_name": has_name}


@pytest.fixture
def unit():
    return OrgUnitFactory(code="sec", name="药品股")


@pytest.fixture
def submitter(unit):
    return UserFactory(org_unit=unit, roles=[Role.SECTION_CHIEF])


@pytest.fixture
def other_chief(unit):
    return UserFactory(org_unit=unit, roles=[Role.SECTION_CHIEF])


@pytest.fixture
def job(submitter):
    return BackgroundJob.objects.create(kind="test", created_by=submitter, input_name="a.xlsx")


def test_workflow_table_queries():
    assert FLOW.transition(S.QUEUED, "start").target == S.RUNNING
    assert FLOW.transition(S.QUEUED, "approve") is None
    assert [t.action for t in FLOW.actions_from(S.RUNNING)] == ["approve", "reject", "hold"]
    assert FLOW.terminal_states() == [S.SUCCEEDED, S.FAILED, S.ERROR]
    assert FLOW.reachable_states() == {S.QUEUED, S.RUNNING, S.SUCCEEDED, S.FAILED}


def test_workflow_refuses_a_duplicate_or_unknown_state():
    with pytest.raises(ValueError, match="declared twice"):
        Workflow("x.y", "x", S, S.QUEUED, (FLOW.transitions[0], FLOW.transitions[0]))
    with pytest.raises(ValueError, match="unknown state"):
        Workflow("x.y", "x", S, S.QUEUED, (Transition("nowhere", "go", S.QUEUED, "去", anyone),))


@freeze_time("2025-09-26 02:00")
def test_take_moves_state_opens_deadline_audits_and_notifies(job, submitter, other_chief, unit):
    result = take(
        FLOW,
        job,
        "start",
        actor=submitter,
        guards=GUARDS,
        update=lambda j: (setattr(j, "message", "开始了") or ["message"]),
        deadline=DeadlineTarget(org_unit=unit, assignee=other_chief, label="测试事项"),
        notify=[Notice(other_chief, NotificationKind.ASSIGNED, "分派给您：测试事项")],
        details={"note": "x"},
    )
    job.refresh_from_db()
    assert (result.status, job.status, job.message) == (S.RUNNING, S.RUNNING, "开始了")
    deadline = deadlines_for(job).get()
    assert (deadline.rule.code, deadline.due_on, deadline.provisional) == (
        "rectification",
        dt.date(2025, 10, 23),  # 15 working days across National Day with make-up days
        False,
    )
    assert (deadline.assignee, deadline.org_unit, deadline.label) == (other_chief, unit, "测试事项")
    event = AuditEvent.objects.filter(action="core.backgroundjob.started").get()
    assert event.before == {"status": "queued", "message": ""}
    assert event.after["status"] == "running"
    assert event.after["note"] == "x"
    assert event.after["deadlines"] == [
        {"rule": "rectification", "due_on": "2025-10-23", "provisional": False}
    ]
    note = Notification.objects.get(recipient=other_chief)
    assert (note.kind, note.title, note.subject_type) == (
        "assigned",
        "分派给您：测试事项",
        "core.backgroundjob",
    )


def test_illegal_transition_names_state_and_action_and_writes_nothing(job, submitter):
    with pytest.raises(IllegalTransitionError) as info:
        take(FLOW, job, "approve", actor=submitter)
    assert info.value.code == "illegal_transition"
    assert info.value.message == "测试流程当前状态为“排队中”，不能执行“批准”"
    assert (info.value.state, info.value.action) == ("queued", "approve")
    with pytest.raises(IllegalTransitionError):
        take(FLOW, job, "no_such_action", actor=submitter)
    assert AuditEvent.objects.filter(action__startswith="core.backgroundjob").count() == 0


def _running(job, actor):
    take(FLOW, job, "start", actor=actor, guards=GUARDS)


def test_guard_failure_and_missing_guard(job, submitter):
    job.input_name = ""
    job.save()
    with pytest.raises(GuardFailedError) as info:
        take(FLOW, job, "start", actor=submitter, guards=GUARDS)
    assert (info.value.code, info.value.message) == ("guard_failed", "缺少文件名")
    with pytest.raises(ImproperlyConfigured):
        take(FLOW, job, "start", actor=submitter)
    job.refresh_from_db()
    assert job.status == S.QUEUED
    assert not Deadline.objects.exists()


def test_permission_reason_and_approval_separation(job, submitter, other_chief, unit):
    _running(job, submitter)
    inspector = UserFactory(org_unit=unit, roles=[Role.INSPECTOR])
    with pytest.raises(PermissionDenied):
        take(FLOW, job, "approve", actor=inspector)
    with pytest.raises(ReasonRequiredError) as info:
        take(FLOW, job, "reject", actor=other_chief, reason="  ")
    assert info.value.code == "reason_required"
    with pytest.raises(SameApproverError) as info:
        take(FLOW, job, "approve", actor=submitter)
    assert info.value.code == "approver_is_submitter"
    take(FLOW, job, "approve", actor=other_chief)
    job.refresh_from_db()
    assert job.status == S.SUCCEEDED
    assert deadlines_for(job).get().state == DeadlineState.MET


def test_allowed_actions_offer_only_what_take_accepts(job, submitter, other_chief, unit):
    inspector = UserFactory(org_unit=unit, roles=[Role.INSPECTOR])
    assert [t.action for t in allowed_actions(FLOW, job, inspector)] == ["start"]
    job.input_name = ""
    assert allowed_actions(FLOW, job, inspector, guards=GUARDS) == []
    job.input_name = "a.xlsx"
    _running(job, submitter)
    job.refresh_from_db()
    assert [t.action for t in allowed_actions(FLOW, job, submitter)] == ["reject", "hold"]
    assert [t.action for t in allowed_actions(FLOW, job, other_chief)] == [
        "approve",
        "reject",
        "hold",
    ]
    assert [t.action for t in allowed_actions(FLOW, job, inspector)] == ["hold"]


def test_reject_cancels_and_hold_suspends_deadlines(job, submitter, other_chief):
    _running(job, submitter)
    take(FLOW, job, "hold", actor=submitter)
    assert deadlines_for(job).get().state == DeadlineState.SUSPENDED
    _running(job, submitter)
    take(FLOW, job, "reject", actor=other_chief, reason="材料不全")
    states = sorted(deadlines_for(job).values_list("state", flat=True))
    assert states == [DeadlineState.CANCELLED, DeadlineState.CANCELLED]


def test_a_rolled_back_transition_leaves_no_trace(job, submitter, other_chief):
    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        take(
            FLOW,
            job,
            "start",
            actor=submitter,
            guards=GUARDS,
            notify=[Notice(other_chief, NotificationKind.ASSIGNED, "分派")],
        )
        raise Abandon
    job.refresh_from_db()
    assert job.status == S.QUEUED
    assert not Deadline.objects.exists()
    assert not Notification.objects.exists()
