"""Read side of penalty publication: the staff's list of decided cases and their 20-working-
day clock (and which are overdue), the publications a user may see, and what the public
portal shows — published, within its term, never withdrawn."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from yaoan.cases.enums import DecisionOutcome, Procedure
from yaoan.cases.models import Case, PenaltyPublication
from yaoan.cases.publication_enums import PUBLICATION_RULE, PublicationStatus
from yaoan.core.deadlines import row_deadlines
from yaoan.core.enums import DeadlineState
from yaoan.core.models import User
from yaoan.core.scoping import visible_to

# once published, exempted or withdrawn the clock has done its work
SETTLED = (PublicationStatus.PUBLISHED, PublicationStatus.WITHDRAWN, PublicationStatus.EXEMPT)
SEARCH_LIMIT = 60


def publications_visible_to(user: User) -> QuerySet[PenaltyPublication]:
    return visible_to(user, PenaltyPublication.objects.all(), station="case__org_unit")


def _with_publication_due(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Each case with its latest 公示 deadline (``due_on``, ``due_state``) and the id of its
    publication record when one was prepared (``pub_id``)."""
    latest = row_deadlines("cases.case").filter(rule__code=PUBLICATION_RULE).order_by("-id")
    return qs.annotate(
        due_on=Subquery(latest.values("due_on")[:1]),
        due_state=Subquery(latest.values("state")[:1]),
        pub_id=Subquery(PenaltyPublication.objects.filter(case=OuterRef("pk")).values("pk")[:1]),
    )


def awaiting_publication(user: User) -> QuerySet[Case]:
    """Decided ordinary-procedure cases in the user's scope whose information is neither
    published nor settled otherwise, soonest due first (a case whose clock was never
    opened comes first: it needs one)."""
    decided = Case.objects.filter(
        procedure=Procedure.ORDINARY, decided_at__isnull=False, outcome=DecisionOutcome.PENALTY
    )
    settled = PenaltyPublication.objects.filter(case=OuterRef("pk"), status__in=SETTLED)
    rows = visible_to(user, decided, station="org_unit").filter(~Exists(settled))
    return (
        _with_publication_due(rows)
        .select_related("entity", "org_unit")
        .order_by(F("due_on").asc(nulls_first=True), "decided_at", "id")
    )


def overdue_publications(user: User, today: dt.date) -> QuerySet[Case]:
    """Of ``awaiting_publication``, those past their date (the sweep marks them overdue; a
    date passed today counts before the sweep has run)."""
    return awaiting_publication(user).filter(
        Q(due_state=DeadlineState.OVERDUE) | Q(due_state=DeadlineState.OPEN, due_on__lt=today)
    )


def public_penalties(search: str = "", *, today: dt.date) -> QuerySet[PenaltyPublication]:
    """What the portal lists: published information within its term, newest first;
    ``search`` matches the party's name, the start of its credit code or the 文号."""
    qs = PenaltyPublication.objects.filter(
        status=PublicationStatus.PUBLISHED, public_until__gte=today
    ).order_by("-published_at", "-id")
    term = search.strip()[:SEARCH_LIMIT]
    if term:
        qs = qs.filter(
            Q(party_name__icontains=term)
            | Q(party_uscc__startswith=term.upper())
            | Q(decision_number__icontains=term)
        )
    return qs


def public_penalty(pk: int, *, today: dt.date) -> PenaltyPublication | None:
    return public_penalties(today=today).filter(pk=pk).first()
