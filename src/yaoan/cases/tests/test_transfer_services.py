"""行刑衔接 services: the proposal and its evidence list, the head's approval by another
person, the transfer with its number and the case clock suspended, the police's answers,
reconsideration within 3 days, hand-over, follow-up and the end (the clock resumed)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yaoan.cases import followup_services, guards
from yaoan.cases import services as case_services
from yaoan.cases import transfer_services as services
from yaoan.cases.beyond_enums import (
    AdministrativePart,
    MaterialKind,
    ReconsiderationChannel,
    TransferOutcome,
    TransferStatus,
)
from yaoan.cases.enums import CaseStatus
from yaoan.cases.models import CriminalTransfer, TransferFollowUp
from yaoan.cases.tests.beyond_helpers import add_evidence, add_seized, make_case
from yaoan.cases.tests.penalty_helpers import gsp_assessment
from yaoan.common.testing import World
from yaoan.core.deadlines import current_deadline
from yaoan.core.enums import DeadlineState
from yaoan.core.models import AuditEvent
from yaoan.core.transitions import GuardFailedError, IllegalTransitionError, SameApproverError

pytestmark = pytest.mark.django_db


def propose(world: World, case, part=AdministrativePart.SUSPEND, **extra):  # type: ignore[no-untyped-def]
    evidence = extra.pop("evidence_ids", None)
    if evidence is None:
        evidence = [add_evidence(case).pk]
    return services.propose_transfer(
        case,
        actor=extra.pop("actor", world.officer),
        suspected_offence="销售假药罪",
        facts="当事人销售的某某胶囊经检验为假药",
        investigation_report="经查，当事人自2026年起销售……涉嫌销售假药罪。",
        evidence_ids=evidence,
        police_unit="青江区公安分局",
        administrative_part=part,
        **extra,
    )


def sent(world: World, part=AdministrativePart.SUSPEND, days_ago: int = 0):  # type: ignore[no-untyped-def]
    """A transfer proposed, approved and sent ``days_ago`` (its proposal dated back to
    then: the record as it would stand had it happened that day)."""
    case = make_case(world, filed_on=timezone.localdate() - dt.timedelta(days=days_ago + 10))
    transfer = propose(world, case, part)
    back = timezone.now() - dt.timedelta(days=days_ago)
    CriminalTransfer.objects.filter(pk=transfer.pk).update(proposed_at=back)
    transfer = services.approve_transfer(transfer, actor=world.leader)
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return services.send_transfer(transfer, actor=world.officer, transferred_on=day)


def test_propose_records_evidence_items_and_materials_and_opens_the_approval_clock(
    world: World,
) -> None:
    case = make_case(world)
    evidence = [add_evidence(case, "询问笔录").pk, add_evidence(case, "检验报告").pk]
    item = add_seized(case)
    transfer = propose(
        world,
        case,
        evidence_ids=evidence,
        seized_item_ids=[item.pk],
        materials=[services.MaterialInput(MaterialKind.TEST_REPORT, "药品检验报告书", 3)],
    )
    assert transfer.status == TransferStatus.PROPOSED
    assert sorted(transfer.evidence.values_list("pk", flat=True)) == sorted(evidence)
    assert list(transfer.seized_items.all()) == [item]
    assert [(m.kind, m.title, m.pages) for m in transfer.materials.all()] == [
        ("test", "药品检验报告书", 3)
    ]
    clock = current_deadline(transfer, "criminal_transfer_approval")
    assert clock is not None and clock.due_on == clock.started_on + dt.timedelta(days=3)
    event = AuditEvent.objects.get(action="cases.criminaltransfer.proposed")
    assert event.after["evidence"] == sorted(evidence)


def test_propose_without_evidence_list_is_refused_and_nothing_is_written(world: World) -> None:
    case = make_case(world)
    with pytest.raises(ValidationError) as err:
        propose(world, case, evidence_ids=[])
    assert err.value.error_dict["evidence"][0].code == "transfer_no_evidence"
    assert "证据清单" in err.value.error_dict["evidence"][0].message
    assert CriminalTransfer.objects.count() == 0


def test_propose_with_another_cases_evidence_is_refused(world: World) -> None:
    case, other = make_case(world), make_case(world)
    with pytest.raises(ValidationError) as err:
        propose(world, case, evidence_ids=[add_evidence(other).pk])
    assert err.value.error_dict["evidence"][0].code == "transfer_bad_evidence"
    assert CriminalTransfer.objects.count() == 0


def test_propose_on_an_ended_case_or_twice_is_refused(world: World) -> None:
    closed = make_case(world, status=CaseStatus.CLOSED)
    with pytest.raises(ValidationError) as err:
        propose(world, closed)
    assert err.value.error_dict["case"][0].code == "beyond_case_not_open"
    case = make_case(world)
    propose(world, case)
    with pytest.raises(ValidationError) as err:
        propose(world, case)
    assert err.value.error_dict["case"][0].code == "transfer_already_open"


def test_propose_by_another_stations_user_is_refused(world: World) -> None:
    case = make_case(world)
    with pytest.raises(PermissionDenied):
        propose(world, case, actor=world.other_inspector)


def test_approval_is_a_leaders_and_not_the_proposers(world: World) -> None:
    case = make_case(world)
    transfer = propose(world, case, actor=world.leader)
    with pytest.raises(PermissionDenied):
        services.approve_transfer(transfer, actor=world.chief)
    with pytest.raises(SameApproverError):
        services.approve_transfer(transfer, actor=world.leader)
    other = propose(world, make_case(world))
    approved = services.approve_transfer(other, actor=world.leader)
    assert (approved.status, approved.decided_by) == (TransferStatus.APPROVED, world.leader)
    clock = current_deadline(approved, "criminal_transfer_approval")
    assert clock is not None and clock.state == DeadlineState.MET


def test_refusal_needs_a_reason_and_ends_the_transfer(world: World) -> None:
    transfer = propose(world, make_case(world))
    with pytest.raises(ValidationError):
        services.refuse_transfer(transfer, actor=world.leader, reason=" ")
    refused = services.refuse_transfer(transfer, actor=world.leader, reason="尚未达到立案追诉标准")
    assert refused.status == TransferStatus.NOT_APPROVED
    # a refused proposal leaves the case free for a new one
    assert propose(world, refused.case).status == TransferStatus.PROPOSED


def test_transfer_before_approval_is_an_illegal_step(world: World) -> None:
    transfer = propose(world, make_case(world))
    with pytest.raises(IllegalTransitionError) as err:
        services.send_transfer(transfer, actor=world.officer, transferred_on=timezone.localdate())
    assert err.value.code == "illegal_transition"
    transfer.refresh_from_db()
    assert (transfer.status, transfer.number) == (TransferStatus.PROPOSED, "")


def test_send_numbers_the_transfer_and_suspends_the_case_clock(world: World) -> None:
    transfer = sent(world)
    assert transfer.status == TransferStatus.TRANSFERRED
    assert transfer.number.startswith("移送") and str(timezone.localdate().year) in transfer.number
    assert transfer.clock_suspended is True
    decision = current_deadline(transfer.case, "case_decision")
    assert decision is not None and decision.state == DeadlineState.SUSPENDED
    review = current_deadline(transfer, "criminal_transfer_followup")
    assert review is not None and review.due_on == transfer.transferred_on + dt.timedelta(days=3)
    assert review.assignee == world.officer


def test_send_with_the_case_continuing_leaves_its_clock_running(world: World) -> None:
    transfer = sent(world, AdministrativePart.CONTINUE)
    assert transfer.clock_suspended is False
    decision = current_deadline(transfer.case, "case_decision")
    assert decision is not None and decision.state == DeadlineState.OPEN


def test_acceptance_then_handover_then_close_resumes_the_case_clock(world: World) -> None:
    transfer = sent(world)
    today = timezone.localdate()
    accepted = services.record_police_acceptance(
        transfer, actor=world.officer, decided_on=today, reference="青公立字〔2026〕12号"
    )
    assert accepted.status == TransferStatus.ACCEPTED
    assert current_deadline(accepted, "criminal_transfer_followup").state == DeadlineState.MET  # type: ignore[union-attr]
    handover = current_deadline(accepted, "criminal_transfer_handover")
    assert handover is not None and handover.state == DeadlineState.OPEN
    handed = services.record_handover(
        accepted,
        actor=world.officer,
        handed_over_on=today,
        note="某某胶囊20盒及案卷材料，已办结交接手续",
    )
    assert handed.status == TransferStatus.HANDED_OVER
    followup_services.record_follow_up(
        handed, actor=world.officer, happened_on=today, note="检察院已提起公诉"
    )
    closed = services.close_transfer(
        handed, actor=world.officer, outcome=TransferOutcome.CONVICTED, reason="法院已判决"
    )
    assert (closed.status, closed.outcome) == (TransferStatus.CLOSED, TransferOutcome.CONVICTED)
    decision = current_deadline(closed.case, "case_decision")
    assert decision is not None and decision.state == DeadlineState.OPEN
    assert TransferFollowUp.objects.filter(transfer=closed).count() == 1


def test_refusal_then_late_police_reconsideration_is_refused_but_procuratorate_is_not(
    world: World,
) -> None:
    transfer = sent(world, days_ago=5)
    today = timezone.localdate()
    refused = services.record_police_refusal(
        transfer,
        actor=world.officer,
        decided_on=today - dt.timedelta(days=4),
        reference="青公不立字〔2026〕3号",
        reason="情节显著轻微",
    )
    assert (refused.status, refused.police_reason) == (TransferStatus.REFUSED, "情节显著轻微")
    with pytest.raises(ValidationError) as err:
        services.request_reconsideration(
            refused,
            actor=world.officer,
            channel=ReconsiderationChannel.POLICE,
            requested_on=today,
            reason="认为应当立案",
        )
    assert err.value.error_dict["reconsideration_on"][0].code == "transfer_late_reconsideration"
    supervised = services.request_reconsideration(
        refused,
        actor=world.officer,
        channel=ReconsiderationChannel.PROCURATORATE,
        requested_on=today,
        reason="建议检察院立案监督",
    )
    assert supervised.status == TransferStatus.RECONSIDERING
    assert current_deadline(supervised, "criminal_transfer_reconsideration") is None


def test_refusal_decided_before_the_transfer_day_is_refused(world: World) -> None:
    transfer = sent(world)
    with pytest.raises(ValidationError) as err:
        services.record_police_refusal(
            transfer,
            actor=world.officer,
            decided_on=transfer.transferred_on - dt.timedelta(days=1),
            reference="x",
            reason="y",
        )
    assert err.value.error_dict["police_decided_on"][0].code == "beyond_bad_date"


def test_reconsideration_by_police_opens_its_clock_and_upheld_refusal_returns_the_case(
    world: World,
) -> None:
    transfer = sent(world)
    today = timezone.localdate()
    refused = services.record_police_refusal(
        transfer, actor=world.officer, decided_on=today, reference="不立字1号", reason="证据不足"
    )
    asked = services.request_reconsideration(
        refused,
        actor=world.officer,
        channel=ReconsiderationChannel.POLICE,
        requested_on=today,
        reason="补充了检验报告",
    )
    clock = current_deadline(asked, "criminal_transfer_reconsideration")
    assert clock is not None and clock.state == DeadlineState.OPEN
    ended = services.uphold_refusal(asked, actor=world.officer, reason="复议维持不予立案")
    assert (ended.status, ended.outcome) == (TransferStatus.CLOSED, TransferOutcome.RETURNED)
    assert current_deadline(ended, "criminal_transfer_reconsideration").state == DeadlineState.MET  # type: ignore[union-attr]
    decision = current_deadline(ended.case, "case_decision")
    assert decision is not None and decision.state == DeadlineState.OPEN


def test_close_after_refusal_is_recorded_as_returned(world: World) -> None:
    transfer = sent(world)
    refused = services.record_police_refusal(
        transfer,
        actor=world.officer,
        decided_on=timezone.localdate(),
        reference="不立字2号",
        reason="不构成犯罪",
    )
    closed = services.close_transfer(
        refused, actor=world.officer, outcome=TransferOutcome.CONVICTED, reason="依法作出行政处罚"
    )
    assert closed.outcome == TransferOutcome.RETURNED


def test_follow_up_before_the_transfer_is_refused(world: World) -> None:
    transfer = propose(world, make_case(world))
    with pytest.raises(ValidationError) as err:
        followup_services.record_follow_up(
            transfer, actor=world.officer, happened_on=timezone.localdate(), note="询问进展"
        )
    assert err.value.error_dict["transfer"][0].code == "beyond_case_not_open"


def test_a_case_is_not_decided_while_its_transfer_waits_or_suspends_it(world: World) -> None:
    case = make_case(world, status=CaseStatus.NOTICE_SERVED)
    case.statement_waived = True
    case.save(update_fields=["statement_waived"])
    gsp_assessment(case, world.officer)  # the proposal is in order: the transfer holds it
    propose(world, case, AdministrativePart.CONTINUE)
    with pytest.raises(GuardFailedError) as err:
        case_services.decide(case, actor=world.chief, outcome="penalty", summary="罚款")
    assert "涉嫌犯罪案件移送" in err.value.message
    case.refresh_from_db()
    assert case.status == CaseStatus.NOTICE_SERVED


def test_a_case_continuing_beside_a_sent_transfer_may_be_decided(world: World) -> None:
    transfer = sent(world, AdministrativePart.CONTINUE)
    case = transfer.case
    case.status, case.statement_waived = CaseStatus.NOTICE_SERVED, True
    case.save(update_fields=["status", "statement_waived"])
    gsp_assessment(case, world.officer)
    decided = case_services.decide(
        case, actor=world.chief, outcome="penalty", summary="吊销药品经营许可证"
    )
    assert decided.status == CaseStatus.DECIDED


def test_a_case_suspended_for_a_sent_transfer_is_not_decided_nor_closed(world: World) -> None:
    transfer = sent(world, AdministrativePart.SUSPEND)
    case = transfer.case
    assert guards.no_transfer_pending(case) is not None
    assert guards.nothing_open(case) == "还有进行中的涉嫌犯罪案件移送，不能结案"
    refused = services.record_police_refusal(
        transfer,
        actor=world.officer,
        decided_on=timezone.localdate(),
        reference="不立字3号",
        reason="不构成犯罪",
    )
    services.close_transfer(refused, actor=world.officer, outcome="", reason="依法作出行政处罚")
    assert guards.no_transfer_pending(case) is None
