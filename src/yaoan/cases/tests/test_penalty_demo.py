"""The demo's discretion: the demo cases are assessed before the 法制审核, the decisions
carry the proposed totals, and one business is on the 严重失信主体名单 with credit D."""

from __future__ import annotations

import pytest

from yaoan.cases.demo import load_demo
from yaoan.cases.enums import CaseStatus, Procedure
from yaoan.cases.models import Assessment, Case, DishonestyListing
from yaoan.cases.penalty_enums import ListingStatus
from yaoan.cases.penalty_services import money_total
from yaoan.clues import demo as clues_demo
from yaoan.registry import demo as registry_demo

pytestmark = pytest.mark.django_db


def test_demo_cases_are_assessed_and_one_business_is_listed() -> None:
    registry_demo.load(60)
    clues_demo.load_demo()
    load_demo()
    past_review = Case.objects.filter(
        procedure=Procedure.ORDINARY,
        status__in=(CaseStatus.PENDING_NOTICE, CaseStatus.NOTICE_SERVED, CaseStatus.DECIDED),
    )
    assert past_review.exists()
    assert not past_review.filter(assessment__isnull=True).exists()
    assert Assessment.objects.filter(departs=True).count() == 0
    decided = Case.objects.filter(outcome="penalty", procedure=Procedure.ORDINARY)
    assert all(c.fine_total == money_total(c) and c.fine_total > 0 for c in decided)
    listing = DishonestyListing.objects.get()
    assert listing.status == ListingStatus.LISTED
    assert listing.entity.credit_class == "D"
