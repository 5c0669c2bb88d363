"""Menu entries and the dashboard panel of penalty publication and 案卷评查: how many decided
cases await publication and how many are past their 20 working days, and the reader's own
reviews still to score."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaoan.cases.models import CaseReview
from yaoan.cases.publication_queries import awaiting_publication, overdue_publications
from yaoan.cases.publication_rules import can_read_publications
from yaoan.cases.review_enums import ReviewStatus
from yaoan.cases.review_rules import can_use_reviews
from yaoan.common.panels import NavItem, Panel, register_nav, register_panel


def dashboard_panel(request: HttpRequest, obj: Any) -> str | None:
    user: Any = request.user
    publishes, reviews = can_read_publications(user), can_use_reviews(user)
    if not (publishes or reviews):
        return None
    context: dict[str, Any] = {"publishes": publishes, "reviews": reviews}
    if publishes:
        context["awaiting"] = awaiting_publication(user).count()
        context["overdue"] = overdue_publications(user, timezone.localdate()).count()
    if reviews:
        mine = CaseReview.objects.filter(reviewer=user, status=ReviewStatus.ASSIGNED)
        context["to_review"] = mine.count()
    return render_to_string("cases/_oversight_panel.html", context, request=request)


def register() -> None:
    register_nav(
        NavItem(
            68,
            _("处罚公示"),
            "cases:publication_list",
            can_read_publications,
            "/cases/publication",
        )
    )
    register_nav(NavItem(69, _("案卷评查"), "cases:review_list", can_use_reviews, "/cases/reviews"))
    register_panel(Panel(47, "dashboard", dashboard_panel))
