"""The rows a user may see (S9), one way for every app: a row belongs to a station (a
市场监管所) reached by a lookup path, and ``core.rules.data_scope(user)`` says which
stations the user sees — the whole district, some stations, or nothing.

    visible_to(user, Inspection.objects.all(), station="station")
    visible_to(user, Licence.objects.all(), station="entity__subdistrict__station")

An app's ``*_visible_to(user)`` in its queries.py is a one-liner over ``visible_to``; code
that already holds a scope (a plan's counts, a dashboard) uses ``within`` or
``station_condition``.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from yaoan.core.models import User
from yaoan.core.rules import DataScope, data_scope

M = TypeVar("M", bound=Model)


def visible_to(
    user: User, queryset: QuerySet[M], *, station: str | None, also: Q | None = None
) -> QuerySet[M]:
    """The rows of ``queryset`` the user may see.

    ``station`` is the lookup path from the model to its station (an OrgUnit foreign key,
    e.g. ``"subdistrict__station"``); None for district-wide reference data, which anyone
    with some scope sees whole. ``also`` adds rows the user sees whatever the scope (an
    inspector's own inspections in another station's grid)."""
    return within(data_scope(user), queryset, station=station, also=also)


def within(
    scope: DataScope, queryset: QuerySet[M], *, station: str | None, also: Q | None = None
) -> QuerySet[M]:
    """``visible_to`` for a scope already in hand."""
    if scope.everything or (station is None and not scope.nothing):
        return queryset
    condition = station_condition(scope, station) if station is not None else None
    if scope.nothing:
        condition = None
    if also is not None:
        condition = also if condition is None else condition | also
    if condition is None:
        return queryset.none()
    rows = queryset.filter(condition)
    # a path through a many-valued relation (or an ``also`` that may be one) repeats rows
    many = also is not None or (station is not None and _many_valued(queryset.model, station))
    return rows.distinct() if many else rows


def station_condition(scope: DataScope, station: str) -> Q | None:
    """The filter for rows whose station (at lookup path ``station``) the scope covers:
    None for the whole district; a condition that matches nothing for no scope. For
    aggregates over related rows, e.g. ``Count("items", filter=...)``."""
    if scope.everything:
        return None
    return Q(**{f"{station}__in": sorted(scope.station_ids or ())})


def _many_valued(model: type[Model], path: str) -> bool:
    """Whether following ``path`` from ``model`` crosses a one-to-many or many-to-many
    relation (so a row can match through several related rows)."""
    current: type[Model] | None = model
    for part in path.split("__"):
        if current is None or part == "pk":
            return False
        field = current._meta.get_field(part)
        if field.many_to_many or field.one_to_many:
            return True
        current = field.related_model if field.is_relation else None  # type: ignore[assignment]
    return False
