"""A case driven through the case services to the state a documents test needs, in the
shared test world: ``officer`` leads with a second case officer, the section chief
approves and decides, a legal reviewer reviews, the party is ``pharmacy`` of ``station``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.utils import timezone

from yaoan.cases import evidence_services, services
from yaoan.cases.enums import DecisionOutcome, EvidenceKind, Procedure, SeizureMeasure
from yaoan.cases.models import Case, Violation
from yaoan.cases.opening import CaseInput
from yaoan.cases.penalty_enums import PenaltyKind
from yaoan.cases.penalty_services import Proposal, assess_case
from yaoan.common.testing import UserFactory, World, give_profile
from yaoan.core.enums import Role
from yaoan.core.models import User
from yaoan.registry.enums import ProductClass

DECISION_TEXT = (
    "依据《中华人民共和国药品管理法》第一百一十七条第一款，没收违法销售的药品，"
    "并处罚款人民币十万元。"
)


@dataclass
class Crew:
    lead: User
    co: User
    chief: User
    reviewer: User


def crew(world: World) -> Crew:
    co = cast(
        User, UserFactory(org_unit=world.team, roles=[Role.CASE_OFFICER], display_name="乙执法员")
    )
    reviewer = cast(
        User,
        UserFactory(org_unit=world.section, roles=[Role.LEGAL_REVIEWER], display_name="丙法制员"),
    )
    give_profile(world.officer, "ZF0001")
    give_profile(co, "ZF0002")
    return Crew(lead=world.officer, co=co, chief=world.chief, reviewer=reviewer)


def registered(world: World, people: Crew, *, procedure: str = Procedure.ORDINARY) -> Case:
    data = CaseInput(
        title="经营劣药",
        facts="日常检查发现当事人经营超过有效期的阿莫西林胶囊。",
        lead_officer=people.lead,
        co_officer=people.co,
        product_class=ProductClass.DRUG,
        entity=world.pharmacy,
        discovered_on=timezone.localdate() - dt.timedelta(days=40),
        procedure=procedure,
    )
    return services.open_case(actor=people.lead, data=data)


def investigating(world: World, people: Crew) -> Case:
    case = services.approve_filing(registered(world, people), actor=people.chief, note="同意立案")
    evidence_services.record_evidence(
        case,
        actor=people.lead,
        kind=EvidenceKind.INQUIRY,
        title="对当事人负责人的询问笔录",
        collected_on=timezone.localdate() - dt.timedelta(days=35),
        description="问：你店是否销售过期药品？答：是。",
        place="青江区示例路1号",
    )
    evidence_services.record_seized_item(
        case,
        actor=people.lead,
        measure=SeizureMeasure.SEIZE,
        name="阿莫西林胶囊",
        quantity=Decimal("20"),
        quantity_unit="盒",
        location="局涉案物品仓库",
        seized_on=timezone.localdate() - dt.timedelta(days=35),
    )
    return Case.objects.get(pk=case.pk)


def notice_pending(world: World, people: Crew) -> Case:
    case = investigating(world, people)
    case = services.finish_investigation(
        case,
        actor=people.lead,
        report="当事人于2026年10月购进并销售超过有效期的阿莫西林胶囊20盒。",
        proposal="没收违法销售的药品，罚款人民币十万元",
    )
    case = services.review(case, actor=people.chief, opinion="同意")
    case = services.legal_review(case, actor=people.reviewer, opinion="事实清楚，证据确凿")
    return case


def assessed(case: Case, people: Crew, *, warning_only: bool = False) -> Case:
    """The discretion the notice states: 零售劣药 on 5,000 元 of goods, fined at the top of
    the legal range (10–20 times), or a warning alone (both departures, with the reason)."""
    proposal = (
        Proposal(kinds=(PenaltyKind.WARNING,), reason="首次违法且已主动召回，给予警告")
        if warning_only
        else Proposal(
            kinds=(PenaltyKind.CONFISCATE_GOODS, PenaltyKind.FINE),
            fine=Decimal("100000"),
            confiscated_goods="阿莫西林胶囊20盒",
            reason="过期药品已售出，按法定上限处罚",
        )
    )
    assess_case(
        case,
        actor=people.lead,
        violation=Violation.objects.get(code="drug.substandard.retail"),
        circumstance_ids=[],
        goods_value=Decimal("5000"),
        illegal_income=None,
        proposal=proposal,
    )
    return case


def decided(
    world: World,
    people: Crew,
    *,
    summary: str = DECISION_TEXT,
    fine: Decimal | None = Decimal("100000"),
    execution_required: bool | None = None,
) -> Case:
    case = assessed(notice_pending(world, people), people, warning_only=fine is None)
    case = services.serve_notice(
        case, actor=people.lead, served_on=timezone.localdate() - dt.timedelta(days=20)
    )
    return services.decide(
        case,
        actor=people.chief,
        outcome=DecisionOutcome.PENALTY,
        summary=summary,
        fine_total=fine,
        execution_required=execution_required,
    )
