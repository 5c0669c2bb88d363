"""Receiving a 投诉举报: the routing, the receipt number and lookup code, the clocks from
receipt, the entity event, and every refusal leaving nothing written."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yaoan.complaints.enums import Channel, ComplaintError, ComplaintStatus
from yaoan.complaints.models import Complaint
from yaoan.complaints.queries import complaint_by_receipt
from yaoan.complaints.services import SubmittedFile, lookup_digest, receive_complaint
from yaoan.complaints.tests.factories import PHONE, complaint_input, receive, report
from yaoan.core.actors import system_actor
from yaoan.core.deadlines import deadlines_for
from yaoan.core.models import Attachment, Deadline
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


def test_a_refused_attachment_refuses_the_whole_submission(world):
    files = [SubmittedFile("photo.jpg", b"MZ\x90\x00 not an image")]
    with pytest.raises(ValidationError) as caught:
        receive_complaint(actor=world.inspector, data=complaint_input(), files=files)
    assert "attachment_wrong_type" in str(caught.value.error_list[0].code)
    assert not Complaint.objects.exists() and not Attachment.objects.exists()
    assert not Deadline.objects.exists()


def test_a_valid_attachment_is_stored_personal_on_the_record(world):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    c = receive_complaint(
        actor=world.inspector,
        data=complaint_input(),
        files=[SubmittedFile("invoice.pdf", pdf)],
    )
    stored = Attachment.objects.get()
    assert (stored.subject_type, stored.subject_id, stored.personal) == (
        "complaints.complaint",
        c.pk,
        True,
    )


def test_the_lookup_needs_the_number_and_the_code(world):
    c = receive(world.inspector)
    code = c.issued_lookup_code
    assert complaint_by_receipt(c.number, code) == c
    assert complaint_by_receipt(c.number.lower(), f" {code} ") == c
    assert complaint_by_receipt(c.number, "0000000000" if code != "0000000000" else "1") is None
    assert complaint_by_receipt("TJ2026999999", code) is None


def test_the_section_chief_is_told_of_a_record_routed_to_the_section(world):
    from yaoan.core.models import Notification

    c = report(world.inspector)
    note = Notification.objects.get(recipient=world.chief)
    assert note.title == f"新投诉举报待受理：{c}" and note.link == c.get_absolute_url()
    assert PHONE not in note.title


def test_a_receipt_time_in_the_future_is_refused(world):
    import datetime as dt

    from django.utils import timezone

    with pytest.raises(ValidationError) as caught:
        receive(world.inspector, received_at=timezone.now() + dt.timedelta(days=1))
    assert "received_at" in caught.value.error_dict
    assert not Complaint.objects.exists()
