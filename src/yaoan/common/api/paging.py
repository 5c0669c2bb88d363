"""The API's paging: ``?page=&page_size=`` in, ``{count, page, page_size, results}`` out,
the same for every list endpoint of every app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from ninja import Field, Schema

from yaoan.common.paging import MAX_PAGE

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50

M = TypeVar("M", bound=Model)


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="页码，从 1 开始")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数，最多 {MAX_PAGE_SIZE}"
    )


class PageMeta(Schema):
    """Base of a list's response schema: add ``results: list[RowOut]``."""

    count: int = Field(description="符合条件的总条数")
    page: int = Field(description="当前页码（从 1 开始）")
    page_size: int = Field(description=f"每页条数（最多 {MAX_PAGE_SIZE}）")


def page_of(
    qs: QuerySet[M], params: PageParams, shape: Callable[[M], Any] | None = None
) -> dict[str, Any]:
    """One page in the paging shape. ``shape`` turns a row into its JSON form when the
    schema cannot read the model directly."""
    start = (params.page - 1) * params.page_size
    rows = list(qs[start : start + params.page_size])
    return page_from(rows, qs.count(), params, shape)


def page_from(
    rows: list[Any], count: int, params: PageParams, shape: Callable[[Any], Any] | None = None
) -> dict[str, Any]:
    """The paging shape for rows already fetched (from a store other than the database)."""
    return {
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "results": [shape(row) for row in rows] if shape else rows,
    }
