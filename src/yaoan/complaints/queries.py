"""Read-side querysets of complaints, scoped to what the user may see (S9): a station sees
its own records, the district-wide units all."""

from __future__ import annotations

from django.db.models import QuerySet

from yaoan.complaints.models import Complaint
from yaoan.complaints.rules import can_read_complaint
from yaoan.core.models import User
from yaoan.core.scoping import visible_to


def complaints_visible_to(user: User) -> QuerySet[Complaint]:
    if not can_read_complaint(user):
        return Complaint.objects.none()
    # ``station`` is the lookup path from the model to its station (an OrgUnit)
    return visible_to(user, Complaint.objects.all(), station="org_unit")
