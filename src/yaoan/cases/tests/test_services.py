"""Case services: registering a case by hand and from a clue, the ordinary procedure step
by step with its refusals (who, in which order, the statement period S19), the simple
procedure, and the endings without a decision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yaoan.cases import services
from yaoan.cases.enums import CaseError, CaseStatus, DecisionOutcome, Procedure
from yaoan.cases.tests.helpers import (
    NATIONAL_DAY_WEEK,
    co_officer,
    legal_reviewer,
    on,
    registered,
    to_notice,
    with_evidence,
)
from yaoan.cases.workflow import DECISION, FILING, PUBLICATION
from yaoan.clues import services as clue_services
from yaoan.clues.queries import clues_awaiting_case
from yaoan.common.testing import UserFactory, World
from yaoan.core.deadlines import current_deadline, meet_deadlines
from yaoan.core.enums import DeadlineState, Role
from yaoan.core.models import AuditEvent
from yaoan.core.transitions import (
    GuardFailedError,
    IllegalTransitionError,
    ReasonRequiredError,
    SameApproverError,
)

pytestmark = pytest.mark.django_db


def _verbs(case: object) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))  # type: ignore[attr-defined]
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_case_registered_by_hand_starts_the_15_working_day_filing_clock(world: World) -> None:
    with on(dt.date(2026, 10, 12)):
        case = registered(world, discovered_on=NATIONAL_DAY_WEEK)
    assert case.status == CaseStatus.PENDING_FILING
    assert case.number.startswith("案件〔2026〕")
    assert (case.org_unit, case.party_name, case.product_class) == (
        world.station,
        world.pharmacy.name,
        "drug",
    )
    clock = current_deadline(case, FILING)
    assert clock is not None and clock.due_on == dt.date(2026, 10, 23)
    assert clock.assignee == world.officer
    assert _verbs(case) == ["cases.case.registered"]


def test_case_needs_two_different_officers_in_scope(world: World) -> None:
    with pytest.raises(ValidationError) as same:
        registered(world, partner=world.officer)
    assert same.value.error_dict["co_officer"][0].code == CaseError.BAD_OFFICER
    other_station = UserFactory(org_unit=world.other_station, roles=[Role.CASE_OFFICER])
    with pytest.raises(ValidationError) as outside:
        registered(world, partner=other_station)
    assert outside.value.error_dict["co_officer"][0].code == CaseError.BAD_OFFICER
    with pytest.raises(PermissionDenied):
        services.open_case(
            actor=world.inspector,
            data=services.CaseInput(
                title="x", facts="y", lead_officer=world.officer, co_officer=co_officer(world)
            ),
        )


def _clue_for_case(world: World):  # type: ignore[no-untyped-def]
    clue = clue_services.register_clue(
        actor=world.officer,
        source="agency",
        source_label="区卫健委移送函",
        summary="群众反映该药房销售过期药品",
        entity=world.pharmacy,
    )
    clue = clue_services.assign_clue(clue, actor=world.chief, assignee=world.officer)
    clue = clue_services.verify_clue(
        clue, actor=world.officer, findings="现场发现过期药品", violation_found=True
    )
    return clue_services.file_for_case(clue, actor=world.chief)


def test_case_from_clue_takes_it_over_once(world: World) -> None:
    clue = _clue_for_case(world)
    assert list(clues_awaiting_case()) == [clue]
    case = services.open_case_from_clue(clue, actor=world.officer, co_officer=co_officer(world))
    assert (case.clue, case.source, case.entity, case.discovered_on) == (
        clue,
        "clue",
        world.pharmacy,
        clue.received_on,
    )
    # the clue's verification clock is the filing clock: met, none opened on the case
    assert current_deadline(clue, "clue_verification").state == DeadlineState.MET  # type: ignore[union-attr]
    assert current_deadline(case, FILING) is None
    assert list(clues_awaiting_case()) == []
    assert AuditEvent.objects.filter(
        action="clues.clue.taken_over", object_id=str(clue.pk)
    ).exists()
    with pytest.raises(ValidationError) as again:
        services.open_case_from_clue(clue, actor=world.officer, co_officer=co_officer(world))
    assert again.value.error_dict["clue"][0].code == "case_clue_taken"


def test_only_a_clue_sent_for_a_case_becomes_one(world: World) -> None:
    clue = clue_services.register_clue(
        actor=world.officer, source="other", source_label="来电", summary="x", entity=world.pharmacy
    )
    with pytest.raises(ValidationError) as refused:
        services.open_case_from_clue(clue, actor=world.officer, co_officer=co_officer(world))
    assert refused.value.error_dict["clue"][0].code == CaseError.NOT_FOR_CASE


def test_filing_is_approved_by_someone_other_than_the_lead_officer(world: World) -> None:
    chief_officer = UserFactory(org_unit=world.team, roles=[Role.CASE_OFFICER, Role.SECTION_CHIEF])
    case = registered(world, lead_officer=chief_officer)
    with pytest.raises(SameApproverError):
        services.approve_filing(case, actor=chief_officer)
    with pytest.raises(PermissionDenied):
        services.approve_filing(case, actor=world.officer)
    case = services.approve_filing(case, actor=world.chief)
    assert (case.status, case.filed_by) == (CaseStatus.INVESTIGATING, world.chief)
    assert current_deadline(case, FILING).state == DeadlineState.MET  # type: ignore[union-attr]
    assert current_deadline(case, DECISION).state == DeadlineState.OPEN  # type: ignore[union-attr]


def test_steps_cannot_be_skipped(world: World) -> None:
    case = registered(world)
    with pytest.raises(IllegalTransitionError):
        services.serve_notice(case, actor=world.officer)
    case = services.approve_filing(case, actor=world.chief)
    with pytest.raises(GuardFailedError, match="证据清单为空"):
        services.finish_investigation(case, actor=world.officer, report="r", proposal="p")
    with pytest.raises(IllegalTransitionError):
        services.decide(case, actor=world.chief, outcome="penalty", summary="罚款")
    case.refresh_from_db()
    assert case.status == CaseStatus.INVESTIGATING


def test_legal_review_is_not_by_the_case_officers(world: World) -> None:
    reviewer = legal_reviewer(world)
    case = registered(world)
    case = services.approve_filing(case, actor=world.chief)
    with_evidence(case, world.officer)
    case = services.finish_investigation(case, actor=world.officer, report="r", proposal="p")
    case = services.review(case, actor=world.chief, opinion="同意")
    with pytest.raises(PermissionDenied):
        services.legal_review(case, actor=world.officer, opinion="自审")
    with pytest.raises(PermissionDenied):
        services.legal_review(case, actor=world.chief, opinion="负责人")
    with pytest.raises(ReasonRequiredError):
        services.legal_return(case, actor=reviewer, reason="")
    case = services.legal_review(case, actor=reviewer, opinion="同意")
    assert (case.status, case.legal_reviewer) == (CaseStatus.PENDING_NOTICE, reviewer)


def test_decision_waits_for_the_statement_period_across_national_day(world: World) -> None:
    reviewer = legal_reviewer(world)
    with on(NATIONAL_DAY_WEEK):
        case = to_notice(world, reviewer)
        case = services.serve_notice(case, actor=world.officer)
    # 29, 30 September, 8, 9 and (the make-up Saturday) 10 October
    assert case.statement_due_on == dt.date(2026, 10, 10)
    with on(dt.date(2026, 10, 10)), pytest.raises(GuardFailedError, match="2026-10-10"):
        services.decide(case, actor=world.chief, outcome="penalty", summary="罚款")
    with on(dt.date(2026, 10, 12)):
        case = services.decide(
            case, actor=world.chief, outcome="penalty", summary="罚款", fine_total=Decimal("5000")
        )
    assert (case.status, case.decided_by, case.execution_required) == (
        CaseStatus.DECIDED,
        world.chief,
        True,
    )
    assert current_deadline(case, DECISION).state == DeadlineState.MET  # type: ignore[union-attr]
    publication = current_deadline(case, PUBLICATION)
    assert publication is not None and publication.started_on == dt.date(2026, 10, 12)


def test_a_written_waiver_lets_the_decision_come_early(world: World) -> None:
    case = to_notice(world, legal_reviewer(world))
    case = services.serve_notice(case, actor=world.officer)
    with pytest.raises(GuardFailedError):
        services.decide(case, actor=world.chief, outcome="penalty", summary="罚款")
    services.record_statement(case, actor=world.officer, waived=True)
    case = services.decide(case, actor=world.chief, outcome="penalty", summary="警告")
    assert case.status == CaseStatus.DECIDED


def test_serious_case_needs_collective_discussion(world: World) -> None:
    case = to_notice(world, legal_reviewer(world), is_serious=True)
    case = services.serve_notice(case, actor=world.officer)
    services.record_statement(case, actor=world.officer, statement="无异议", waived=True)
    with pytest.raises(GuardFailedError, match="集体讨论"):
        services.decide(case, actor=world.leader, outcome="penalty", summary="罚款")
    services.record_collective_discussion(case, actor=world.leader, summary="同意处罚")
    case = services.decide(case, actor=world.leader, outcome="penalty", summary="罚款")
    assert case.status == CaseStatus.DECIDED


def test_hearing_stops_the_decision_clock_until_it_is_held(world: World) -> None:
    with on(dt.date(2026, 11, 2)):
        case = to_notice(world, legal_reviewer(world))
        before = current_deadline(case, DECISION).due_on  # type: ignore[union-attr]
        case = services.serve_notice(case, actor=world.officer)
        case = services.request_hearing(case, actor=world.officer)
    assert current_deadline(case, DECISION).state == DeadlineState.SUSPENDED  # type: ignore[union-attr]
    with on(dt.date(2026, 11, 16)):
        case = services.record_hearing(case, actor=world.officer, summary="当事人到场陈述")
    clock = current_deadline(case, DECISION)
    assert clock is not None and clock.state == DeadlineState.OPEN
    assert clock.due_on == before + dt.timedelta(days=14)
    assert case.status == CaseStatus.HEARD


def test_hearing_request_after_the_period_is_refused(world: World) -> None:
    with on(dt.date(2026, 11, 2)):
        case = to_notice(world, legal_reviewer(world))
        case = services.serve_notice(case, actor=world.officer)
    with on(dt.date(2026, 11, 20)), pytest.raises(ValidationError) as late:
        services.request_hearing(case, actor=world.officer)
    assert late.value.error_dict["hearing_requested_on"][0].code == CaseError.BAD_DATE


def _decided(world: World, **kwargs: object):  # type: ignore[no-untyped-def]
    case = to_notice(world, legal_reviewer(world))
    case = services.serve_notice(case, actor=world.officer)
    services.record_statement(case, actor=world.officer, waived=True)
    return services.decide(case, actor=world.chief, summary="罚款", **kwargs)  # type: ignore[arg-type]


def test_closing_needs_nothing_left_open(world: World) -> None:
    case = _decided(world, outcome="penalty", fine_total=Decimal("3000"))
    case = services.record_delivery(case, actor=world.officer, method="direct", note="送达回证")
    with pytest.raises(GuardFailedError, match="尚未执行完毕"):
        services.close_case(case, actor=world.chief)
    case = services.record_execution(case, actor=world.officer, method="paid", note="已缴纳")
    with pytest.raises(GuardFailedError, match="行政处罚信息公示"):
        services.close_case(case, actor=world.chief)
    meet_deadlines(case, [PUBLICATION], actor=world.officer)
    case = services.close_case(case, actor=world.chief)
    assert (case.status, case.closed_by) == (CaseStatus.CLOSED, world.chief)
    assert _verbs(case)[-5:] == [
        "cases.case.decided",
        "cases.case.consequences_applied",
        "cases.case.delivered",
        "cases.case.executed",
        "cases.case.closed",
    ]


def test_no_penalty_decision_closes_after_delivery(world: World) -> None:
    case = _decided(world, outcome=DecisionOutcome.NO_PENALTY)
    assert current_deadline(case, PUBLICATION) is None
    case = services.record_delivery(case, actor=world.officer)
    with pytest.raises(GuardFailedError):
        services.record_execution(case, actor=world.officer, method="paid")
    case = services.close_case(case, actor=world.chief)
    assert case.status == CaseStatus.CLOSED


def test_simple_procedure_decides_on_the_spot_within_the_limit(world: World) -> None:
    case = registered(
        world,
        procedure=Procedure.SIMPLE,
        entity=None,
        party_name="张三",
        party_is_person=True,
        product_class="drug",
    )
    assert current_deadline(case, FILING) is None
    with pytest.raises(GuardFailedError):
        services.approve_filing(case, actor=world.chief)
    with pytest.raises(ValidationError) as over:
        services.decide_on_spot(case, actor=world.officer, summary="罚款", fine=Decimal("201"))
    assert over.value.error_dict["fine"][0].code == CaseError.SIMPLE_LIMIT
    case = services.decide_on_spot(
        case, actor=world.officer, summary="警告并罚款200元", fine=Decimal("200")
    )
    # decided and handed over on the spot, in one transaction
    assert (case.status, case.delivery_method) == (CaseStatus.DELIVERED, "on_spot")
    assert _verbs(case)[-2:] == ["cases.case.decided_on_spot", "cases.case.delivered"]
    case = services.record_execution(case, actor=world.officer, method="paid")
    case = services.close_case(case, actor=world.chief)
    assert case.status == CaseStatus.CLOSED


def test_revoking_a_filing_cancels_its_clocks(world: World) -> None:
    case = services.approve_filing(registered(world), actor=world.chief)
    with pytest.raises(ReasonRequiredError):
        services.revoke_filing(case, actor=world.chief, end_reason="no_violation", reason="")
    case = services.revoke_filing(
        case, actor=world.chief, end_reason="no_violation", reason="违法事实不成立"
    )
    assert case.status == CaseStatus.REVOKED
    assert current_deadline(case, DECISION).state == DeadlineState.CANCELLED  # type: ignore[union-attr]


def test_refuse_terminate_and_transfer(world: World) -> None:
    refused = services.refuse_filing(
        registered(world), actor=world.chief, end_reason="minor", reason="轻微并已改正"
    )
    assert refused.status == CaseStatus.NOT_FILED
    assert current_deadline(refused, FILING).state == DeadlineState.CANCELLED  # type: ignore[union-attr]
    filed = services.approve_filing(registered(world), actor=world.chief)
    ended = services.terminate(filed, actor=world.leader, end_reason="party_gone", reason="注销")
    assert ended.status == CaseStatus.TERMINATED
    moved = services.transfer_to_authority(
        registered(world), actor=world.chief, to="邻区市场监管局", reason="不属本局管辖"
    )
    assert (moved.status, moved.transferred_to) == (CaseStatus.TRANSFERRED, "邻区市场监管局")


def test_a_person_party_is_sealed_and_shown_masked(world: World) -> None:
    case = registered(
        world,
        entity=None,
        party_name="王小明",
        party_is_person=True,
        person_id_number="110101199003074514",
        product_class="cosmetic",
        org_unit=world.station,
    )
    case.refresh_from_db()
    assert (case.party_name, case.person_name, case.person_id_number) == (
        "王**",
        "王小明",
        "110101199003074514",
    )
    registered_event = AuditEvent.objects.get(
        action="cases.case.registered", object_id=str(case.pk)
    )
    assert "王小明" not in str(registered_event.after)
