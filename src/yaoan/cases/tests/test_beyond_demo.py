"""The demo's transfers and supervision, loaded on open cases of the district's demo
accounts: one transfer filed by the police, handed over and followed up with the case's
clock suspended, one refused, one supervised case with a progress report; idempotent."""

from __future__ import annotations

import pytest

from yaoan.cases.beyond_demo import load_demo
from yaoan.cases.beyond_enums import SupervisionStatus, TransferStatus
from yaoan.cases.models import CaseSupervision, CriminalTransfer
from yaoan.cases.tests.beyond_helpers import add_evidence, make_case
from yaoan.common.testing import UserFactory, World
from yaoan.core.deadlines import current_deadline
from yaoan.core.enums import DeadlineState, Role

pytestmark = pytest.mark.django_db


def test_demo_transfers_and_supervision_on_open_cases(world: World) -> None:
    officer = UserFactory(username="qj.case", org_unit=world.team, roles=[Role.CASE_OFFICER])
    UserFactory(username="qj.leader", org_unit=world.bureau, roles=[Role.LEADER])
    UserFactory(username="qj.chief", org_unit=world.section, roles=[Role.SECTION_CHIEF])
    cases = [make_case(world, lead=officer) for _ in range(3)]
    for case in cases:
        add_evidence(case)
    summary = load_demo()
    assert summary == "涉嫌犯罪案件移送：2 件；挂牌督办：1 件"
    first, second = (CriminalTransfer.objects.get(case=c) for c in cases[:2])
    assert (first.status, second.status) == (TransferStatus.HANDED_OVER, TransferStatus.REFUSED)
    assert first.follow_ups.count() == 1 and first.clock_suspended
    clock = current_deadline(cases[0], "case_decision")
    assert clock is not None and clock.state == DeadlineState.SUSPENDED
    sup = CaseSupervision.objects.get()
    assert (sup.case, sup.status, sup.reports.count()) == (cases[2], SupervisionStatus.ACTIVE, 1)
    assert load_demo() == summary
    assert CriminalTransfer.objects.count() == 2


def test_demo_adds_nothing_without_the_accounts(world: World) -> None:
    make_case(world)
    assert load_demo() == "涉嫌犯罪案件移送：0 件；挂牌督办：0 件"
    assert CriminalTransfer.objects.count() == 0
