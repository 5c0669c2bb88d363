"""The legal state changes of an annual plan, as data.

draft ──submit──▶ submitted ──approve──▶ approved ──supersede──▶ superseded
  ▲                   │
  └──────return───────┘

An approved plan is never edited: a change starts a new draft version (copied from it),
which on approval supersedes it. A draft may be regenerated; nothing else is replaced.
"""

from __future__ import annotations

from yaoan.plans.enums import PlanAction, PlanStatus

TRANSITIONS: dict[tuple[str, str], str] = {
    (PlanStatus.DRAFT, PlanAction.SUBMIT): PlanStatus.SUBMITTED,
    (PlanStatus.SUBMITTED, PlanAction.APPROVE): PlanStatus.APPROVED,
    (PlanStatus.SUBMITTED, PlanAction.RETURN): PlanStatus.DRAFT,
    (PlanStatus.APPROVED, PlanAction.SUPERSEDE): PlanStatus.SUPERSEDED,
}
EDITABLE = frozenset({PlanStatus.DRAFT})


def next_status(status: str, action: str) -> str | None:
    return TRANSITIONS.get((status, action))


def allowed_actions(status: str) -> list[str]:
    return [action for (source, action) in TRANSITIONS if source == status]
