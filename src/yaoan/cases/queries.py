"""Read-side querysets of cases, scoped to what the user may see (S9): a station sees its
own cases, the district-wide units all. The list's due date and overdue flag come from the
deadline records in the same query (no query per row)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, Q, QuerySet, Subquery

from yaoan.cases.enums import OPEN_STATUSES
from yaoan.cases.models import Case, Evidence, SeizedItem
from yaoan.cases.rules import OFFICER_ROLE, can_read_cases, may_handle
from yaoan.core.access import visible_or_404
from yaoan.core.deadlines import LIVE, late_clock, row_deadlines
from yaoan.core.deadlines import overdue_condition as deadline_overdue
from yaoan.core.models import RoleAssignment, User
from yaoan.core.scoping import visible_to
from yaoan.registry.models import Entity

SUBJECT_TYPE = "cases.case"
DENIED = "cases.access.denied"


def cases_visible_to(user: User) -> QuerySet[Case]:
    if not can_read_cases(user):
        return Case.objects.none()
    return visible_to(user, Case.objects.all(), station="org_unit")


def visible_case(user: User, pk: int, *related: str) -> Case:
    """One case in the user's scope; another unit's answers 404 like a missing one (the
    refusal audited). ``related``: the relations the page shows, joined in the same query;
    without them, the list's row with its clock columns (the API's shape)."""
    rows = cases_visible_to(user).select_related(*related) if related else case_list(user)
    return visible_or_404(rows, pk, user=user, action=DENIED, object_type=SUBJECT_TYPE)


def with_due(qs: QuerySet[Case]) -> QuerySet[Case]:
    """``due_on``: the earliest running deadline; ``overdue``: one of them is past its date
    (marked by the sweep or not yet)."""
    live = row_deadlines(SUBJECT_TYPE).filter(state__in=LIVE).order_by("due_on")
    return qs.annotate(
        due_on=Subquery(live.values("due_on")[:1]),
        overdue=Exists(row_deadlines(SUBJECT_TYPE).filter(late_clock())),
    )


def only_overdue(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Rows of a ``with_due`` queryset with an overdue deadline."""
    return qs.filter(**{"overdue": True})


def case_list(user: User) -> QuerySet[Case]:
    """The list's rows with every column it shows joined or annotated."""
    return with_due(
        cases_visible_to(user).select_related("entity", "org_unit", "lead_officer", "co_officer")
    )


def my_cases(user: User) -> QuerySet[Case]:
    """The cases the user is one of the two officers of."""
    return case_list(user).filter(Q(lead_officer=user) | Q(co_officer=user))


def overdue_condition(today: dt.date | None = None) -> Q:
    """An open case with a clock past its date (core.deadlines.listing)."""
    return deadline_overdue(SUBJECT_TYPE, today) & Q(status__in=OPEN_STATUSES)


def overdue_cases(user: User) -> QuerySet[Case]:
    """Open cases in scope with a clock past its date (filing, legal review, decision,
    delivery, execution, publication)."""
    return with_due(
        cases_visible_to(user)
        .filter(overdue_condition())
        .select_related("entity", "org_unit", "lead_officer", "co_officer")
    )


def cases_about(entity: Entity, user: User) -> QuerySet[Case]:
    return with_due(cases_visible_to(user).filter(entity=entity).select_related("lead_officer"))


def evidence_of(case: Case) -> QuerySet[Evidence]:
    return case.evidence.select_related("attachment", "collected_by").order_by("id")


def seized_items_of(case: Case) -> QuerySet[SeizedItem]:
    return case.seized_items.select_related("recorded_by", "disposed_by").order_by("id")


def assignable_officers(case: Case) -> list[User]:
    """The case officers whose scope covers the case (the officer pickers' choices)."""
    people = (
        User.objects.people()
        .filter(
            is_active=True,
            pk__in=RoleAssignment.objects.filter(role=OFFICER_ROLE).values("user_id"),
        )
        .select_related("org_unit")
        .order_by("org_unit__name", "display_name")
    )
    return [u for u in people if may_handle(u, case)]
