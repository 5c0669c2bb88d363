"""The discretion proposal as a condition of the procedure: the notice (告知) is refused
with the reason (409 ``guard_failed``, nothing written) without an assessment or with a
departure lacking its reason, allowed after a valid one; an ordinary-procedure penalty
decision is refused the same way and takes its fine total from the proposal; the case page
shows the reason in place of the button."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yaoan.cases import services
from yaoan.cases.enums import CaseStatus
from yaoan.cases.models import Assessment, Case, Penalty
from yaoan.cases.tests.helpers import legal_reviewer, to_notice
from yaoan.cases.tests.penalty_helpers import gsp_assessment, make_case
from yaoan.cases.tests.test_api import call
from yaoan.common.testing import World, client_for
from yaoan.core.models import AuditEvent
from yaoan.core.transitions import GuardFailedError

pytestmark = pytest.mark.django_db


def _pending(world: World) -> Case:
    return to_notice(world, legal_reviewer(world), assessed=False)


def _nothing_served(case: Case) -> None:
    case.refresh_from_db()
    assert (case.status, case.notice_served_on, case.statement_due_on) == (
        CaseStatus.PENDING_NOTICE,
        None,
        None,
    )
    assert not AuditEvent.objects.filter(action__endswith="notice_served").exists()


def test_the_notice_without_an_assessment_is_409_with_the_reason(world: World) -> None:
    case = _pending(world)
    response = call("post", f"/api/cases/{case.pk}/serve_notice", world.officer, {})
    assert response.status_code == 409
    detail = response.json()["detail"][0]
    assert (detail["code"], detail["message"]) == ("guard_failed", "尚未完成处罚裁量")
    _nothing_served(case)


def test_the_notice_with_a_departing_fine_lacking_its_reason_is_refused(world: World) -> None:
    case = _pending(world)
    # 150,000 元 is below the general band (220,000–380,000): a departure
    gsp_assessment(case, world.officer, fine="150000", reason="情节较轻")
    Assessment.objects.filter(case=case).update(departure_reason=" ")
    response = call("post", f"/api/cases/{case.pk}/serve_notice", world.officer, {})
    assert response.status_code == 409
    detail = response.json()["detail"][0]
    assert (detail["code"], detail["message"]) == ("guard_failed", "偏离裁量建议须说明理由")
    _nothing_served(case)


def test_the_notice_is_served_after_a_valid_assessment(world: World) -> None:
    case = _pending(world)
    gsp_assessment(case, world.officer, fine="150000", reason="情节较轻")
    served = services.serve_notice(case, actor=world.officer)
    assert served.status == CaseStatus.NOTICE_SERVED
    assert served.statement_due_on is not None


def test_the_case_page_shows_the_reason_instead_of_the_button(world: World) -> None:
    case = _pending(world)
    officer = client_for(world.officer)
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="action-serve_notice"' not in page
    assert 'data-testid="held-serve_notice"' in page
    assert "“送达行政处罚告知书”暂不能办理：尚未完成处罚裁量" in page
    gsp_assessment(case, world.officer)
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="action-serve_notice"' in page
    assert 'data-testid="held-serve_notice"' not in page


def _served(world: World) -> Case:
    return make_case(world, status=CaseStatus.NOTICE_SERVED, statement_waived=True)


def test_a_penalty_decision_without_an_assessment_is_refused_and_nothing_written(
    world: World,
) -> None:
    case = _served(world)
    with pytest.raises(GuardFailedError) as refused:
        services.decide(case, actor=world.chief, outcome="penalty", summary="罚款")
    assert (refused.value.code, refused.value.message) == ("guard_failed", "尚未完成处罚裁量")
    case.refresh_from_db()
    assert (case.status, case.decided_at, case.outcome) == (CaseStatus.NOTICE_SERVED, None, "")
    assert not AuditEvent.objects.filter(action__endswith="decided").exists()


def test_no_penalty_needs_no_proposal(world: World) -> None:
    case = _served(world)
    decided = services.decide(case, actor=world.chief, outcome="no_penalty", summary="不予处罚")
    assert (decided.status, decided.fine_total) == (CaseStatus.DECIDED, None)


def test_the_fine_total_defaults_to_the_proposal(world: World) -> None:
    case = _served(world)
    gsp_assessment(case, world.officer)
    assert Penalty.objects.filter(case=case).count() == 2  # warning and fine
    decided = services.decide(case, actor=world.chief, outcome="penalty", summary="罚款")
    assert decided.fine_total == Decimal("300000")
    given = _served(world)
    gsp_assessment(given, world.officer)
    decided = services.decide(
        given, actor=world.chief, outcome="penalty", summary="罚款", fine_total=Decimal("1")
    )
    assert decided.fine_total == Decimal("1")
