from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context: dict[str, Any], **kwargs: Any) -> str:
    """The current query string with some parameters replaced (sorting, paging)."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def sort_link(context: dict[str, Any], field: str) -> str:
    """Query string that sorts by ``field``, toggling direction when already sorted by it."""
    query: QueryDict = context["request"].GET.copy()
    current = query.get("sort", "")
    query["sort"] = f"-{field}" if current == field else field
    query.pop("page", None)
    return query.urlencode()


@register.simple_tag(takes_context=True)
def sort_marker(context: dict[str, Any], field: str) -> str:
    current = context["request"].GET.get("sort", "")
    return "▲" if current == field else "▼" if current == f"-{field}" else ""
