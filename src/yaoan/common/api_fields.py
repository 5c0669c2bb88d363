"""Lengths of the API's text fields, in one place: a string stored in a model's field takes
that column's length (a schema never repeats the number, and never accepts what the database
would refuse); free text without a column takes one of the caps below. Over-long input is a
coded 422 ("string_too_long"), not a server error or a megabyte audit row."""

from __future__ import annotations

from typing import Annotated, Any

from django.db import models
from pydantic import Field
from pydantic_core import PydanticUndefined

# a TextField has no length in the database: long enough for any narrative a person types
TEXT_MAX_LENGTH = 5000
# a reason that is kept in the audit log (S17) rather than in a column of its own
REASON_MAX_LENGTH = 500
# a search term or an identifier in a query string
QUERY_MAX_LENGTH = 200

Text = Annotated[str, Field(max_length=TEXT_MAX_LENGTH)]
Reason = Annotated[str, Field(max_length=REASON_MAX_LENGTH)]
QueryText = Annotated[str, Field(max_length=QUERY_MAX_LENGTH)]


def max_length_of(model: type[models.Model], name: str) -> int:
    """The column's length; TEXT_MAX_LENGTH for a TextField."""
    field = model._meta.get_field(name)
    return getattr(field, "max_length", None) or TEXT_MAX_LENGTH


def text_field(
    model: type[models.Model], name: str, default: Any = PydanticUndefined, **kwargs: Any
) -> Any:
    """A schema field for a string stored in ``model.name``: required unless ``default`` is
    given; other pydantic options (``min_length``, ``description``) pass through."""
    return Field(default, max_length=max_length_of(model, name), **kwargs)
