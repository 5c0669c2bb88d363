"""The complaints demo step: a year of complaints through the services, every state shown,
the audit log in date order, synthetic reporters, and a second run changes nothing."""

from __future__ import annotations

import pytest

from yaoan.complaints.demo import load_demo
from yaoan.complaints.enums import ComplaintStatus
from yaoan.complaints.models import Complaint
from yaoan.core.models import AuditEvent
from yaoan.registry import demo as registry_demo

pytestmark = pytest.mark.django_db


def test_demo_has_every_state_and_runs_once() -> None:
    registry_demo.load(60)
    summary = load_demo()
    assert summary.startswith("演示投诉举报 120 件"), summary
    states = set(Complaint.objects.values_list("status", flat=True))
    assert states == set(ComplaintStatus.values), set(ComplaintStatus.values) - states
    assert Complaint.objects.filter(entity__isnull=True).exists()  # unmatched ones too
    phones = {c.reporter_phone for c in Complaint.objects.all() if c.reporter_phone}
    assert phones and all(p.startswith("1990000") for p in phones)
    events = list(
        AuditEvent.objects.filter(object_type="complaints.complaint")
        .order_by("seq")
        .values_list("occurred_at", flat=True)
    )
    assert events == sorted(events)
    assert load_demo() == ""
