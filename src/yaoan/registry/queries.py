"""Read querysets of the registry, always scoped to what the user may see (S9)."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable

from django.db import connections
from django.db.models import (
    CharField,
    Exists,
    F,
    FilteredRelation,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.constants import LOOKUP_SEP
from django.db.models.expressions import CombinedExpression
from django.db.models.lookups import Exact, In
from django.utils import timezone

from yaoan.core.access import visible_or_404
from yaoan.core.models import Subdistrict, User
from yaoan.core.pii.fields import matches
from yaoan.core.rules import DataScope, data_scope
from yaoan.core.scoping import visible_to
from yaoan.registry.enums import ExpiryWindow, LicenceKind, LicenceStatus
from yaoan.registry.extensions import profile_granted
from yaoan.registry.models import Entity, Licence, Product

EXPIRY_WARNING_DAYS = (90, 30)


class QueryShape(enum.Enum):
    """How a filter with more than one SQL form is written (EntityFilterSet)."""

    SET = "set"  # the matches as a set: IN (subquery), the search index
    WALK = "walk"  # tested per entity while walking the name order, for many matches
    COUNT = "count"  # for counting the matches of a filter used alone


def scope_entities(
    qs: QuerySet[Entity], scope: DataScope, shape: QueryShape = QueryShape.SET
) -> QuerySet[Entity]:
    if scope.everything:
        return qs
    return in_stations(qs, scope.station_ids or (), shape)


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


def entities_visible_to(user: User, shape: QueryShape = QueryShape.SET) -> QuerySet[Entity]:
    return scope_entities(Entity.objects.filter(is_deleted=False), data_scope(user), shape)


def deleted_entities_visible_to(user: User) -> QuerySet[Entity]:
    """Deleted entities in the user's scope: only to restore one."""
    return scope_entities(Entity.objects.filter(is_deleted=True), data_scope(user), QueryShape.SET)


# the trigram index (SQLite FTS5, PostgreSQL pg_trgm) finds substrings of 3+ characters;
# a shorter term is matched by scanning, as before
SEARCH_INDEX_MIN_CHARS = 3


def search_condition(term: str) -> Q:
    """What a search term finds: the name contains it (any case), or — for letters and
    digits — the credit code starts with it or the pinyin initials contain it."""
    condition = Q(name__icontains=term)
    upper = term.upper()
    if _code_like(upper):
        condition |= Q(uscc__startswith=upper) | Q(name_initials__contains=upper)
    return condition


PHONE_TERM = re.compile(r"^(\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}$|^0\d{2,3}-\d{7,8}$")


def looks_like_phone(term: str) -> bool:
    """A mobile (13800001234, 138 0000 1234, +86…) or a landline with its area code and
    dash (023-12345678). Codes and names never look like this."""
    return bool(PHONE_TERM.match(term))


def _code_like(upper: str) -> bool:
    return upper.isascii() and upper.replace(" ", "").isalnum()


def entities_matching(
    qs: QuerySet[Entity], term: str, shape: QueryShape = QueryShape.SET
) -> QuerySet[Entity]:
    """Entities found by ``term`` (see search_condition), through the search index.

    PostgreSQL's planner uses the trigram indexes for search_condition's own SQL. SQLite
    cannot index LIKE '%…%', so there the FTS5 trigram table over name, initials and
    credit code (migrations 0003, 0005), joined (models.EntitySearchRow), first narrows
    the rows to candidates — a superset: it folds case at least as widely as LIKE, finds
    a code anywhere where the search wants its start, and credit codes are stored in
    upper case — and search_condition then decides exactly as it does without the
    index. The join streams the index's matches, so a count that stops at the list's
    limit reads no further.

    WALK: the caller knows the term matches many entities and wants the first page in
    name order; then testing the conditions while walking the name-ordered covering index
    (migration 0004) stops after a page, where collecting every candidate would not.
    """
    term = term.strip()
    if not term:
        return qs
    if looks_like_phone(term):
        # phones are sealed: found by their blind index, exactly (core.pii)
        return qs.filter(matches(Entity, "contact_phone", term))
    condition = search_condition(term)
    walk = shape is QueryShape.WALK
    if not walk and connections[qs.db].vendor == "sqlite" and len(term) >= SEARCH_INDEX_MIN_CHARS:
        phrase = '"' + term.replace('"', '""') + '"'  # one FTS5 string: no query syntax
        qs = qs.filter(search_row__document__match=phrase)
    return qs.filter(condition)


class _NotIndexed(Func):
    """The same text, which no index is on: sorting by it cannot walk an index."""

    template = "(%(expressions)s || '')"
    output_field = CharField()


