"""Receiving a 投诉举报: the routing, the receipt number and lookup code, the clocks from
receipt, the entity event, and every refusal leaving nothing written."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yaoan.complaints.enums import Channel, ComplaintError, ComplaintStatus
from yaoan.complaints.models import Complaint
from yaoan.complaints.services import lookup_digest
from yaoan.complaints.tests.factories import PHONE, complaint_input, receive, report
from yaoan.core.actors import system_actor
from yaoan.core.deadlines import deadlines_for
from yaoan.core.pii.fields import matches
from yaoan.intake.models import EntityEvent


def test_receive_routes_a_matched_entity_to_its_station(world):
    c = receive(world.inspector, entity=world.pharmacy)
    assert c.org_unit == world.station
    assert c.status == ComplaintStatus.RECEIVED
    assert c.number.startswith("TJ")
    assert len(c.issued_lookup_code) == 10
    assert c.lookup_code_digest == lookup_digest(c.issued_lookup_code)
    codes = sorted(deadlines_for(c).values_list("rule__code", flat=True))
    assert codes == ["complaint_acceptance"]
    event = EntityEvent.objects.get(source_app="complaints", source_id=str(c.pk))
    assert event.entity == world.pharmacy and event.kind == "complaint"


def test_receive_unmatched_goes_to_the_section_and_a_report_starts_verification(world):
    c = report(world.inspector, anonymous=True)
    assert c.entity is None and c.org_unit == world.section
    assert c.reporter_phone == "" and c.anonymous
    codes = sorted(deadlines_for(c).values_list("rule__code", flat=True))
    assert codes == ["complaint_acceptance", "report_verification"]
    assert not EntityEvent.objects.exists()


def test_phone_is_found_through_the_blind_index(world):
    c = receive(world.inspector)
    found = Complaint.objects.filter(matches(Complaint, "reporter_phone", "139 1234 5678"))
    assert list(found) == [c]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"content": "  "}, "content", ComplaintError.NO_CONTENT),
        ({"kind": "nonsense"}, "kind", ComplaintError.BAD_CHOICE),
        ({"reporter_phone": ""}, "reporter_phone", ComplaintError.NO_CONTACT),
        ({"reporter_phone": "12ab"}, "reporter_phone", ComplaintError.BAD_PHONE),
    ],
)
def test_bad_input_is_refused_with_a_code_and_nothing_written(world, overrides, field, code):
    with pytest.raises(ValidationError) as caught:
        receive(world.inspector, **overrides)
    assert caught.value.error_dict[field][0].code == code
    assert not Complaint.objects.exists()


def test_the_same_submission_twice_keeps_one_and_says_so(world):
    first = receive(world.inspector)
    with pytest.raises(ValidationError) as caught:
        receive(world.inspector, content="在该药店购买的感冒药已过有效期，  要求退款。")
    error = caught.value.error_dict["content"][0]
    assert error.code == "complaint_duplicate"
    assert first.number in error.message
    assert Complaint.objects.count() == 1


def test_portal_actor_registers_portal_submissions_only(world):
    portal = system_actor("portal")
    c = report(portal, channel=Channel.PORTAL, anonymous=True)
    assert c.created_by == portal
    with pytest.raises(PermissionDenied):
        receive(portal, content="另一条", channel=Channel.PHONE)
    with pytest.raises(PermissionDenied):
        receive(world.leader, content="领导登记")
    assert Complaint.objects.count() == 1
    assert complaint_input().reporter_phone == PHONE
