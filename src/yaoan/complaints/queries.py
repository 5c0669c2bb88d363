"""Read-side querysets of complaints, scoped to what the user may see (S9): a station sees
its own records (and those offered to it by a transfer it has not confirmed yet), the
district-wide units all."""

from __future__ import annotations

import hmac

from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.functions import Cast

from yaoan.complaints.enums import ComplaintStatus
from yaoan.complaints.models import Complaint, ComplaintReward
from yaoan.complaints.rules import can_read_complaint
from yaoan.core.access import visible_or_404
from yaoan.core.enums import DeadlineState
from yaoan.core.models import Deadline, User
from yaoan.core.pii.crypto import keyed_digest
from yaoan.core.rules import data_scope
from yaoan.core.scoping import station_condition, visible_to

DENIED = "complaints.access.denied"
LIST_RELATED = ("org_unit", "entity", "assignee")


def complaints_visible_to(user: User) -> QuerySet[Complaint]:
    if not can_read_complaint(user):
        return Complaint.objects.none()
    scope = data_scope(user)
    if scope.everything or scope.nothing:
        return visible_to(user, Complaint.objects.all(), station="org_unit")
    # a unit asked to take a transfer over sees the record until it decides (首办负责制:
    # it is still the first unit's); one table, so no DISTINCT on the big list
    offered = Q(status=ComplaintStatus.TRANSFER_PENDING, transfer_to_id__in=scope.station_ids)
    own = station_condition(scope, "org_unit")
    return Complaint.objects.filter(offered if own is None else own | offered)


def listed_complaints(user: User) -> QuerySet[Complaint]:
    """The same records as complaints_visible_to(user), written for the big list: the
    transfers offered to the user's stations are read first as a short id list, so the
    query is "own station, or one of these ids" and a planner can walk the
    (org_unit, received_at) index in the list's order instead of combining two indexes
    and sorting every row of the station."""
    if not can_read_complaint(user):
        return Complaint.objects.none()
    scope = data_scope(user)
    own = station_condition(scope, "org_unit")
    if scope.everything or scope.nothing or own is None:
        return complaints_visible_to(user)
    offered = (
        Complaint.objects.filter(
            status=ComplaintStatus.TRANSFER_PENDING, transfer_to_id__in=scope.station_ids
        )
        .exclude(own)
        .order_by()
        .values_list("pk", flat=True)
    )
    ids = sorted(offered)
    return Complaint.objects.filter(own | Q(pk__in=ids) if ids else own)


def visible_complaint(user: User, pk: int) -> Complaint:
    """One record in the user's scope; another unit's answers 404 like a missing one
    (the refusal audited)."""
    return visible_or_404(
        complaints_visible_to(user).select_related(*LIST_RELATED),
        pk,
        user=user,
        action=DENIED,
        object_type="complaints.complaint",
    )


def rewards_visible_to(user: User) -> QuerySet[ComplaintReward]:
    return ComplaintReward.objects.filter(complaint__in=complaints_visible_to(user))


def complaint_deadlines(complaint: Complaint) -> QuerySet[Deadline]:
    return Deadline.objects.filter(
        subject_type="complaints.complaint", subject_id=str(complaint.pk)
    ).select_related("rule")


def overdue_complaints(user: User) -> QuerySet[Complaint]:
    """The records in scope with a clock past its date (the station's overdue list)."""
    late = (
        Deadline.objects.filter(subject_type="complaints.complaint", state=DeadlineState.OVERDUE)
        .annotate(complaint_id=Cast("subject_id", BigIntegerField()))
        .values("complaint_id")
    )
    return complaints_visible_to(user).filter(pk__in=late)


def lookup_digest(code: str) -> str:
    """The keyed digest stored for a lookup code (the code itself is never stored)."""
    return keyed_digest("complaint_lookup", "".join(str(code).split()))


def complaint_by_receipt(number: str, lookup_code: str) -> Complaint | None:
    """The record whose receipt number and lookup code both match, for the public lookup
    (portal): None for a wrong code and an unknown number alike. The digests are
    compared in constant time."""
    found = Complaint.objects.filter(number=(number or "").strip().upper()).first()
    given = lookup_digest(lookup_code or "")
    if found is None or not hmac.compare_digest(found.lookup_code_digest, given):
        return None
    return found
