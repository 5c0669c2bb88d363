"""挂牌督办 and 提级办理 services: the supervision's clocks (completion and progress
reports), reports meeting and opening them, the final report, 销号 and sending back, who
may do what; a case taken up to the bureau with its clocks following the new officers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yaoan.cases import supervision_services as services
from yaoan.cases.beyond_enums import ReportKind, SupervisionLevel, SupervisionStatus
from yaoan.cases.enums import CaseStatus
from yaoan.cases.models import CaseEscalation, CaseSupervision
from yaoan.cases.tests.beyond_helpers import bureau_officer, make_case, station_officer
from yaoan.common.testing import World
from yaoan.core.deadlines import current_deadline, deadlines_for
from yaoan.core.enums import DeadlineState
from yaoan.core.models import AuditEvent, Notification
from yaoan.core.transitions import IllegalTransitionError

pytestmark = pytest.mark.django_db


def flag(world: World, case, **extra):  # type: ignore[no-untyped-def]
    actor = extra.pop("actor", world.chief)
    today = timezone.localdate()
    values = {
        "level": SupervisionLevel.CITY,
        "supervising_unit": "市市场监督管理局",
        "reference": "市监督办〔2026〕5号",
        "requirements": "查清上下游，60日内办结并报告",
        "flagged_on": today,
        "due_on": today + dt.timedelta(days=60),
        "report_every_days": 20,
    }
    values.update(extra)
    return services.flag_case(case, actor=actor, **values)


def test_flag_opens_completion_and_report_clocks_and_tells_the_lead_officer(world: World) -> None:
    lead = station_officer(world)
    case = make_case(world, lead=lead)
    sup = flag(world, case)
    today = timezone.localdate()
    due = current_deadline(sup, "case_supervision")
    report = current_deadline(sup, "case_supervision_report")
    assert due is not None and (due.due_on, due.assignee) == (today + dt.timedelta(days=60), lead)
    assert report is not None and report.due_on == today + dt.timedelta(days=20)
    assert sup.next_report_on == today + dt.timedelta(days=20)
    assert Notification.objects.filter(recipient=lead, link=sup.get_absolute_url()).count() == 1
    assert AuditEvent.objects.filter(action="cases.casesupervision.flagged").count() == 1


def test_flag_by_a_station_chief_is_refused(world: World) -> None:
    with pytest.raises(PermissionDenied):
        flag(world, make_case(world), actor=world.station_chief)
    assert CaseSupervision.objects.count() == 0


def test_flag_with_due_date_before_the_flag_or_twice_is_refused(world: World) -> None:
    case = make_case(world)
    with pytest.raises(ValidationError) as err:
        flag(world, case, due_on=timezone.localdate())
    assert err.value.error_dict["due_on"][0].code == "beyond_bad_date"
    with pytest.raises(ValidationError) as err:
        flag(world, case, report_every_days=91)
    assert err.value.error_dict["report_every_days"][0].code == "supervision_bad_interval"
    flag(world, case)
    with pytest.raises(ValidationError) as err:
        flag(world, case)
    assert err.value.error_dict["case"][0].code == "supervision_already_open"


def test_progress_report_meets_the_clock_and_opens_the_next(world: World) -> None:
    sup = flag(world, make_case(world))
    today = timezone.localdate()
    report = services.report_progress(
        sup, actor=world.officer, reported_on=today, content="已调取购销记录"
    )
    assert report.kind == ReportKind.PROGRESS
    states = list(
        deadlines_for(sup)
        .filter(rule__code="case_supervision_report")
        .values_list("state", flat=True)
    )
    assert sorted(states) == sorted([DeadlineState.MET, DeadlineState.OPEN])
    sup.refresh_from_db()
    assert sup.next_report_on == today + dt.timedelta(days=20)


def test_no_report_clock_when_the_interval_is_zero(world: World) -> None:
    sup = flag(world, make_case(world), report_every_days=0)
    assert current_deadline(sup, "case_supervision_report") is None
    assert sup.next_report_on is None


def test_final_report_meets_every_clock_then_lift(world: World) -> None:
    sup = flag(world, make_case(world))
    reported = services.report_final(
        sup, actor=world.officer, reported_on=timezone.localdate(), content="已作出处罚决定"
    )
    assert reported.status == SupervisionStatus.REPORTED
    assert not deadlines_for(reported).exclude(state=DeadlineState.MET).exists()
    with pytest.raises(ValidationError) as err:
        services.report_progress(
            reported, actor=world.officer, reported_on=timezone.localdate(), content="x"
        )
    assert err.value.error_dict["supervision"][0].code == "supervision_not_active"
    lifted = services.lift_supervision(reported, actor=world.leader)
    assert (lifted.status, lifted.closed_by) == (SupervisionStatus.LIFTED, world.leader)


def test_send_back_reopens_the_completion_clock_to_the_new_date(world: World) -> None:
    sup = flag(world, make_case(world))
    reported = services.report_final(
        sup, actor=world.officer, reported_on=timezone.localdate(), content="已办结"
    )
    new_due = timezone.localdate() + dt.timedelta(days=15)
    back = services.send_back_supervision(
        reported, actor=world.chief, reason="上游线索未查清", due_on=new_due
    )
    assert (back.status, back.due_on) == (SupervisionStatus.ACTIVE, new_due)
    due = current_deadline(back, "case_supervision")
    assert due is not None and (due.state, due.due_on) == (DeadlineState.OPEN, new_due)


def test_lift_while_active_is_an_illegal_step_and_cancel_needs_a_reason(world: World) -> None:
    sup = flag(world, make_case(world))
    with pytest.raises(IllegalTransitionError):
        services.lift_supervision(sup, actor=world.leader)
    with pytest.raises(ValidationError):
        services.cancel_supervision(sup, actor=world.leader, reason="")
    cancelled = services.cancel_supervision(sup, actor=world.leader, reason="督办单位撤销")
    assert cancelled.status == SupervisionStatus.CANCELLED
    assert not deadlines_for(cancelled).filter(state=DeadlineState.OPEN).exists()


def test_escalation_moves_the_case_and_its_clocks_to_the_bureau(world: World) -> None:
    lead = station_officer(world)
    case = make_case(world, lead=lead, co=station_officer(world, "江城协办"))
    new_lead, new_co = world.officer, bureau_officer(world)
    escalation = services.escalate_case(
        case,
        actor=world.leader,
        to_unit=world.team,
        reason="涉案金额大、跨区域，提级办理",
        lead_officer=new_lead,
        co_officer=new_co,
    )
    case.refresh_from_db()
    assert (case.org_unit, case.lead_officer, case.co_officer) == (world.team, new_lead, new_co)
    assert (escalation.from_unit, escalation.to_unit) == (world.station, world.team)
    clock = current_deadline(case, "case_decision")
    assert clock is not None and (clock.org_unit, clock.assignee) == (world.team, new_lead)
    event = AuditEvent.objects.get(action="cases.case.escalated")
    assert event.reason == "涉案金额大、跨区域，提级办理"


def test_escalation_refusals(world: World) -> None:
    case = make_case(world)
    args = {"reason": "提级", "lead_officer": world.officer, "co_officer": bureau_officer(world)}
    with pytest.raises(PermissionDenied):
        services.escalate_case(case, actor=world.station_chief, to_unit=world.team, **args)
    with pytest.raises(ValidationError) as err:
        services.escalate_case(case, actor=world.leader, to_unit=world.other_station, **args)
    assert err.value.error_dict["to_unit"][0].code == "escalation_bad_unit"
    with pytest.raises(ValidationError) as err:
        services.escalate_case(
            case,
            actor=world.leader,
            to_unit=world.team,
            reason="提级",
            lead_officer=station_officer(world),
            co_officer=world.officer,
        )
    assert err.value.error_dict["lead_officer"][0].code == "escalation_bad_officer"
    closed = make_case(world, status=CaseStatus.CLOSED)
    with pytest.raises(ValidationError) as err:
        services.escalate_case(closed, actor=world.leader, to_unit=world.team, **args)
    assert err.value.error_dict["case"][0].code == "beyond_case_not_open"
    assert CaseEscalation.objects.count() == 0
