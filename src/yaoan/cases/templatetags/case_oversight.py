"""``{% case_oversight case %}`` on the case page: its publication (status, link, or the
button that prepares it) and its 案卷评查 (the reviews the reader may see, the button that
assigns one) — so the procedure's view needs no knowledge of either."""

from __future__ import annotations

from typing import Any

from django import template

from yaoan.cases.enums import CaseStatus, DecisionOutcome, Procedure
from yaoan.cases.models import Case, PenaltyPublication
from yaoan.cases.publication_rules import can_publish_for, can_read_publications
from yaoan.cases.review_queries import reviews_visible_to
from yaoan.cases.review_rules import can_assign_review, can_use_reviews

register = template.Library()


@register.inclusion_tag("cases/_oversight_section.html", takes_context=True)
def case_oversight(context: dict[str, Any], case: Case) -> dict[str, Any]:
    user = context["request"].user
    publishable = (
        case.procedure == Procedure.ORDINARY
        and case.decided_at is not None
        and case.outcome == DecisionOutcome.PENALTY
    )
    shows_publication = publishable and can_read_publications(user)
    closed = case.status == CaseStatus.CLOSED
    return {
        "case": case,
        "shows_publication": shows_publication,
        "publication": PenaltyPublication.objects.filter(case=case).first()
        if shows_publication
        else None,
        "may_prepare": shows_publication and can_publish_for(user, case.org_unit_id),
        "shows_reviews": closed and can_use_reviews(user),
        "reviews": list(
            reviews_visible_to(user).filter(case=case).select_related("reviewer", "round")
        )
        if closed and can_use_reviews(user)
        else [],
        "may_assign": closed and can_assign_review(user, case),
        "csrf_token": context.get("csrf_token"),
    }
