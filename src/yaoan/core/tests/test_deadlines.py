"""Deadline records: arithmetic across 调休, extensions, suspensions, provisional years,
and the daily sweep (S20)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from yaoan.common.testing import OrgUnitFactory, UserFactory
from yaoan.core import calendar_services, sweep
from yaoan.core.deadlines import (
    cancel_deadlines,
    compute_deadline,
    compute_due,
    current_deadline,
    decide_extension,
    meet_deadlines,
    open_deadline,
    request_extension,
    resume_deadline,
    suspend_deadline,
    sweep_deadlines,
)
from yaoan.core.enums import DeadlineState, ExtensionStatus, Role
from yaoan.core.models import AuditEvent, Deadline, Notification, OrgUnit

D = dt.date
pytestmark = pytest.mark.django_db
YEAR_2027 = [
    (D(2027, 1, 1), False, "元旦"),
    (D(2027, 1, 2), True, "元旦调休"),  # a Saturday made a workday
    (D(2027, 2, 8), False, "春节"),
]


@pytest.fixture
def unit():
    return OrgUnitFactory(code="station-x", name="某市场监管所")


@pytest.fixture
def officer(unit):
    return UserFactory(org_unit=unit, roles=[Role.INSPECTOR])


@pytest.fixture
def chief(unit):
    return UserFactory(org_unit=unit, roles=[Role.SECTION_CHIEF])


def _open(unit: OrgUnit, officer, code: str, start: dt.date) -> Deadline:
    # any saved row serves as the subject; a unit is at hand
    return open_deadline(
        actor=officer,
        subject=unit,
        rule_code=code,
        org_unit=unit,
        assignee=officer,
        start=start,
        label="事项",
    )


def test_fifteen_working_days_across_national_day(unit, officer):
    deadline = _open(unit, officer, "rectification", D(2025, 9, 26))
    assert (deadline.due_on, deadline.provisional, deadline.state) == (
        D(2025, 10, 23),
        False,
        DeadlineState.OVERDUE,  # opened long after its due date
    )
    assert current_deadline(unit, "rectification") == deadline
    assert AuditEvent.objects.filter(
        action="core.deadline.opened", object_id=str(deadline.pk)
    ).exists()


@freeze_time("2025-10-01 02:00")
def test_extension_needs_a_reason_and_another_person_with_approval_rights(unit, officer, chief):
    deadline = _open(unit, officer, "report_verification", D(2025, 9, 26))
    assert deadline.due_on == D(2025, 10, 23)
    with pytest.raises(ValidationError) as info:
        request_extension(deadline, actor=officer, reason=" ")
    assert info.value.message_dict == {"reason": ["请填写理由"]}
    extension = request_extension(deadline, actor=officer, reason="需调取外地证据")
    assert extension.rule.code == "report_verification_extension"
    assert Notification.objects.get(recipient=chief).kind == "extension_requested"
    with pytest.raises(ValidationError) as info:
        request_extension(deadline, actor=officer, reason="再次申请")
    assert info.value.code == "extension_pending"
    with pytest.raises(ValidationError) as info:
        decide_extension(extension, actor=officer, approve=True)
    assert info.value.code == "approver_is_submitter"
    colleague = UserFactory(org_unit=unit, roles=[Role.INSPECTOR])
    with pytest.raises(PermissionDenied):
        decide_extension(extension, actor=colleague, approve=True)
    decided = decide_extension(extension, actor=chief, approve=True, reason="同意")
    deadline.refresh_from_db()
    assert (decided.status, decided.due_before, decided.due_after) == (
        ExtensionStatus.APPROVED,
        D(2025, 10, 23),
        D(2025, 11, 13),
    )
    assert (deadline.due_on, deadline.base_due_on, deadline.extended_units) == (
        D(2025, 11, 13),
        D(2025, 10, 23),
        15,
    )
    assert Notification.objects.get(recipient=officer).kind == "extension_decided"
    with pytest.raises(ValidationError) as info:
        request_extension(deadline, actor=officer, reason="第三次")
    assert info.value.code == "already_extended"


@freeze_time("2025-10-01 02:00")
def test_rejected_extension_needs_a_reason_and_keeps_the_date(unit, officer, chief):
    deadline = _open(unit, officer, "case_decision", D(2025, 9, 1))
    assert deadline.due_on == D(2025, 11, 30)  # 90 calendar days
    extension = request_extension(deadline, actor=officer, reason="案情复杂")
    with pytest.raises(ValidationError) as info:
        decide_extension(extension, actor=chief, approve=False)
    assert list(info.value.message_dict) == ["decision_reason"]
    decide_extension(extension, actor=chief, approve=False, reason="理由不充分")
    deadline.refresh_from_db()
    assert deadline.due_on == D(2025, 11, 30)
    second = request_extension(deadline, actor=officer, reason="补充说明")
    decide_extension(second, actor=chief, approve=True)
    deadline.refresh_from_db()
    assert deadline.due_on == D(2025, 12, 30)  # + 30 calendar days


def test_no_extension_rule(unit, officer):
    deadline = _open(unit, officer, "statement_of_defence", D(2025, 9, 1))
    with pytest.raises(ValidationError) as info:
        request_extension(deadline, actor=officer, reason="x")
    assert info.value.code == "no_extension_rule"


@freeze_time("2025-09-02 02:00")
def test_suspension_stops_the_clock_and_overlaps_are_refused(unit, officer):
    deadline = _open(unit, officer, "rectification", D(2025, 9, 1))
    assert deadline.due_on == D(2025, 9, 22)
    with pytest.raises(ValidationError) as info:
        suspend_deadline(deadline, actor=officer, reason="")
    assert info.value.message_dict == {"reason": ["请填写理由"]}
    suspend_deadline(deadline, actor=officer, reason="送检", start=D(2025, 9, 8))
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.SUSPENDED
    with pytest.raises(ValidationError) as info:
        suspend_deadline(deadline, actor=officer, reason="再次", start=D(2025, 9, 9))
    assert info.value.code == "not_open"
    resume_deadline(deadline, actor=officer, end=D(2025, 9, 15))  # five working days stood still
    deadline.refresh_from_db()
    # 22 Sep + 5 working days; Sunday 28 Sep 2025 is a make-up workday
    assert (deadline.due_on, deadline.suspended_units, deadline.state) == (
        D(2025, 9, 28),
        5,
        DeadlineState.OPEN,
    )
    with pytest.raises(ValidationError) as info:
        suspend_deadline(deadline, actor=officer, reason="专家论证", start=D(2025, 9, 10))
    assert info.value.message_dict == {"start": ["中止期间与已有的中止期间重叠"]}
    with pytest.raises(ValidationError) as info:
        resume_deadline(deadline, actor=officer)
    assert info.value.code == "not_suspended"


@freeze_time("2025-09-02 02:00")
def test_meet_and_cancel(unit, officer):
    first = _open(unit, officer, "rectification", D(2025, 9, 1))
    _open(unit, officer, "report_verification", D(2025, 9, 1))
    assert meet_deadlines(unit, ["rectification"], actor=officer, on=D(2025, 9, 30)) == 1
    first.refresh_from_db()
    assert (first.state, first.closed_on, first.met_late) == (
        DeadlineState.MET,
        D(2025, 9, 30),
        True,
    )
    assert cancel_deadlines(unit, actor=officer) == 1
    assert meet_deadlines(unit, actor=officer) == 0
    closed = AuditEvent.objects.filter(action__in=["core.deadline.met", "core.deadline.cancelled"])
    assert {e.actor_id for e in closed} == {officer.pk}


@freeze_time("2026-12-07 02:00")
def test_provisional_2027_deadline_is_recomputed_when_the_schedule_is_loaded(unit, officer):
    assert compute_due("random_inspection_publication", D(2026, 12, 20)) == (D(2027, 1, 18), True)
    assert compute_due("random_inspection_publication", D(2026, 11, 2)) == (D(2026, 11, 30), False)
    deadline = _open(unit, officer, "random_inspection_publication", D(2026, 12, 20))
    assert (deadline.due_on, deadline.provisional) == (D(2027, 1, 18), True)
    calendar_services.load_calendar_year(
        actor=UserFactory(roles=[Role.SYSTEM_ADMIN]),
        year=2027,
        source="国办发明电〔2026〕X号",
        days=YEAR_2027,
    )
    deadline.refresh_from_db()
    # the official schedule makes Saturday 2 January a workday
    assert (deadline.due_on, deadline.provisional) == (D(2027, 1, 15), False)
    assert compute_deadline("random_inspection_publication", D(2026, 12, 20)) == D(2027, 1, 15)


@freeze_time("2025-09-22 02:00")
def test_sweep_marks_overdue_and_reminds_each_once(unit, officer, chief, monkeypatch):
    monkeypatch.setenv("YAOAN_DEADLINE_REMIND_DAYS", "3")
    overdue = _open(unit, officer, "rectification", D(2025, 8, 28))  # due 18 Sep
    soon = _open(unit, officer, "rectification", D(2025, 9, 3))  # due 24 Sep
    later = _open(unit, officer, "rectification", D(2025, 9, 19))
    overdue.state = DeadlineState.OPEN
    overdue.save()
    today = D(2025, 9, 22)
    first = sweep_deadlines(today)
    assert (first.overdue, first.reminded, first.notifications) == (1, 1, 3)
    assert Deadline.objects.get(pk=overdue.pk).state == DeadlineState.OVERDUE
    assert sorted(
        Notification.objects.values_list("recipient__username", "kind", "title")
    ) == sorted(
        [
            (officer.username, "overdue", "已逾期：事项（期限 2025-09-18）"),
            (chief.username, "overdue", "已逾期：事项（期限 2025-09-18）"),
            (officer.username, "due_soon", "即将到期：事项，还剩 2 个工作日（期限 2025-09-24）"),
        ]
    )
    second = sweep_deadlines(today)
    assert (second.overdue, second.reminded, second.notifications) == (0, 0, 0)
    assert Notification.objects.count() == 3
    assert Deadline.objects.get(pk=later.pk).reminded_for is None
    assert Deadline.objects.get(pk=soon.pk).reminded_for == D(2025, 9, 24)
    assert AuditEvent.objects.filter(action="core.deadline.swept").count() == 1


@freeze_time("2025-09-22 02:00")
def test_sweep_works_through_a_backlog_in_chunks(unit, officer, monkeypatch):
    monkeypatch.setattr(sweep, "CHUNK", 2)
    for start in (D(2025, 8, 1), D(2025, 8, 4), D(2025, 8, 5), D(2025, 8, 6), D(2025, 8, 7)):
        _open(unit, officer, "rectification", start)
    Deadline.objects.update(state=DeadlineState.OPEN)
    result = sweep_deadlines(D(2025, 9, 22))
    assert (result.overdue, result.notifications) == (5, 5)
    assert set(Deadline.objects.values_list("state", flat=True)) == {DeadlineState.OVERDUE}
    assert sweep_deadlines(D(2025, 9, 22)).notifications == 0
