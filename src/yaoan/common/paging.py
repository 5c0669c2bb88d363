"""Bounds of the numbers a URL or an API call brings (page numbers and row ids), and a page
of a long list whose count stops at a limit (capped_page)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce

# Past the end of any list here (fifty million rows at fifty a page); a larger number
# would only overflow the database's OFFSET and end in a server error.
MAX_PAGE = 1_000_000

# Ids typed into a URL or a JSON body: the databases store at most a signed 64-bit integer,
# and a larger number fails in the driver before any query runs.
MAX_ID = 2**63 - 1


# Counting every row of a broad list (a station's 100k complaints) costs more than the rest
# of the page; past this many a list says "more than" and offers the exact count.
COUNT_LIMIT = 1000
EXACT_COUNT_PARAM = "count"  # ?count=exact: count every match (not a filter)


@dataclass
class CappedPage:
    """One page of a list whose count stopped at a limit: ``total`` is a lower bound when
    ``total_is_lower_bound`` (``num_pages`` is then None). Quacks like Django's Page for
    the templates (``paginator`` is the page itself)."""

    object_list: list[Any]
    number: int
    total: int
    total_is_lower_bound: bool
    per_page: int
    has_next: bool

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def paginator(self) -> CappedPage:
        return self

    @property
    def count(self) -> int:
        return self.total

    @property
    def num_pages(self) -> int | None:
        return None if self.total_is_lower_bound else _pages(self.total, self.per_page)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def page_number(raw: str | None) -> int:
    """A page number from a URL: 1 for anything that is not a number in 1..MAX_PAGE."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_PAGE else 1


def capped_page(
    queryset: QuerySet[Any],
    number: int,
    per_page: int,
    limit: int = COUNT_LIMIT,
    exact: bool = False,
) -> CappedPage:
    """Like ``Paginator(queryset, per_page).get_page(number)`` (a number past the end shows
    the last page), but counting at most ``limit`` + 1 matching ids unless ``exact``: the
    rows are read with LIMIT/OFFSET in the queryset's own order, one more than a page to
    tell whether a next page exists.

    The count doubles as the planner's hint: when more than ``limit`` match, the rows are
    read in the queryset's order (an index on it can be walked, stopping after a page);
    when fewer do, with that order's first key written so no index serves it
    (unindexed_order), so the planner starts from the filters' own indexes and sorts the
    few matches instead of walking the whole order index to meet them (SQLite keeps no
    statistics to tell the two apart)."""
    unordered = queryset.order_by().values("pk")
    if exact:
        total, capped = unordered.count(), False
    else:
        total = unordered[: limit + 1].count()
        capped = total > limit
        total = min(total, limit)
    if not capped:
        number = min(number, _pages(total, per_page))
    dense = capped or total >= limit
    rows = _rows(queryset if dense else unindexed_order(queryset), number, per_page)
    if capped and not rows and number > 1:
        # past the end of a count that stopped at the limit: count them all to find the
        # last page, as the exact count would have (rare: a hand-typed page number)
        total, capped = unordered.count(), False
        number = _pages(total, per_page)
        rows = _rows(queryset, number, per_page)
    return CappedPage(rows[:per_page], number, total, capped, per_page, len(rows) > per_page)


def unindexed_order(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The same order with its first key (a field name) wrapped in an expression no index
    serves: COALESCE(key, key), which is the key itself for every row."""
    order = list(queryset.query.order_by or queryset.model._meta.ordering or ())
    first = order[0] if order and isinstance(order[0], str) else None
    if first is None or first.lstrip("-") in ("?", ""):
        return queryset
    name = first.lstrip("-")
    key = Coalesce(F(name), F(name))
    order[0] = key.desc() if first.startswith("-") else key.asc()
    return queryset.order_by(*order)


def _pages(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def _rows(queryset: QuerySet[Any], number: int, per_page: int) -> list[Any]:
    offset = (number - 1) * per_page
    return list(queryset[offset : offset + per_page + 1])
