"""The entity list page (/registry/entities/), tuned for a district of 100k entities.

Everything the list does for speed lives here and in listing_sql.py, and nowhere else
(docs/registry.md says why each piece is there):
- a count that stops at COUNT_LIMIT, which doubles as the planner's hint: many matches
  are read by walking the name order (the walked form of the filters), few are collected
  and sorted without an index (listing_sql.sorted_from_the_set);
- the counting form of the expiry filter, used alone (counted_alone);
- rows read as plain values, labelled from mappings translated once per language (a
  per-process cache: _labels), and their HTML formatted in Python.
The rest of the project reads entities through the plain queries.entities_visible_to(user)
and filtersets.EntityFilterSet; entity_list() lists exactly what they find.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from html import escape as html_escape
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from yaoan.common.paging import MAX_PAGE
from yaoan.core.models import User
from yaoan.core.rules import data_scope
from yaoan.registry.enums import EntityStatus, EntityType, MedicalLevel
from yaoan.registry.listing_sql import (
    ListFilterSet,
    QueryShape,
    expiry_has_counting_form,
    listed_entities,
    sorted_from_the_set,
)
from yaoan.registry.models import Entity

PAGE_SIZE = 50
# Counting every match of a broad filter over a district's 100k entities costs more than
# the rest of the page; past this many the page says "more than" and offers the exact count.
COUNT_LIMIT = 1000
EXACT_COUNT_PARAM = "count"  # ?count=exact: count every match (not a filter)
# orders the covering index of migration 0004 can be walked in ("" is the model's order)
WALKABLE_SORTS = ("", "name", "-name")
# the filters with a walked form (listing_sql); the others (type, grade, status) have
# indexes of their own in name order or narrow too little to matter
WALKED_FILTERS = ("q", "licence_expiring", "station", "subdistrict")
# the filters with a counting form, which pays off only when they are used alone
COUNTED_FILTERS = ("q", "licence_expiring")
ROW_COLUMNS = (
    "pk",
    "name",
    "uscc",
    "entity_type",
    "medical_level",
    "status",
    "risk_grade",
    "credit_class",
    "subdistrict__name",
    "subdistrict__station__name",
    "subdistrict__station__short_name",
)


@dataclass(slots=True)
class EntityRow:
    """One row of the list, read as plain values (no model instances for a page)."""

    pk: int
    name: str
    uscc: str
    type_label: str
    status_label: str
    risk_grade: str
    credit_class: str
    grid: str
    station: str


@dataclass(frozen=True)
class ListPlan:
    """Which SQL forms a page used: ``count`` SET or COUNT, ``rows`` SET or WALK, and
    whether the set was sorted without an index (``unindexed_sort``)."""

    count: QueryShape
    rows: QueryShape
    unindexed_sort: bool = False


@dataclass
class EntityPage:
    """One page of the list: the rows, where it is, and how many match in all
    (``total``; a lower bound when ``total_is_lower_bound``)."""

    rows: list[EntityRow]
    number: int
    total: int
    total_is_lower_bound: bool
    has_next: bool
    plan: ListPlan

    def __iter__(self) -> Iterator[EntityRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def num_pages(self) -> int | None:
        return None if self.total_is_lower_bound else max(1, -(-self.total // PAGE_SIZE))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


@dataclass
class EntityList:
    """What the list page shows: the filter form, one page, and its rows as HTML."""

    filterset: ListFilterSet
    page: EntityPage
    rows_html: SafeString


def entity_list(user: User, params: Mapping[str, Any]) -> EntityList:
    """One page of the entities ``queries.entities_visible_to(user)`` returns, filtered
    and sorted by ``params`` (a QueryDict: EntityFilterSet's filters, ``page``, ``count``)."""
    base = listed_entities(user).select_related("subdistrict__station")
    filterset = ListFilterSet(params, queryset=base)  # bound: no query = no filter
    valid = filterset.is_valid()
    used = filterset.narrowed_by() - {"sort"} if valid else set()
    whole_district = data_scope(user).everything
    # with no filter of WALKED_FILTERS and the whole district, the walked form would be
    # the set-based one, built again
    walkable = (
        valid
        and (bool(used) or not whole_district)
        and used <= set(WALKED_FILTERS)
        and params.get("sort", "") in WALKABLE_SORTS
    )
    forms = QueryForms(
        as_set=lambda: filterset.qs if valid else base.none(),
        walked=(lambda: filterset.shaped_qs(QueryShape.WALK, _walked(user))) if walkable else None,
        counted=(
            (lambda: filterset.shaped_qs(QueryShape.COUNT))
            if counted_alone(used, whole_district, base.db)
            else None
        ),
    )
    page = entity_page(forms, params.get("page"), params.get(EXACT_COUNT_PARAM) == "exact")
    return EntityList(filterset, page, entity_rows_html(page.rows))


def _walked(user: User) -> QuerySet[Entity]:
    return listed_entities(user, QueryShape.WALK).select_related("subdistrict__station")


def counted_alone(used: set[str], whole_district: bool, db: str) -> bool:
    """Whether the expiry filter's counting form applies: on a database that has one, and
    with no other condition (a station's grid, a type; a station user's scope), since
    joined to one the planners start from that condition's index, and a join per licence
    then costs far more than the set-based form."""
    return (
        "licence_expiring" in used
        and used <= set(COUNTED_FILTERS)
        and whole_district
        and expiry_has_counting_form(db)
    )


@dataclass
class QueryForms:
    """The list's filters in the SQL forms entity_page may use, each built only if used
    (building a filtered queryset costs about as much as running it)."""

    as_set: Callable[[], QuerySet[Entity]]
    walked: Callable[[], QuerySet[Entity]] | None = None
    counted: Callable[[], QuerySet[Entity]] | None = None


def entity_page(forms: QueryForms, page: str | None, exact: bool) -> EntityPage:
    """Like Paginator.get_page (a bad or too large number shows the last page), but
    counting at most COUNT_LIMIT + 1 matches unless ``exact``, in the counting form of
    the filters when they have one.

    The count doubles as the planner's hint: when more than COUNT_LIMIT entities match,
    the page's rows come from the walked form (the same filters written to be tested
    while walking the name order), which stops after a page instead of sorting every
    match; when fewer do, from the set, sorted without an index (sorted_from_the_set)."""
    unordered = (forms.counted or forms.as_set)().order_by().values("pk")
    if exact:
        total, capped = unordered.count(), False
        dense = total > COUNT_LIMIT
    else:
        total = unordered[: COUNT_LIMIT + 1].count()
        dense = capped = total > COUNT_LIMIT
        total = min(total, COUNT_LIMIT)
    number = _page_number(page)
    if not capped:
        number = min(number, max(1, -(-total // PAGE_SIZE)))
    count_shape = QueryShape.COUNT if forms.counted else QueryShape.SET
    if dense and forms.walked is not None:
        qs, plan = forms.walked(), ListPlan(count_shape, QueryShape.WALK)
    elif dense:
        qs, plan = forms.as_set(), ListPlan(count_shape, QueryShape.SET)
    else:
        qs = sorted_from_the_set(forms.as_set())
        plan = ListPlan(count_shape, QueryShape.SET, unindexed_sort=True)
    values = _page_values(qs, number)
    if capped and not values and number > 1:
        # past the end of a count that stopped at the limit: count them all to find the
        # last page, as an uncapped count would have (rare: a hand-typed page number)
        total, capped = unordered.count(), False
        number = max(1, -(-total // PAGE_SIZE))
        values = _page_values(qs, number)
    rows = row_labels(values[:PAGE_SIZE])
    return EntityPage(rows, number, total, capped, len(values) > PAGE_SIZE, plan)


def _page_number(raw: str | None) -> int:
    try:
        return min(max(1, int(raw or 1)), MAX_PAGE)
    except ValueError:
        return 1


def _page_values(qs: QuerySet[Entity], number: int) -> list[tuple[Any, ...]]:
    """The page's rows as plain values, and one more to tell whether a next page exists."""
    offset = (number - 1) * PAGE_SIZE
    return list(qs.values_list(*ROW_COLUMNS)[offset : offset + PAGE_SIZE + 1])


@functools.lru_cache(maxsize=8)
def _labels(language: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The type, level and status labels in ``language``: translated once per process,
    not per page (the choices are code, so the cache never goes stale)."""
    return (
        {k: str(v) for k, v in EntityType.choices},
        {k: str(v) for k, v in MedicalLevel.choices},
        {k: str(v) for k, v in EntityStatus.choices},
    )


def row_labels(values: Iterable[tuple[Any, ...]]) -> list[EntityRow]:
    """Display labels from mappings translated once per language (_labels):
    get_FOO_display() rebuilds its choices mapping and translates on every call, which
    dominated the list's rendering time."""
    types, levels, statuses = _labels(get_language())
    rows = []
    for pk, name, uscc, kind, level, status, risk, credit, grid, station, short in values:
        label = types.get(kind, kind)
        if level:
            label += f"（{levels.get(level, '')}）"
        rows.append(
            EntityRow(
                pk=pk,
                name=name,
                uscc=uscc,
                type_label=label,
                status_label=statuses.get(status, status),
                risk_grade=risk,
                credit_class=credit,
                grid=grid,
                station=short or station,
            )
        )
    return rows


def _badge(grade: str) -> str:
    if not grade:
        return '<span class="muted">-</span>'
    tone = {"D": " bad", "C": " warn"}.get(grade, "")
    return f'<span class="badge{tone}">{html_escape(grade)}</span>'


ROW_HTML = (
    '<tr><td data-label="{l[0]}"><a href="{url}">{name}</a></td>'
    '<td data-label="{l[1]}"><code>{uscc}</code></td>'
    '<td data-label="{l[2]}">{type}</td>'
    '<td data-label="{l[3]}">{grid} <span class="muted">/ {station}</span></td>'
    '<td data-label="{l[4]}">{risk}</td><td data-label="{l[5]}">{credit}</td>'
    '<td data-label="{l[6]}">{status}</td></tr>'
)
_PK_SLOT = 918273645  # reverse() once per page, then put each row's pk in its place


def entity_rows_html(rows: Iterable[EntityRow]) -> SafeString:
    """The list's table rows, formatted in Python with every value escaped (the standard
    library's escape, which Django's wraps in a lazy-aware SafeString per call): through
    the template engine (and one reverse() per row) the 50 rows cost more than the rest
    of the page together."""
    labels = [escape(_(text)) for text in ("名称", "代码", "类型", "镇街", "风险", "信用", "状态")]
    url = reverse("registry:entity_detail", args=[_PK_SLOT]).replace(str(_PK_SLOT), "{}")
    html = [
        ROW_HTML.format(
            l=labels,
            url=html_escape(url.format(row.pk)),
            name=html_escape(row.name),
            uscc=html_escape(row.uscc),
            type=html_escape(row.type_label),
            grid=html_escape(row.grid),
            station=html_escape(row.station),
            risk=_badge(row.risk_grade),
            credit=_badge(row.credit_class),
            status=html_escape(row.status_label),
        )
        for row in rows
    ]
    return mark_safe("\n".join(html))  # noqa: S308 -- every value above went through escape()
