"""An enforcement case across the apps, end to end (issue 16):

a clue referred by another department is verified and sent for a case (clues); the case
officer opens the case from it, the chief approves 立案, evidence is recorded, the
investigation ends, the case is reviewed and passes 法制审核, the discretion baseline
suggests warning and fine (药品管理法 第一百二十六条) and the officer proposes them
(penalty), the 告知书 is served and the decision is refused until the 陈述申辩 period has
run (S19); the chief decides, the decision's consequences lower the pharmacy's credit class
with the case named in its rating history and report the penalty for the key list; the
三书同达 set is printed and served (casedocs); the penalty is published on the public
portal with the 决定书's 文号 and its legal basis, and no staff name (casepub); the fine
is paid and the case is closed with no clock left running. In the autumn the pharmacy is
on next year's plan through the key-list rule "近12个月受到行政处罚", now connected."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from freezegun import freeze_time

import yaoan.urls  # noqa: F401  (URLconf built before any clock is frozen)
from yaoan.cases import document_services as docs
from yaoan.cases import evidence_services as evidence
from yaoan.cases import publication_services as publication
from yaoan.cases import services
from yaoan.cases.enums import CaseStatus
from yaoan.cases.models import Case, Violation
from yaoan.cases.penalty_enums import PenaltyKind
from yaoan.cases.penalty_services import (
    Proposal,
    assess_case,
    suggestion_for,
)
from yaoan.clues import services as clue_services
from yaoan.clues.enums import ClueSource, ClueStatus
from yaoan.common.testing import (
    UserFactory,
    World,
    client_for,
    weekend_calendar_for_coming_years,
)
from yaoan.core.enums import DeadlineState, Role
from yaoan.core.models import Deadline, GeneratedDocument
from yaoan.intake.models import EntityEvent
from yaoan.plans import services as plan_services
from yaoan.plans.models import PlanItem
from yaoan.registry.models import EntityRatingChange

MONDAY = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in the district
DAY = dt.timedelta(days=1)
AUTUMN = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # next year's plan is drawn up
FINE = Decimal("300000")
RECEIPT = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def page(client: object, url: str) -> str:
    response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200, (url, response.status_code)
    return str(response.content.decode())


def clue_for_case(world: World) -> object:
    """A referral about the pharmacy, verified by the officer and sent for a case by the
    chief (负责人决定立案: not the verifier)."""
    clue = clue_services.register_clue(
        actor=world.chief,
        source=ClueSource.AGENCY_TRANSFER,
        source_label="区卫健委移送函",
        summary="仁济大药房销售超过有效期的阿莫西林胶囊，群众就医时发现。",
        entity=world.pharmacy,
    )
    clue = clue_services.assign_clue(clue, actor=world.chief, assignee=world.officer)
    clue = clue_services.verify_clue(
        clue,
        actor=world.officer,
        findings="现场查见过期阿莫西林胶囊12盒在售。",
        violation_found=True,
    )
    clue = clue_services.file_for_case(clue, actor=world.chief, note="涉嫌销售劣药，建议立案")
    assert clue.status == ClueStatus.FOR_CASE
    return clue


def investigated(world: World, co: object, reviewer: object) -> Case:
    """From the clue to the proposal: 立案, evidence, 调查终结, 审核, 法制审核, discretion."""
    case = services.open_case_from_clue(clue_for_case(world), actor=world.officer, co_officer=co)
    assert (case.status, case.entity, case.source) == (
        CaseStatus.PENDING_FILING, world.pharmacy, "clue"
    )  # fmt: skip
    case = services.approve_filing(case, actor=world.chief, note="符合立案条件")
    evidence.record_evidence(
        case, actor=world.officer, kind="site_record", title="现场笔录",
        file=evidence.EvidenceFile(name="site.pdf", content=RECEIPT),
    )  # fmt: skip
    case = services.finish_investigation(
        case, actor=world.officer, report="当事人过期药品12盒未下架，经责令改正逾期未改正。",
        proposal="依据《药品管理法》第一百二十六条给予警告并处罚款。",
    )  # fmt: skip
    case = services.review(case, actor=world.chief, opinion="同意")
    case = services.legal_review(case, actor=reviewer, opinion="事实清楚，证据充分")
    # 药品管理法 第一百二十六条: the baseline's general band suggests warning and fine
    violation = Violation.objects.get(code="drug.gsp")
    suggested = suggestion_for(violation, [], goods_value=None, illegal_income=None)
    assert (suggested.kinds, suggested.fine) == ((PenaltyKind.WARNING, PenaltyKind.FINE), FINE)
    assessment = assess_case(
        case,
        actor=world.officer,
        violation=violation,
        circumstance_ids=[],
        goods_value=None,
        illegal_income=None,
        proposal=Proposal(kinds=suggested.kinds, fine=suggested.fine),
    )
    assert assessment.departs is False
    return case


def test_a_clue_becomes_a_case_that_is_decided_published_closed_and_listed(world: World) -> None:
    co = UserFactory(org_unit=world.team, roles=[Role.CASE_OFFICER], display_name="钱执法")
    reviewer = UserFactory(
        org_unit=world.section, roles=[Role.LEGAL_REVIEWER], display_name="孙法制"
    )
    with freeze_time(MONDAY):
        weekend_calendar_for_coming_years()
        case = investigated(world, co, reviewer)
        notice = docs.print_case_document(
            actor=world.officer, case=case, kind="cases.penalty_notice"
        )
        case = services.serve_notice(case, actor=world.officer)
        # the 陈述申辩 period (5 working days from delivery) has not run: no decision yet
        with pytest.raises(ValidationError) as refused:
            services.decide(
                case, actor=world.chief, outcome="penalty", summary="警告，并处罚款三十万元",
                fine_total=FINE,
            )  # fmt: skip
        assert "陈述" in " ".join(refused.value.messages)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.NOTICE_SERVED

    with freeze_time(MONDAY + 8 * DAY):  # Tuesday of the next week: the period has run
        case = services.decide(
            case, actor=world.chief, outcome="penalty", summary="警告，并处罚款人民币三十万元。",
            fine_total=FINE,
        )  # fmt: skip
        delivery = docs.issue_decision_set(actor=world.officer, case=case)
        kinds = sorted(d.kind for d in delivery.documents.all())
        assert kinds == [
            "cases.compliance_notice", "cases.credit_repair_notice", "cases.penalty_decision"
        ]  # fmt: skip
        docs.record_document_delivery(
            actor=world.officer, delivery=delivery, method="direct",
            delivered_on=dt.date(2026, 3, 10), receiver="店长", receipt=(RECEIPT, "回证.pdf"),
        )  # fmt: skip
        case.refresh_from_db()
        assert case.status == CaseStatus.DELIVERED

        rating = EntityRatingChange.objects.filter(entity=world.pharmacy).order_by("-id").first()
        assert rating is not None and case.number in rating.reason
        event = EntityEvent.objects.get(entity=world.pharmacy, kind="penalty")
        assert (event.source_app, event.source_id) == ("cases", str(case.pk))

    with freeze_time(MONDAY + 10 * DAY):
        item = publication.prepare_publication(case, actor=world.officer)
        decision = delivery.documents.get(kind="cases.penalty_decision")
        item = publication.update_publication(
            item,
            actor=world.officer,
            data=publication.PublicationInput(
                decision_number=decision.number,
                party_name=item.party_name,
                violation_type=item.violation_type,
                facts="经营场所货架陈列过期药品，经责令改正逾期未改正。",
                penalty_content=item.penalty_content,
                legal_basis="《中华人民共和国药品管理法》第一百二十六条",
                authority=item.authority,
            ),
        )
        item = publication.publish_penalty(item, actor=world.officer)
        portal = Client()  # anonymous: the public
        listing = page(portal, "/public/penalties/")
        assert world.pharmacy.name in listing and decision.number in listing
        detail = page(portal, f"/public/penalties/{item.pk}/")
        assert "第一百二十六条" in detail and world.officer.display_name not in detail

        case = services.record_execution(case, actor=world.officer, method="paid", note="已缴纳")
        case = services.close_case(case, actor=world.chief, note="执行完毕")
    assert case.status == CaseStatus.CLOSED
    live = Deadline.objects.filter(
        subject_type="cases.case",
        subject_id=str(case.pk),
        state__in=(DeadlineState.OPEN, DeadlineState.OVERDUE),
    )
    assert list(live) == []
    assert GeneratedDocument.objects.filter(number=notice.number).count() == 1

    with freeze_time(AUTUMN):
        rules = page(client_for(world.chief), "/plans/rules/key-list/")
        assert "近12个月受到行政处罚" in rules and "未接入：案件查办模块" not in rules
        plan = plan_services.generate_plan(year=2027, actor=world.chief)
    reasons = {r["code"]: r for r in PlanItem.objects.get(plan=plan, entity=world.pharmacy).reasons}
    assert (
        reasons["penalty"]["text"]
        == "近12个月受到行政处罚：近12个月行政处罚 1 次（最近一次 2026-03-10）"
    )
