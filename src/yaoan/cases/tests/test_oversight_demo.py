"""The publication and 回头看 demo step: publishes the older decided penalties (leaving the
newest and every fourth pending), opens last year's 回头看 and scores two files in three;
a second run changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yaoan.cases.enums import CaseStatus
from yaoan.cases.models import CaseReview, PenaltyPublication, ReviewRound
from yaoan.cases.oversight_demo import load_demo
from yaoan.cases.publication_enums import PublicationStatus
from yaoan.cases.review_enums import ReviewStatus
from yaoan.cases.tests.oversight_helpers import make_case
from yaoan.common.testing import UserFactory
from yaoan.core.enums import Role


@pytest.fixture(autouse=True)
def _known_calendar(db):
    from yaoan.common.testing import weekend_calendar_for_coming_years

    weekend_calendar_for_coming_years()


def test_demo_publishes_reviews_and_is_idempotent(world):
    UserFactory(username="qj.case", org_unit=world.team, roles=[Role.CASE_OFFICER])
    UserFactory(username="qj.chief", org_unit=world.section, roles=[Role.SECTION_CHIEF])
    UserFactory(username="qj.devicechief", org_unit=world.section, roles=[Role.SECTION_CHIEF])
    now = timezone.now()
    older = [make_case(world, decided_at=now - dt.timedelta(days=90 - 10 * i)) for i in range(5)]
    fresh = make_case(world, decided_at=now - dt.timedelta(days=2))
    last_year = timezone.make_aware(dt.datetime(timezone.localdate().year - 1, 9, 1, 10))
    closed = [
        make_case(world, status=CaseStatus.CLOSED, decided_at=last_year, closed_at=last_year)
        for _ in range(3)
    ]
    summary = load_demo()
    assert summary
    published = PenaltyPublication.objects.filter(status=PublicationStatus.PUBLISHED)
    # every case but the fresh one and one in four by id (left for the overdue list)
    expected = {c.pk for c in [*older, *closed] if c.pk % 4 != 0}
    assert set(published.values_list("case_id", flat=True)) == expected
    assert fresh.pk not in expected
    review_round = ReviewRound.objects.get()
    assert review_round.reviews.count() == len(closed)
    assert CaseReview.objects.filter(status=ReviewStatus.SUBMITTED).count() == 2
    for review in CaseReview.objects.all():
        assert review.reviewer_id not in (review.case.lead_officer_id, review.case.co_officer_id)
    assert load_demo() == ""
    assert PenaltyPublication.objects.count() == len(expected)
