"""Extension points for the apps above draws (inspections), so draws never imports them.

* ``register_last_inspectors_provider(fn)``: ``fn(entity_ids) → {entity_id: {user ids}}``,
  the inspectors of each entity's last inspection, for the "last inspector" avoidance
  rule. Until one is registered there is no such data, and the rule excludes nobody (the
  draw records that, and its page says so).
* ``register_draw_listener(fn)``: ``fn(draw)`` is called inside execute_draw's transaction
  with the drawn Draw (inspections creates its tasks from it); an exception rolls the
  whole execution back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from yaoan.draws.models import Draw

LastInspectorsProvider = Callable[[Sequence[int]], Mapping[int, set[int]]]
DrawListener = Callable[["Draw"], Any]

_providers: list[LastInspectorsProvider] = []
_listeners: list[DrawListener] = []


def register_last_inspectors_provider(fn: LastInspectorsProvider) -> None:
    """One provider: registering again replaces it (an app's ready() may run twice)."""
    _providers[:] = [fn]


def last_inspectors_provider() -> LastInspectorsProvider | None:
    return _providers[0] if _providers else None


def register_draw_listener(fn: DrawListener) -> None:
    if fn not in _listeners:
        _listeners.append(fn)


def draw_listeners() -> tuple[DrawListener, ...]:
    return tuple(_listeners)
