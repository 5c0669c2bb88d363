"""Read-side querysets of inspections, each scoped to what the user may see (S9)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from yaoan.core.enums import Role
from yaoan.core.models import User
from yaoan.core.rules import DataScope, data_scope
from yaoan.inspections.enums import (
    PUBLISHED_KINDS,
    InspectionStatus,
    RectificationStatus,
)
from yaoan.inspections.models import Inspection, RectificationOrder

OPEN_STATUSES = (InspectionStatus.SCHEDULED, InspectionStatus.IN_PROGRESS)


def _station_filter(scope: DataScope, field: str) -> Q | None:
    """None: everything; an always-false Q for no data; else the stations' filter."""
    if scope.everything:
        return None
    return Q(**{f"{field}__in": scope.station_ids or ()})


def inspections_visible_to(user: User) -> QuerySet[Inspection]:
    qs = Inspection.objects.all()
    condition = _station_filter(data_scope(user), "station_id")
    # an inspector always sees the inspections they are on, whichever grid (joint teams)
    if condition is not None:
        qs = qs.filter(condition | Q(team__inspector=user)).distinct()
    return qs


def rectifications_visible_to(user: User) -> QuerySet[RectificationOrder]:
    qs = RectificationOrder.objects.all()
    condition = _station_filter(data_scope(user), "station_id")
    return qs if condition is None else qs.filter(condition)


def due_today_for(user: User, today: dt.date) -> QuerySet[Inspection]:
    """The inspector's own open inspections scheduled for today or earlier."""
    return (
        Inspection.objects.filter(
            team__inspector=user, status__in=OPEN_STATUSES, scheduled_for__lte=today
        )
        .select_related("entity", "station")
        .order_by("scheduled_for", "id")
    )


def overdue_rectifications(qs: QuerySet[RectificationOrder], today: dt.date) -> QuerySet:
    return qs.exclude(status=RectificationStatus.CLOSED).filter(deadline__lt=today)


def unpublished_results(qs: QuerySet[Inspection]) -> QuerySet[Inspection]:
    return qs.filter(
        kind__in=PUBLISHED_KINDS, status=InspectionStatus.SUBMITTED, published_at__isnull=True
    )


def published_results(search: str = "") -> QuerySet[Inspection]:
    """What the public portal shows: published random-inspection results, nothing else;
    ``search`` matches the entity's name or the start of its credit code."""
    qs = (
        Inspection.objects.filter(
            kind__in=PUBLISHED_KINDS,
            status=InspectionStatus.SUBMITTED,
            published_at__isnull=False,
        )
        .select_related("entity", "rectification")
        .order_by("-submitted_at", "-id")
    )
    term = search.strip()[:60]
    if term:
        qs = qs.filter(Q(entity__name__icontains=term) | Q(entity__uscc__startswith=term.upper()))
    return qs


def active_inspectors() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role_assignments__role=Role.INSPECTOR).distinct()
