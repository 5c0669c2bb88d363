"""The one extension point draws offers the apps above it, so draws never imports them.

``register_last_inspectors_provider(fn)``: ``fn(entity_ids) → {entity_id: {user ids}}``,
the inspectors of each entity's last inspection, for the "last inspector" avoidance rule.
Until one is registered there is no such data, and the rule excludes nobody (the draw
records that, and its page says so).

Executing a draw schedules no visits here: ``yaoan.inspections.scheduling.execute_draw``
executes the draw and schedules its visits in one transaction, a call a reader can follow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

LastInspectorsProvider = Callable[[Sequence[int]], Mapping[int, set[int]]]

_providers: list[LastInspectorsProvider] = []


def register_last_inspectors_provider(fn: LastInspectorsProvider) -> None:
    """One provider: registering again replaces it (an app's ready() may run twice)."""
    _providers[:] = [fn]


def last_inspectors_provider() -> LastInspectorsProvider | None:
    return _providers[0] if _providers else None
