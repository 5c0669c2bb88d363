"""Numbering of official documents (文号): prefix〔year〕number号, no gaps, no duplicates.

The sequence row is locked for the increment, inside the caller's transaction: when that
transaction rolls back, the number is not used up, so the series stays gap-free.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from yaoan.core.models import DocumentSequence


def format_document_number(prefix: str, year: int, number: int) -> str:
    return f"{prefix}〔{year}〕{number}号"


def next_serial(prefix: str, year: int) -> int:
    """The next number of the series ``prefix``/``year`` (locked, gap-free); for numbers
    formatted otherwise than a 文号, e.g. a complaint's receipt number."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                DocumentSequence.objects.get_or_create(prefix=prefix, year=year)
        except IntegrityError:
            pass  # a concurrent caller created the row first; lock it below
        seq = DocumentSequence.objects.select_for_update().get(prefix=prefix, year=year)
        seq.last_number += 1
        seq.save(update_fields=["last_number"])
        return seq.last_number


def next_document_number(prefix: str, year: int) -> str:
    return format_document_number(prefix, year, next_serial(prefix, year))
