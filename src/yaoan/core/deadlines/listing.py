"""Deadlines read beside a list of subjects (complaints, clues, cases, transfers …): the
clocks of each row as a correlated subquery, and "overdue" read from the deadline side.

Overdue means a running clock past its date: marked by the daily sweep, or open and past
due today before the sweep has run. It is read as the few late clocks' subject ids (one
UNION of two ranges of the (state, due_on) index) rather than an EXISTS per row: on a
station of 100k rows the per-row form looked up every row's clocks, and PostgreSQL plans
the UNION as a semi-join from the late ids."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BigIntegerField, CharField, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from yaoan.core.enums import DeadlineState
from yaoan.core.models import Deadline


def row_deadlines(subject_type: str) -> QuerySet[Deadline]:
    """The deadlines of the outer query's row (``OuterRef("pk")``), for a Subquery or an
    Exists in an annotation."""
    return Deadline.objects.filter(
        subject_type=subject_type, subject_id=Cast(OuterRef("pk"), output_field=CharField())
    )


def late_clock(today: dt.date | None = None) -> Q:
    """A clock past its date, on the Deadline side (for a filter over deadlines)."""
    today = today or timezone.localdate()
    return Q(state=DeadlineState.OVERDUE) | Q(state=DeadlineState.OPEN, due_on__lt=today)


def late_subject_ids(subject_type: str, today: dt.date | None = None) -> QuerySet[Any, Any]:
    """The ids of the subjects of this type with a clock past its date."""
    today = today or timezone.localdate()
    marked = _subject_ids(subject_type, Q(state=DeadlineState.OVERDUE))
    past_due = _subject_ids(subject_type, Q(state=DeadlineState.OPEN, due_on__lt=today))
    return marked.union(past_due, all=True)


def overdue_condition(subject_type: str, today: dt.date | None = None) -> Q:
    """The filter for rows of this subject type with a clock past its date."""
    return Q(pk__in=late_subject_ids(subject_type, today))


def _subject_ids(subject_type: str, condition: Q) -> QuerySet[Any, Any]:
    # each side a range of the (state, due_on) index: written as one OR, SQLite (no
    # statistics) read every clock of the subject type instead
    return (
        Deadline.objects.filter(condition, subject_type=subject_type)
        .order_by()
        .annotate(subject_pk=Cast("subject_id", BigIntegerField()))
        .values("subject_pk")
    )
