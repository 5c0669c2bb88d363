"""Extension points for the modules above plans (and beside it), so plans never imports them.

``register_key_list_source(code, fn)``
    ``fn(year) -> {entity_id: reason text}``: the entities a key-list rule selects for the
    plan of ``year`` (e.g. "serious finding in the last 12 months", registered by the
    inspections app; failed samples, complaints and penalties by their modules once they
    exist). A rule whose source is not registered selects nothing, and the pages say so.

``register_done_counter(fn, joint=False)``
    ``fn(year) -> {entity_id: completed inspections}`` for the coverage panel; with
    ``joint=True`` it counts completed joint inspections with the health commission.
    Without a counter the panel shows "—" and why, never a made-up zero.

Apps call these in their ``AppConfig.ready``; registering the same code again replaces the
function (module reloads in development).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

KeyListSource = Callable[[int], Mapping[int, str]]
DoneCounter = Callable[[int], Mapping[int, int]]

KEY_LIST_SOURCES: dict[str, KeyListSource] = {}
DONE_COUNTERS: dict[str, DoneCounter] = {}
ALL_VISITS = "all"
JOINT_VISITS = "joint"


def register_key_list_source(code: str, fn: KeyListSource) -> None:
    KEY_LIST_SOURCES[code] = fn


def unregister_key_list_source(code: str) -> None:
    KEY_LIST_SOURCES.pop(code, None)


def register_done_counter(fn: DoneCounter, *, joint: bool = False) -> None:
    DONE_COUNTERS[JOINT_VISITS if joint else ALL_VISITS] = fn


def unregister_done_counter(*, joint: bool = False) -> None:
    DONE_COUNTERS.pop(JOINT_VISITS if joint else ALL_VISITS, None)


def done_counter(*, joint: bool = False) -> DoneCounter | None:
    return DONE_COUNTERS.get(JOINT_VISITS if joint else ALL_VISITS)
