"""Read-side querysets of inspections, each scoped to what the user may see (S9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Subquery

from yaoan.core.deadlines import row_deadlines
from yaoan.core.enums import DeadlineState, Role
from yaoan.core.models import User
from yaoan.core.scoping import visible_to
from yaoan.inspections.enums import (
    PUBLISHED_KINDS,
    InspectionStatus,
    RectificationStatus,
)
from yaoan.inspections.models import (
    Inspection,
    InspectionAmendment,
    RectificationOrder,
)
from yaoan.inspections.workflow import PUBLICATION_RULE, RECTIFICATION_RULE

OPEN_STATUSES = (InspectionStatus.SCHEDULED, InspectionStatus.IN_PROGRESS)


def inspections_visible_to(user: User) -> QuerySet[Inspection]:
    # an inspector always sees the inspections they are on, whichever grid (joint teams)
    own = Q(team__inspector=user)
    return visible_to(user, Inspection.objects.all(), station="station", also=own)


def with_due(qs: QuerySet[Any], rule_code: str) -> QuerySet[Any]:
    """Each row with its current deadline of this rule (core.Deadline, the latest one):
    ``due_on``, ``due_state`` and ``due_provisional``, for lists and their filters."""
    model = qs.model
    subject_type = f"{model._meta.app_label}.{model._meta.model_name}"
    latest = row_deadlines(subject_type).filter(rule__code=rule_code).order_by("-id")
    return qs.annotate(
        due_on=Subquery(latest.values("due_on")[:1]),
        due_state=Subquery(latest.values("state")[:1]),
        due_provisional=Subquery(latest.values("provisional")[:1]),
    )


def rectifications_visible_to(user: User) -> QuerySet[RectificationOrder]:
    """Every order the user's scope covers, with its 整改期限 (``due_on``…)."""
    return visible_to(
        user, with_due(RectificationOrder.objects.all(), RECTIFICATION_RULE), station="station"
    )


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
    """Orders not closed whose deadline has passed (the sweep marks them overdue; one past
    due today counts before the sweep has run)."""
    return qs.exclude(status=RectificationStatus.CLOSED).filter(
        Q(due_state=DeadlineState.OVERDUE) | Q(due_state=DeadlineState.OPEN, due_on__lt=today)
    )


def unpublished_results(qs: QuerySet[Inspection]) -> QuerySet[Any]:
    """Submitted random inspections not yet published, with their 公示期限 (``due_on``)."""
    return with_due(
        qs.filter(
            kind__in=PUBLISHED_KINDS, status=InspectionStatus.SUBMITTED, published_at__isnull=True
        ),
        PUBLICATION_RULE,
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
        .prefetch_related(
            Prefetch(
                "amendments",
                queryset=InspectionAmendment.objects.filter(public_notice=True).order_by(
                    "decided_at", "id"
                ),
                to_attr="corrections",
            )
        )
        .order_by("-submitted_at", "-id")
    )
    term = search.strip()[:60]
    if term:
        qs = qs.filter(Q(entity__name__icontains=term) | Q(entity__uscc__startswith=term.upper()))
    return qs


def active_inspectors() -> QuerySet[User]:
    people = User.objects.people()
    return people.filter(is_active=True, role_assignments__role=Role.INSPECTOR).distinct()
