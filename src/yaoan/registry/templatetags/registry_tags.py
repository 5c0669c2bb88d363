from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from yaoan.common.filtersets import describe_filters
from yaoan.registry.filtersets import EntityFilterSet

register = template.Library()


@register.filter
def entity_filters(params: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """``{% for label, value in draw.pool_filters|entity_filters %}``: stored entity-list
    filters with the filters' Chinese names and the values' labels, not ``entity_type=…``."""
    return describe_filters(EntityFilterSet, params or {})
