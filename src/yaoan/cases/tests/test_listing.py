"""The 严重失信主体名单: proposal, approval by another person, refusal, credit repair."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yaoan.cases.listing_services import (
    approve_listing,
    propose_listing,
    refuse_listing,
    repair_listing,
)
from yaoan.cases.models import DishonestyListing, PenaltyPublication
from yaoan.cases.penalty_enums import ListingStatus
from yaoan.cases.publication_services import prepare_publication
from yaoan.cases.tests.penalty_helpers import decide, gsp_assessment, make_case
from yaoan.core.models import AuditEvent
from yaoan.core.transitions import IllegalTransitionError, SameApproverError
from yaoan.registry.models import EntityRatingChange


@pytest.fixture
def decided(world):
    case = make_case(world)
    gsp_assessment(case, world.officer)
    return decide(case)


def test_proposal_needs_a_decided_case_with_a_business(world):
    case = make_case(world)
    with pytest.raises(ValidationError) as caught:
        propose_listing(case, actor=world.officer, grounds="情节严重")
    assert caught.value.messages == ["案件作出处罚决定后才能提出列入名单"]
    person = decide(make_case(world, entity=None, party_name="张某", party_is_person=True))
    with pytest.raises(ValidationError) as caught:
        propose_listing(person, actor=world.officer, grounds="情节严重")
    assert caught.value.error_list[0].code == "no_entity"
    with pytest.raises(PermissionDenied):
        propose_listing(decide(case), actor=world.inspector, grounds="情节严重")
    assert not DishonestyListing.objects.exists()


def test_listing_approved_by_another_lowers_the_class_to_d(world, decided):
    listing = propose_listing(decided, actor=world.chief, grounds="销售假药，情节严重")
    assert listing.status == ListingStatus.PROPOSED
    with pytest.raises(ValidationError) as caught:
        propose_listing(decided, actor=world.officer, grounds="重复")
    assert caught.value.error_list[0].code == "already_proposed"
    with pytest.raises(SameApproverError):
        approve_listing(listing, actor=world.chief)
    listed = approve_listing(listing, actor=world.leader)
    assert (listed.status, listed.decided_by, listed.class_before) == (
        ListingStatus.LISTED,
        world.leader,
        "",
    )
    world.pharmacy.refresh_from_db()
    assert world.pharmacy.credit_class == "D"
    assert EntityRatingChange.objects.get().source == "dishonesty_listing"
    assert AuditEvent.objects.filter(action="cases.dishonestylisting.listed").count() == 1


def test_refusal_needs_a_reason(world, decided):
    listing = propose_listing(decided, actor=world.officer, grounds="情节严重")
    with pytest.raises(ValidationError):
        refuse_listing(listing, actor=world.chief, reason="")
    refused = refuse_listing(listing, actor=world.chief, reason="不符合列入条件")
    assert refused.status == ListingStatus.REFUSED
    with pytest.raises(IllegalTransitionError):
        approve_listing(refused, actor=world.leader)


def test_credit_repair_after_a_year_gives_back_the_class(world, decided, time_machine):
    world.pharmacy.credit_class = "B"
    world.pharmacy.save(update_fields=["credit_class"])
    time_machine.move_to(dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC))
    listing = approve_listing(
        propose_listing(decided, actor=world.officer, grounds="情节严重"), actor=world.chief
    )
    assert listing.class_before == "B"
    with pytest.raises(ValidationError) as caught:
        repair_listing(listing, actor=world.leader, reason="已整改")
    assert caught.value.error_list[0].code == "repair_too_early"
    time_machine.move_to(dt.datetime(2027, 12, 9, 10, 0, tzinfo=dt.UTC))
    with pytest.raises(ValidationError):
        repair_listing(listing, actor=world.leader, reason="")
    publication = prepare_publication(decided, actor=world.officer)
    PenaltyPublication.objects.filter(pk=publication.pk).update(status="published")
    repaired = repair_listing(listing, actor=world.leader, reason="已整改并公开承诺")
    publication.refresh_from_db()
    assert (publication.status, publication.withdrawal_cause) == ("withdrawn", "credit_repair")
    assert (repaired.status, repaired.repair_reason) == (ListingStatus.REPAIRED, "已整改并公开承诺")
    world.pharmacy.refresh_from_db()
    assert world.pharmacy.credit_class == "B"
    assert list(EntityRatingChange.objects.order_by("id").values_list("source", "new_value")) == [
        ("dishonesty_listing", "D"),
        ("credit_repair", "B"),
    ]
