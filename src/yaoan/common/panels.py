"""Extension points: apps add navigation entries and page panels without the page's own
app importing them (the dashboard and the entity profile are built from these)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone, translation


@dataclass(frozen=True)
class NavItem:
    order: int
    label: Any  # a lazy translation
    url_name: str
    visible: Callable[[Any], bool]
    match_prefix: str


@dataclass(frozen=True)
class Panel:
    """``render(request, obj)`` returns HTML, or None when the panel has nothing to show."""

    order: int
    slot: str
    render: Callable[[HttpRequest, Any], str | None]


NAV_ITEMS: list[NavItem] = []
PANELS: list[Panel] = []


def register_nav(item: NavItem) -> None:
    if all(i.url_name != item.url_name for i in NAV_ITEMS):
        NAV_ITEMS.append(item)
        NAV_ITEMS.sort(key=lambda i: i.order)


def register_panel(panel: Panel) -> None:
    if panel not in PANELS:
        PANELS.append(panel)
        PANELS.sort(key=lambda p: p.order)


# how long a kept panel may be shown at most, even when nothing recorded has changed
KEPT_PANEL_SECONDS = 300


def render_panels(
    slot: str, request: HttpRequest, obj: Any = None, *, data_version: str | None = None
) -> list[str]:
    """The slot's panels in order. With ``data_version`` (a stamp that changes with every
    recorded change, e.g. the audit chain's head), each panel's HTML is kept per user,
    language and day and shown again until the stamp changes: the dashboard's counts are
    summaries of the whole year that every user opens many times a day. Only for panels
    without forms (a kept page would carry another request's CSRF token)."""
    return [
        html
        for p in PANELS
        if p.slot == slot
        if (
            html := _render(p, request, obj, data_version)
            if data_version
            else p.render(request, obj)
        )
    ]


def _render(panel: Panel, request: HttpRequest, obj: Any, data_version: str) -> str | None:
    render = panel.render
    key = ":".join(
        (
            "panel",
            panel.slot,
            f"{render.__module__}.{render.__qualname__}",
            str(getattr(request.user, "pk", "")),
            translation.get_language() or "",
            timezone.localdate().isoformat(),
            data_version,
        )
    )
    kept = cache.get(key)
    if kept is None:
        kept = render(request, obj) or ""
        cache.set(key, kept, KEPT_PANEL_SECONDS)
    return kept or None
