"""The whole penalty procedure, generated from the workflow's table: every row is taken
through its service from a real case in the row's source state and lands in its target;
every action the table does not allow from a state is refused by the service as
``illegal_transition`` (409), leaving the case as it was."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from yaoan.cases import services
from yaoan.cases.enums import CaseStatus, DecisionOutcome, Procedure
from yaoan.cases.models import Case
from yaoan.cases.tests.helpers import legal_reviewer, registered, with_evidence
from yaoan.cases.tests.penalty_helpers import gsp_assessment
from yaoan.cases.workflow import CASE
from yaoan.common.testing import World
from yaoan.core.deadlines import meet_deadlines
from yaoan.core.models import User
from yaoan.core.transitions import IllegalTransitionError

pytestmark = pytest.mark.django_db
S = CaseStatus


@dataclass
class Ctx:
    world: World
    reviewer: User
    outcome: str = DecisionOutcome.PENALTY


def _decide(case: Case, c: Ctx) -> Case:
    services.record_statement(case, actor=c.world.officer, waived=True)
    fine = Decimal("1000") if c.outcome == DecisionOutcome.PENALTY else None
    return services.decide(
        case, actor=c.world.chief, outcome=c.outcome, summary="决定", fine_total=fine
    )


def _assessed(case: Case, c: Ctx) -> Case:
    if case.status == S.PENDING_NOTICE:  # the notice needs a valid proposal
        gsp_assessment(case, c.world.officer)
    return case


def _close(case: Case, c: Ctx) -> Case:
    meet_deadlines(case, ["penalty_publication"], actor=c.world.officer)  # published
    return services.close_case(case, actor=c.world.chief)


W = Callable[[Case, Ctx], Case]
STEPS: dict[str, W] = {
    "approve_filing": lambda k, c: services.approve_filing(k, actor=c.world.chief),
    "refuse_filing": lambda k, c: services.refuse_filing(
        k, actor=c.world.chief, end_reason="no_violation", reason="不成立"
    ),
    "decide_on_spot": lambda k, c: services.decide_on_spot(
        k, actor=c.world.officer, summary="警告", fine=Decimal("100")
    ),
    "finish_investigation": lambda k, c: services.finish_investigation(
        with_evidence(k, c.world.officer), actor=c.world.officer, report="r", proposal="p"
    ),
    "review": lambda k, c: services.review(k, actor=c.world.chief, opinion="同意"),
    "return_for_investigation": lambda k, c: services.return_for_investigation(
        k, actor=c.world.chief, reason="补充"
    ),
    "legal_review": lambda k, c: services.legal_review(k, actor=c.reviewer, opinion="同意"),
    "legal_return": lambda k, c: services.legal_return(k, actor=c.reviewer, reason="补充"),
    "serve_notice": lambda k, c: services.serve_notice(_assessed(k, c), actor=c.world.officer),
    "request_hearing": lambda k, c: services.request_hearing(k, actor=c.world.officer),
    "record_hearing": lambda k, c: services.record_hearing(
        k, actor=c.world.officer, summary="听证"
    ),
    "decide": _decide,
    "record_delivery": lambda k, c: services.record_delivery(k, actor=c.world.officer),
    "record_execution": lambda k, c: services.record_execution(
        k, actor=c.world.officer, method="paid"
    ),
    "close_case": _close,
    "revoke_filing": lambda k, c: services.revoke_filing(
        k, actor=c.world.chief, end_reason="no_violation", reason="撤销"
    ),
    "terminate": lambda k, c: services.terminate(
        k, actor=c.world.chief, end_reason="party_gone", reason="注销"
    ),
    "transfer_to_authority": lambda k, c: services.transfer_to_authority(
        k, actor=c.world.chief, to="邻区局", reason="管辖"
    ),
}
# the main road: each state is reached by the steps before it
ROAD = [
    (S.PENDING_FILING, "approve_filing"),
    (S.INVESTIGATING, "finish_investigation"),
    (S.CASE_REVIEW, "review"),
    (S.LEGAL_REVIEW, "legal_review"),
    (S.PENDING_NOTICE, "serve_notice"),
    (S.NOTICE_SERVED, "request_hearing"),
    (S.HEARING, "record_hearing"),
    (S.HEARD, "decide"),
    (S.DECIDED, "record_delivery"),
    (S.DELIVERED, "record_execution"),
    (S.EXECUTED, "close_case"),
]
ROAD_STATES = [state for state, _ in ROAD]


def _ctx(world: World, source: str, action: str) -> Ctx:
    # closing right after delivery needs a decision with nothing to execute
    no_penalty = (source, action) == (S.DELIVERED, "close_case")
    return Ctx(
        world, legal_reviewer(world), DecisionOutcome.NO_PENALTY if no_penalty else "penalty"
    )


def _case_in(state: str, c: Ctx) -> Case:
    case = registered(c.world)
    for source, action in ROAD[: ROAD_STATES.index(state)]:
        case = STEPS[action](case, c)
        assert case.status == CASE.transition(source, action).target  # type: ignore[union-attr]
    return case


def test_the_table_has_a_service_for_every_action() -> None:
    assert set(CASE.actions()) == set(STEPS)
    assert set(CASE.reachable_states()) == set(CaseStatus.values)


ROWS = [pytest.param(t, id=f"{t.source}:{t.action}") for t in CASE.transitions]


@pytest.mark.parametrize("row", ROWS)
def test_every_row_is_taken_through_its_service(world: World, row: Any) -> None:
    c = _ctx(world, row.source, row.action)
    if row.action == "decide_on_spot":
        case = registered(world, procedure=Procedure.SIMPLE)
    else:
        case = _case_in(row.source, c)
    done = STEPS[row.action](case, c)
    # the on-the-spot decision is handed over in the same call (当场交付): one step more
    expected = S.DELIVERED if row.action == "decide_on_spot" else row.target
    assert done.status == expected
    assert CASE.transition(row.target, "record_delivery") or row.action != "decide_on_spot"


# the bare service calls, without the preparation a legal step needs (evidence, waiver,
# publication): out of order, the service must refuse before anything is written
BARE: dict[str, W] = STEPS | {
    "finish_investigation": lambda k, c: services.finish_investigation(
        k, actor=c.world.officer, report="r", proposal="p"
    ),
    "decide": lambda k, c: services.decide(
        k, actor=c.world.chief, outcome="penalty", summary="决定"
    ),
    "close_case": lambda k, c: services.close_case(k, actor=c.world.chief),
}


@pytest.mark.parametrize("state", ROAD_STATES)
def test_every_action_outside_the_table_is_refused_by_the_service(world: World, state: str) -> None:
    c = Ctx(world, legal_reviewer(world))
    case = _case_in(state, c)
    absent = [a for a in CASE.actions() if CASE.transition(state, a) is None]
    assert absent
    for action in absent:
        with pytest.raises(IllegalTransitionError):
            BARE[action](case, c)
        case.refresh_from_db()
        assert case.status == state, action
