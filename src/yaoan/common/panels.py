"""Extension points: apps add navigation entries and page panels without the page's own
app importing them (the dashboard and the entity profile are built from these)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


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


def render_panels(slot: str, request: HttpRequest, obj: Any = None) -> list[str]:
    return [html for p in PANELS if p.slot == slot if (html := p.render(request, obj))]
