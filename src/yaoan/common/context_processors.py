from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from yaoan.common.panels import NAV_ITEMS
from yaoan.common.urls import fixed_url


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for item in NAV_ITEMS:
        if item.visible(user):
            items.append(
                {
                    "label": item.label,
                    "url": fixed_url(item.url_name),
                    "active": request.path.startswith(item.match_prefix),
                }
            )
    return {"nav_items": items}
