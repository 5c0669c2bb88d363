"""Read-side querysets of clues, scoped to what the user may see (S9): a station sees its
own clues, the district-wide units all. The inbox's due date and overdue flag come from
the deadline records in the same query (no query per row)."""

from __future__ import annotations

from django.db.models import Exists, QuerySet, Subquery

from yaoan.clues.enums import OPEN_STATUSES, ClueStatus
from yaoan.clues.models import Clue
from yaoan.clues.rules import ASSIGNEE_ROLE, can_read_clues, may_be_assigned
from yaoan.core.deadlines import LIVE, row_deadlines
from yaoan.core.enums import DeadlineState
from yaoan.core.models import RoleAssignment, User
from yaoan.core.scoping import visible_to
from yaoan.registry.models import Entity

SUBJECT_TYPE = "clues.clue"


def clues_visible_to(user: User) -> QuerySet[Clue]:
    if not can_read_clues(user):
        return Clue.objects.none()
    return visible_to(user, Clue.objects.all(), station="org_unit")


def with_due(qs: QuerySet[Clue]) -> QuerySet[Clue]:
    """``due_on``: the earliest running deadline; ``overdue``: one of them is overdue."""
    live = row_deadlines(SUBJECT_TYPE).filter(state__in=LIVE).order_by("due_on")
    return qs.annotate(
        due_on=Subquery(live.values("due_on")[:1]),
        overdue=Exists(row_deadlines(SUBJECT_TYPE).filter(state=DeadlineState.OVERDUE)),
    )


def only_overdue(qs: QuerySet[Clue]) -> QuerySet[Clue]:
    """Rows of a ``with_due`` queryset with an overdue deadline (the annotation by name:
    the type checker knows only the model's fields)."""
    return qs.filter(**{"overdue": True})


def inbox(user: User) -> QuerySet[Clue]:
    """The list's rows with every column it shows joined or annotated."""
    return with_due(clues_visible_to(user).select_related("entity", "org_unit", "assignee", "push"))


def overdue_clues(user: User) -> QuerySet[Clue]:
    return only_overdue(with_due(clues_visible_to(user).filter(status__in=OPEN_STATUSES)))


def clues_awaiting_case() -> QuerySet[Clue]:
    """移送立案 clues not yet taken over: what the case module picks up (a case names its
    clue; the lookup is by name, so this app imports nothing of the cases app above it)."""
    return Clue.objects.filter(status=ClueStatus.FOR_CASE, cases__isnull=True)


def clues_about(entity: Entity, user: User) -> QuerySet[Clue]:
    return with_due(clues_visible_to(user).filter(entity=entity).select_related("assignee"))


def assignable_officers(clue: Clue) -> list[User]:
    """The case officers whose scope covers the clue (the assign form's choices)."""
    people = (
        User.objects.people()
        .filter(
            is_active=True,
            pk__in=RoleAssignment.objects.filter(role=ASSIGNEE_ROLE).values("user_id"),
        )
        .select_related("org_unit")
        .order_by("org_unit__name", "display_name")
    )
    return [u for u in people if may_be_assigned(u, clue)]
