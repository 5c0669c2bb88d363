"""The cases demo step loaded on its own after the clues demo (the timeline did not run its
stories): a case in every state, the two 移送立案 clues opened as cases, the clocks
running, suspended, extended and overdue, evidence with its photo, the cases' audit log in
date order, and a second run changes nothing. (On the inspections' timeline:
inspections/tests/test_demo_district.py.)"""

from __future__ import annotations

import pytest
from django.utils import timezone

from yaoan.cases.demo import load_demo
from yaoan.cases.enums import CaseStatus
from yaoan.cases.models import Case, Evidence
from yaoan.cases.workflow import DECISION
from yaoan.clues import demo as clues_demo
from yaoan.clues.enums import ClueStatus
from yaoan.clues.models import Clue
from yaoan.core.models import AuditEvent, Deadline, DeadlineExtension, DeadlineSuspension
from yaoan.registry import demo as registry_demo

pytestmark = pytest.mark.django_db


def test_demo_has_every_state_opens_the_clues_and_runs_once() -> None:
    registry_demo.load(60)
    clues_demo.load_demo()

    summary = load_demo()

    assert summary.startswith("案件：")
    states = set(Case.objects.values_list("status", flat=True))
    assert states == set(CaseStatus.values), set(CaseStatus.values) - states
    from_clues = Case.objects.filter(clue__isnull=False)
    assert from_clues.count() == 2
    assert not Clue.objects.filter(status=ClueStatus.FOR_CASE, cases__isnull=True).exists()
    decision = Deadline.objects.filter(rule__code=DECISION)
    assert {"open", "suspended", "overdue", "met"} <= set(decision.values_list("state", flat=True))
    assert DeadlineExtension.objects.filter(
        rule__code="case_decision_extension", status="approved"
    ).exists()
    assert DeadlineSuspension.objects.filter(ended_on__isnull=False).exists()
    assert Evidence.objects.filter(attachment__isnull=False).exists()

    times = list(
        AuditEvent.objects.filter(object_type="cases.case")
        .order_by("seq")
        .values_list("occurred_at", flat=True)
    )
    assert times == sorted(times)
    assert timezone.localtime(times[-1]).date() < timezone.localdate()
    assert load_demo() == ""
