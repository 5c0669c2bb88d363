"""The entity list's filters in the SQL forms its planner hints need (docs/registry.md).

Only the list page (registry.listing) uses these. Every other reader of entities — the
API, the export, draws, inspections, trace, plans — calls the plain
``queries.entities_visible_to(user)`` and ``filtersets.EntityFilterSet``; each form here
finds exactly the same entities as those (tests/test_list_shapes.py), written so that
SQLite's and PostgreSQL's planners pick the plan that suits the list at 100k entities.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from django.db import connections
from django.db.models import (
    CharField,
    Exists,
    F,
    FilteredRelation,
    Func,
    OuterRef,
    QuerySet,
    Value,
)
from django.db.models.constants import LOOKUP_SEP
from django.db.models.expressions import CombinedExpression
from django.db.models.lookups import Exact, In
from django.utils import timezone

from yaoan.core.models import OrgUnit, Subdistrict, User
from yaoan.core.rules import data_scope
from yaoan.core.scoping import within
from yaoan.registry.filtersets import EntityFilterSet
from yaoan.registry.models import Entity, Licence
from yaoan.registry.queries import (
    entities_matching,
    expiring_licences,
    expiry_condition,
    looks_like_phone,
    search_condition,
    with_expiring_licence,
)


class QueryShape(enum.Enum):
    """How a filter with more than one SQL form is written."""

    SET = "set"  # the matches as a set: IN (subquery), the search index
    WALK = "walk"  # tested per entity while walking the name order, for many matches
    COUNT = "count"  # for counting the matches of a filter used alone


def listed_entities(user: User, shape: QueryShape = QueryShape.SET) -> QuerySet[Entity]:
    """The entities ``queries.entities_visible_to(user)`` returns, the list's base: the
    grids the user sees (core.scoping) and the entities in them, written as in_stations
    is (``subdistrict IN (the grids)``, or the walked form), not as a join."""
    scope = data_scope(user)
    qs = Entity.objects.filter(is_deleted=False)
    if scope.everything:
        return qs
    if scope.nothing:
        return qs.none()
    grids = within(scope, Subdistrict.objects.all(), station="station")
    return qs.filter(In(_grid_column(qs, shape), grids.values("pk")))


def in_stations(
    qs: QuerySet[Entity], station_ids: Iterable[int], shape: QueryShape = QueryShape.SET
) -> QuerySet[Entity]:
    """Entities in these stations' grids, written as ``subdistrict IN (the grids'
    subdistricts)``: SQLite then tests it inside an index that has the subdistrict
    (registry_entity_type_risk), where a join to the subdistrict per row cost 15x more.
    WALK: see in_grid."""
    grids = Subdistrict.objects.filter(station_id__in=station_ids).values("pk")
    return qs.filter(In(_grid_column(qs, shape), grids))


def in_grid(
    qs: QuerySet[Entity], subdistrict_id: int, shape: QueryShape = QueryShape.SET
) -> QuerySet[Entity]:
    """Entities of one subdistrict. WALK, on SQLite: the column is written
    ``subdistrict_id + 0``, which no index serves, so that for a grid with many entities
    SQLite walks the name order (the covering index has the subdistrict) and stops after
    a page, instead of reading the grid's whole index and sorting it (a large station:
    60k rows, 60-80 ms). PostgreSQL walks by itself when its statistics say so, and the
    expression would hide them: it then estimated 24 rows and sorted them all."""
    return qs.filter(Exact(_grid_column(qs, shape), subdistrict_id))


def _grid_column(qs: QuerySet[Entity], shape: QueryShape) -> F | CombinedExpression:
    column = F("subdistrict_id")
    if shape is QueryShape.WALK and connections[qs.db].vendor == "sqlite":
        return column + Value(0)
    return column


def matching(qs: QuerySet[Entity], term: str, shape: QueryShape) -> QuerySet[Entity]:
    """queries.entities_matching, or — WALK, for a term the count showed to match many
    entities — its plain conditions without the search index: tested while walking the
    name-ordered covering index (migration 0004) they stop after a page, where collecting
    every candidate from the index would not."""
    term = term.strip()
    if shape is QueryShape.WALK and term and not looks_like_phone(term):
        return qs.filter(search_condition(term))
    return entities_matching(qs, term)


def expiring(qs: QuerySet[Entity], window: str, shape: QueryShape) -> QuerySet[Entity]:
    """queries.with_expiring_licence (SET: IN (subquery), built once, far cheaper than an
    EXISTS run for every entity), or:

    WALK: for many matches, a per-entity EXISTS checked while walking the name order
    stops after a page.
    COUNT: on SQLite, a join from the licences in the window, each entity once, which
    stops at the count's limit; IN (subquery) first collects every licence in the window
    into a temporary index. Only for the filter alone (listing.counted_alone)."""
    today = timezone.localdate()
    if shape is QueryShape.COUNT and expiry_has_counting_form(qs.db):
        condition = expiry_condition(window, today, prefix="licences__")
        licences_in_window = FilteredRelation("licences", condition=condition)
        return qs.alias(expiring=licences_in_window).filter(expiring__isnull=False).distinct()
    if shape is QueryShape.WALK:
        in_window = expiring_licences(Licence.objects.all(), window, today)
        return qs.filter(Exists(in_window.filter(entity_id=OuterRef("pk"))))
    return with_expiring_licence(qs, window)


def expiry_has_counting_form(db: str) -> bool:
    """Whether the expiry filter's COUNT form differs from its set-based one: on SQLite
    only (PostgreSQL's planner joins the set as well as it would the licences)."""
    return connections[db].vendor == "sqlite"


class _NotIndexed(Func):
    """The same text, which no index is on: sorting by it cannot walk an index."""

    template = "(%(expressions)s || '')"
    output_field = CharField()


def sorted_from_the_set(qs: QuerySet[Entity]) -> QuerySet[Entity]:
    """The same order with its first key (a text column) written so no index serves it.

    For a filter known to match few entities (listing.COUNT_LIMIT): PostgreSQL's planner,
    when it over-estimates the matches of a search (trigram statistics for a long term
    were 650 against 55), walks the whole name index hoping to meet them early (63 ms)
    where collecting them from the search indexes and sorting a few hundred takes 1 ms."""
    order = list(qs.query.order_by or qs.model._meta.ordering or ())
    first = order[0] if order and isinstance(order[0], str) else None
    if first is None:
        return qs
    path = first.lstrip("-")
    _, column, _, _ = qs.query.names_to_path(path.split(LOOKUP_SEP), qs.model._meta)
    if not isinstance(column, CharField):
        return qs
    key = _NotIndexed(F(path))
    order[0] = key.desc() if first.startswith("-") else key.asc()
    return qs.order_by(*order)


class ListFilterSet(EntityFilterSet):
    """EntityFilterSet whose search, grid and expiry filters are written in ``shape``:
    the same fields, form and validation, so the page shows one filter form."""

    shape = QueryShape.SET

    def shaped_qs(
        self, shape: QueryShape, base: QuerySet[Entity] | None = None
    ) -> QuerySet[Entity]:
        """The same filters, from the data already validated, over ``base`` (by default
        the queryset given; for WALK, listed_entities(user, WALK)) in ``shape``."""
        self.shape = shape
        try:
            return self.filter_queryset((self.queryset if base is None else base).all())
        finally:
            self.shape = QueryShape.SET

    def filter_q(self, qs: QuerySet[Entity], name: str, value: str) -> QuerySet[Entity]:
        return matching(qs, value, self.shape)

    def filter_station(self, qs: QuerySet[Entity], name: str, value: OrgUnit) -> QuerySet[Entity]:
        return in_stations(qs, [value.pk], self.shape)

    def filter_subdistrict(
        self, qs: QuerySet[Entity], name: str, value: Subdistrict
    ) -> QuerySet[Entity]:
        return in_grid(qs, value.pk, self.shape)

    def filter_expiring(self, qs: QuerySet[Entity], name: str, value: str) -> QuerySet[Entity]:
        return expiring(qs, value, self.shape)
