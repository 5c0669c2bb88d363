"""Read-side querysets of intake, scoped to what the user may see (S9), and the entity
events the planning key list reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext as _

from yaoan.core.models import User
from yaoan.core.scoping import visible_to
from yaoan.intake.enums import EntityEventKind, IntakeStatus
from yaoan.intake.models import EntityEvent, IntakeItem
from yaoan.intake.rules import can_read_intake


def intake_visible_to(user: User) -> QuerySet[IntakeItem]:
    """A station sees the items of its own station; the district-wide units see all."""
    if not can_read_intake(user):
        return IntakeItem.objects.none()
    return visible_to(user, IntakeItem.objects.all(), station="org_unit")


def waiting_count(user: User) -> int:
    return intake_visible_to(user).filter(status=IntakeStatus.NEW).count()


def items_from_source(source_app: str, source_kind: str, source_id: str) -> QuerySet[IntakeItem]:
    """The items one source record handed on (e.g. a finding's escalations)."""
    return IntakeItem.objects.filter(
        source_app=source_app, source_kind=source_kind, source_id=str(source_id)
    )


def event_window(year: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """The 12 months before the plan's year starts (before today for the current year):
    ``start <= occurred_on < end``."""
    end = min(today, dt.date(year, 1, 1))
    return end - dt.timedelta(days=365), end


def entities_with_events(
    kind: EntityEventKind | str, *, start: dt.date, end: dt.date, min_count: int = 1
) -> Mapping[int, str]:
    """``{entity_id: reason}`` for the entities with at least ``min_count`` live events of
    ``kind`` in ``start <= occurred_on < end``: what a key-list rule selects."""
    rows = (
        EntityEvent.objects.filter(
            kind=kind, withdrawn_at__isnull=True, occurred_on__gte=start, occurred_on__lt=end
        )
        .values("entity_id")
        .annotate(n=Count("id"), last=Max("occurred_on"))
        .filter(n__gte=min_count)
    )
    label = EntityEventKind(kind).label
    return {
        r["entity_id"]: _("近12个月%(k)s %(n)d 次（最近一次 %(d)s）")
        % {"k": label, "n": r["n"], "d": r["last"].isoformat()}
        for r in rows
    }
