"""The 90-day decision clock (市场监督管理行政处罚程序规定 第六十四条, 第六十五条): calendar days
from 立案, a suspension for testing across the National Day holiday (the days it stood
still are added, holidays included, since the rule counts calendar days), and the one
30-day extension approved by a chief other than the requester; 法制审核 counts working
days, so the holiday is skipped there."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yaoan.cases import evidence_services, services
from yaoan.cases.enums import CaseError
from yaoan.cases.tests.helpers import co_officer, on, registered, with_evidence
from yaoan.cases.workflow import DECISION, LEGAL_REVIEW
from yaoan.common.testing import World
from yaoan.core.deadlines import current_deadline, decide_extension
from yaoan.core.enums import DeadlineState, ExtensionStatus
from yaoan.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_decision_clock_with_a_suspension_across_a_holiday_and_an_extension(
    world: World,
) -> None:
    with on(dt.date(2026, 9, 1)):
        case = services.approve_filing(registered(world), actor=world.chief)
    clock = current_deadline(case, DECISION)
    assert clock is not None and clock.due_on == dt.date(2026, 11, 30)  # 1 Sep + 90 days
    with on(dt.date(2026, 9, 28)):
        services.suspend_clock(
            case, actor=world.officer, kind="testing", reason="送省所检验阿莫西林胶囊"
        )
    clock.refresh_from_db()
    assert clock.state == DeadlineState.SUSPENDED
    assert clock.suspensions.get().reason == "检测、检验、检疫：送省所检验阿莫西林胶囊"
    with on(dt.date(2026, 10, 12)):
        services.resume_clock(case, actor=world.officer)
    clock.refresh_from_db()
    # 28 September to 12 October: 14 days stood still, the holiday among them
    assert (clock.state, clock.suspended_units, clock.due_on) == (
        DeadlineState.OPEN,
        14,
        dt.date(2026, 12, 14),
    )
    with on(dt.date(2026, 11, 20)):
        extension = services.request_extension(case, actor=world.officer, reason="案情复杂")
        with pytest.raises(ValidationError):
            decide_extension(extension, actor=world.officer, approve=True)
        decide_extension(extension, actor=world.leader, approve=True)
    extension.refresh_from_db()
    clock.refresh_from_db()
    assert extension.status == ExtensionStatus.APPROVED
    assert extension.rule.code == "case_decision_extension"
    assert clock.due_on == dt.date(2027, 1, 13)  # + 30 days
    actions = set(
        AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).values_list(
            "action", flat=True
        )
    )
    assert {
        "cases.case.clock_suspended",
        "cases.case.clock_resumed",
        "cases.case.extension_requested",
    } <= actions
    with on(dt.date(2026, 11, 23)), pytest.raises(ValidationError):
        services.request_extension(case, actor=world.officer, reason="再次延长")


def test_suspension_needs_a_kind_and_the_case_officer(world: World) -> None:
    case = services.approve_filing(registered(world), actor=world.chief)
    with pytest.raises(ValidationError) as bad:
        services.suspend_clock(case, actor=world.officer, kind="holiday", reason="x")
    assert bad.value.error_dict["kind"][0].code == CaseError.BAD_CHOICE
    with pytest.raises(PermissionDenied):
        services.suspend_clock(case, actor=world.inspector, kind="expert", reason="鉴定")
    with pytest.raises(ValidationError) as not_suspended:
        services.resume_clock(case, actor=world.officer)
    assert not_suspended.value.error_dict["end"][0].code == CaseError.NO_CLOCK


def test_no_clock_to_stop_before_filing_or_after_the_decision(world: World) -> None:
    case = registered(world)
    with pytest.raises(ValidationError) as refused:
        services.suspend_clock(case, actor=world.officer, kind="testing", reason="检验")
    assert refused.value.error_dict["reason"][0].code == CaseError.NO_CLOCK


def test_legal_review_clock_skips_the_holiday(world: World) -> None:
    with on(dt.date(2026, 9, 28)):
        case = services.approve_filing(registered(world), actor=world.chief)
        with_evidence(case, world.officer)
        case = services.finish_investigation(case, actor=world.officer, report="r", proposal="p")
        case = services.review(case, actor=world.chief, opinion="同意")
    clock = current_deadline(case, LEGAL_REVIEW)
    # 29, 30 September, 8, 9, 10 (make-up Saturday), 12–16 October
    assert clock is not None and clock.due_on == dt.date(2026, 10, 16)


def test_filing_clock_extends_by_15_working_days(world: World) -> None:
    with on(dt.date(2026, 9, 28)):
        case = registered(world, discovered_on=dt.date(2026, 9, 28))
        extension = services.request_extension(case, actor=world.officer, reason="需调取记录")
        # the clock belongs to the pharmacy's station: its chief or a leader approves
        decide_extension(extension, actor=world.station_chief, approve=True)
    assert extension.rule.code == "case_filing_extension"
    clock = current_deadline(case, "case_filing")
    assert clock is not None and clock.due_on == dt.date(2026, 11, 13)


def test_seized_goods_hold_the_case_open(world: World) -> None:
    case = services.approve_filing(registered(world, partner=co_officer(world)), actor=world.chief)
    item = evidence_services.record_seized_item(
        case,
        actor=world.officer,
        measure="seal",
        name="阿莫西林胶囊",
        quantity=12,  # type: ignore[arg-type]
        quantity_unit="盒",
        location="药房仓库（已贴封条）",
    )
    assert item.until == item.seized_on + dt.timedelta(days=30)
    from yaoan.cases.guards import nothing_open

    assert nothing_open(case) is not None and "1 件" in str(nothing_open(case))
    evidence_services.dispose_seized_item(item, actor=world.officer, disposal="confiscated")
    with pytest.raises(ValidationError) as twice:
        evidence_services.dispose_seized_item(item, actor=world.officer, disposal="released")
    assert twice.value.error_dict["disposal"][0].code == CaseError.ALREADY_DISPOSED
