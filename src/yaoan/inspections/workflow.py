"""The legal state changes of inspections and rectification orders, as data.

``services.transition_*`` refuses anything not listed here; the pages list the same table
so a regulator can show which changes are possible.
"""

from __future__ import annotations

from yaoan.inspections.enums import InspectionStatus, RectificationStatus

# (from, action) → to
INSPECTION_TRANSITIONS: dict[tuple[str, str], str] = {
    (InspectionStatus.SCHEDULED, "start"): InspectionStatus.IN_PROGRESS,
    (InspectionStatus.IN_PROGRESS, "submit"): InspectionStatus.SUBMITTED,
    (InspectionStatus.SCHEDULED, "cancel"): InspectionStatus.CANCELLED,
    (InspectionStatus.IN_PROGRESS, "cancel"): InspectionStatus.CANCELLED,
}

RECTIFICATION_TRANSITIONS: dict[tuple[str, str], str] = {
    (RectificationStatus.OPEN, "respond"): RectificationStatus.RESPONDED,
    # re-inspection: passed closes the order, failed sends it back with a new deadline
    (RectificationStatus.RESPONDED, "reinspect_passed"): RectificationStatus.CLOSED,
    (RectificationStatus.RESPONDED, "reinspect_failed"): RectificationStatus.OPEN,
    # an inspector may find the problem put right on a re-visit without a written response
    (RectificationStatus.OPEN, "reinspect_passed"): RectificationStatus.CLOSED,
}


def next_inspection_status(current: str, action: str) -> str | None:
    return INSPECTION_TRANSITIONS.get((current, action))


def next_rectification_status(current: str, action: str) -> str | None:
    return RECTIFICATION_TRANSITIONS.get((current, action))
