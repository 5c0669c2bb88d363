"""What inspections gives the modules below it through their extension points: the last
inspection's team (draws' avoidance rule), the completed inspections a plan's coverage
counts, and the entities with a serious finding (a key-list rule of the plan). Executing a
draw is not among them: inspections.scheduling.execute_draw does it, called directly."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.inspections.enums import InspectionKind, InspectionStatus, Severity
from yaoan.inspections.models import Finding, Inspection, InspectionInspector

COUNTED_KINDS = [k for k in InspectionKind.values if k != InspectionKind.REINSPECTION]


def last_inspectors(entity_ids: Sequence[int]) -> Mapping[int, set[int]]:
    """For each entity, the inspectors of its most recent submitted inspection."""
    latest = dict(
        Inspection.objects.filter(entity_id__in=entity_ids, status=InspectionStatus.SUBMITTED)
        .values("entity_id")
        .annotate(last=Max("submitted_at"))
        .values_list("entity_id", "last")
    )
    teams: dict[int, set[int]] = defaultdict(set)
    rows = InspectionInspector.objects.filter(
        inspection__entity_id__in=list(latest), inspection__status=InspectionStatus.SUBMITTED
    ).values_list("inspection__entity_id", "inspection__submitted_at", "inspector_id")
    for entity_id, submitted_at, inspector_id in rows:
        if submitted_at == latest[entity_id]:
            teams[entity_id].add(inspector_id)
    return teams


def _completed(year: int) -> Any:
    return Inspection.objects.filter(
        status=InspectionStatus.SUBMITTED, submitted_at__year=year, kind__in=COUNTED_KINDS
    )


def done_counts(year: int) -> Mapping[int, int]:
    rows = _completed(year).values("entity_id").annotate(n=Count("id"))
    return {r["entity_id"]: r["n"] for r in rows}


def joint_done_counts(year: int) -> Mapping[int, int]:
    rows = (
        _completed(year)
        .filter(joint_department__isnull=False)
        .values("entity_id")
        .annotate(n=Count("id"))
    )
    return {r["entity_id"]: r["n"] for r in rows}


def serious_findings(year: int) -> Mapping[int, str]:
    """Entities with a critical defect in the 12 months before the plan's year starts (or
    before today, for a plan of the current year)."""
    end = min(timezone.localdate(), dt.date(year, 1, 1))
    start = end - dt.timedelta(days=365)
    rows = (
        Finding.objects.filter(
            severity=Severity.CRITICAL,
            inspection__status=InspectionStatus.SUBMITTED,
            inspection__submitted_at__date__gte=start,
            inspection__submitted_at__date__lt=end,
        )
        .values("inspection__entity_id")
        .annotate(n=Count("id"), last=Max("inspection__submitted_at"))
    )
    return {
        r["inspection__entity_id"]: _("近12个月检查发现严重缺陷 %(n)d 项（最近一次 %(d)s）")
        % {"n": r["n"], "d": timezone.localdate(r["last"]).isoformat()}
        for r in rows
    }


def on_inspection_team(user: Any, entity_id: int) -> bool:
    """registry.extensions' profile grant: a member of the team of a non-cancelled inspection
    of the entity may read its profile, even when it lies in another station's grid."""
    return (
        InspectionInspector.objects.filter(inspector=user, inspection__entity_id=entity_id)
        .exclude(inspection__status=InspectionStatus.CANCELLED)
        .exists()
    )