def sorted_from_the_set(qs: QuerySet[Entity]) -> QuerySet[Entity]:
    """The same order with its first key (a text column) written so no index serves it.

    For a filter known to match few entities (the list's COUNT_LIMIT): PostgreSQL's
    planner, when it over-estimates the matches of a search (trigram statistics for a
    long term were 650 against 55), walks the whole name index hoping to meet them early
    (63 ms) where collecting them from the search indexes and sorting a few hundred takes
    1 ms."""
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


def licences_visible_to(user: User) -> QuerySet[Licence]:
    live = Licence.objects.filter(entity__is_deleted=False)
    return visible_to(user, live, station="entity__subdistrict__station")


def products_visible_to(user: User) -> QuerySet[Product]:
    """The product catalogue is district-wide reference data, for anyone who reads the registry."""
    return visible_to(user, Product.objects.all(), station=None)


def expiring_licences(qs: QuerySet[Licence], window: str, today: dt.date) -> QuerySet[Licence]:
    return qs.filter(expiry_condition(window, today))


def expiry_condition(window: str, today: dt.date, prefix: str = "") -> Q:
    """A licence counted as expiring in ``window`` (the filing kinds have no expiry);
    ``prefix`` names the licence relation when the condition is on another model."""
    p = prefix
    condition = Q(**{f"{p}status": LicenceStatus.VALID, f"{p}valid_until__isnull": False}) & ~Q(
        **{f"{p}kind__in": LicenceKind.filings()}
    )
    if window == ExpiryWindow.EXPIRED:
        return condition & Q(**{f"{p}valid_until__lt": today})
    until = today + dt.timedelta(days=int(window))
    return condition & Q(**{f"{p}valid_until__gte": today, f"{p}valid_until__lte": until})


def with_expiring_licence(
    qs: QuerySet[Entity], window: str, shape: QueryShape = QueryShape.SET
) -> QuerySet[Entity]:
    """Entities with a licence expiring in ``window``.

    SET: IN (subquery), built once, is far cheaper than an EXISTS run for every entity.
    WALK (as in entities_matching): for many matches, a per-entity EXISTS checked while
    walking the name order stops after a page.
    COUNT: on SQLite, a join from the licences in the window, each entity once, which
    stops at the count's limit; IN (subquery) first collects every licence in the window
    into a temporary index. Only for the filter alone: joined to other conditions (a
    station) SQLite starts from those and checks the licences per entity.
    """
    today = timezone.localdate()
    if shape is QueryShape.COUNT and expiry_has_counting_form(qs.db):
        condition = expiry_condition(window, today, prefix="licences__")
        in_window = FilteredRelation("licences", condition=condition)
        return qs.alias(expiring=in_window).filter(expiring__isnull=False).distinct()
    matching = expiring_licences(Licence.objects.all(), window, today)
    if shape is QueryShape.WALK:
        return qs.filter(Exists(matching.filter(entity_id=OuterRef("pk"))))
    return qs.filter(pk__in=matching.values("entity_id"))


def expiry_has_counting_form(db: str) -> bool:
    """Whether with_expiring_licence's COUNT form differs from its set-based one: on
    SQLite only (PostgreSQL's planner joins the set as well as it would the licences)."""
    return connections[db].vendor == "sqlite"


def licence_warning(licence: Licence, today: dt.date) -> str:
    """'expired', '30', '90' or '' for a licence, as shown beside it."""
    if licence.valid_until is None or licence.status != LicenceStatus.VALID:
        return ""
    if licence.valid_until < today:
        return ExpiryWindow.EXPIRED
    for days in sorted(EXPIRY_WARNING_DAYS):
        if licence.valid_until <= today + dt.timedelta(days=days):
            return str(days)
    return ""


def entity_profile(user: User, pk: int) -> Entity:
    """The entity for its profile page: in the user's scope, or outside it when an app above
    grants this user this entity (registry.extensions); a 404 (and an audit row) otherwise."""
    if user.is_authenticated and profile_granted(user, pk):
        granted = Entity.objects.filter(is_deleted=False, pk=pk)
        entity = granted.select_related("subdistrict__station").first()
        if entity is not None:
            return entity
    return visible_entity(user, pk)


def visible_entity(user: User, pk: int, *, deleted: bool = False) -> Entity:
    """The entity if the user's scope covers it; a 404 (and an audit row) otherwise.
    ``deleted``: among the deleted entities instead (only to restore one)."""
    visible = deleted_entities_visible_to(user) if deleted else entities_visible_to(user)
    return visible_or_404(
        visible.select_related("subdistrict__station"),
        pk,
        user=user,
        action="registry.access.denied",
        object_type="registry.entity",
    )
