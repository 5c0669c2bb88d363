"""The legal status changes of a draw, as data. A drawn draw is never drawn again: a redraw
is a new draw, and the old one is superseded (and stays visible)."""

from __future__ import annotations

from yaoan.draws.enums import DrawStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    DrawStatus.COMMITTED: frozenset({DrawStatus.DRAWN, DrawStatus.SUPERSEDED}),
    DrawStatus.DRAWN: frozenset({DrawStatus.SUPERSEDED}),
    DrawStatus.SUPERSEDED: frozenset(),
}


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())
