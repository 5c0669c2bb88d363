"""Read-side querysets of complaints, scoped to what the user may see (S9): a station sees
its own records (and those offered to it by a transfer it has not confirmed yet), the
district-wide units all."""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

from django.db.models import Exists, Q, QuerySet, Subquery
from django.utils import timezone

from yaoan.complaints.enums import ComplaintStatus
from yaoan.complaints.models import Complaint, ComplaintReward
from yaoan.complaints.rules import can_read_complaint
from yaoan.core.access import visible_or_404
from yaoan.core.deadlines import overdue_condition as deadline_overdue
from yaoan.core.deadlines import row_deadlines
from yaoan.core.enums import DeadlineState
from yaoan.core.models import User
from yaoan.core.pii.crypto import keyed_digest
from yaoan.core.rules import data_scope
from yaoan.core.scoping import station_condition, visible_to

DENIED = "complaints.access.denied"
LIST_RELATED = ("org_unit", "entity", "assignee")
SUBJECT_TYPE = "complaints.complaint"
LIVE = (DeadlineState.OPEN, DeadlineState.OVERDUE)


def complaints_visible_to(user: User) -> QuerySet[Complaint]:
    """A station sees its own records and those offered to it by a transfer it has not
    confirmed yet (首办负责制: still the first unit's until it decides), the district-wide
    units all. The offered transfers are read first as a short id list, so the query is
    "own station, or one of these ids": a planner walks the (org_unit, received_at)
    index in the list's order instead of combining two indexes and sorting every row of
    the station; one table, so no DISTINCT on the big list."""
    if not can_read_complaint(user):
        return Complaint.objects.none()
    scope = data_scope(user)
    own = station_condition(scope, "org_unit")
    if scope.everything or scope.nothing:
        return visible_to(user, Complaint.objects.all(), station="org_unit")
    offered = Complaint.objects.filter(
        status=ComplaintStatus.TRANSFER_PENDING, transfer_to_id__in=scope.station_ids
    )
    if own is None:
        return offered
    ids = sorted(offered.exclude(own).order_by().values_list("pk", flat=True))
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


def with_next_due(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Each complaint with its nearest running deadline (any step): ``next_due_on``,
    ``next_due_label`` (the rule's name), ``next_due_state`` — one subquery each, no N+1."""
    nearest = row_deadlines(SUBJECT_TYPE).filter(state__in=LIVE).order_by("due_on", "id")
    return qs.annotate(
        next_due_on=Subquery(nearest.values("due_on")[:1]),
        next_due_label=Subquery(nearest.values("rule__label")[:1]),
        next_due_state=Subquery(nearest.values("state")[:1]),
    )


def overdue_condition(today: Any = None) -> Q:
    """A complaint with a clock past its date (core.deadlines.listing)."""
    return deadline_overdue(SUBJECT_TYPE, today)


def near_due_condition(days: int, today: Any = None) -> Q:
    today = today or timezone.localdate()
    soon = row_deadlines(SUBJECT_TYPE).filter(
        state=DeadlineState.OPEN,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=days),
    )
    return Q(Exists(soon))


def overdue_complaints(user: User) -> QuerySet[Complaint]:
    """The records in scope with a clock past its date (the station's overdue list)."""
    return complaints_visible_to(user).filter(overdue_condition())


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
