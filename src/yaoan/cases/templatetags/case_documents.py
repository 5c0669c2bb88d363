"""``{% case_documents_panel case %}``: the documents box of the case page (the print
buttons the case's state allows, 三书同达, the documents printed so far, and the link to
the documents page with deliveries and the typical-case report)."""

from __future__ import annotations

from typing import Any

from django import template

from yaoan.cases.documents import offers_decision_set, printable
from yaoan.cases.models import Case
from yaoan.cases.rules import can_handle_case
from yaoan.core.documents import services as documents

register = template.Library()


@register.inclusion_tag("cases/documents/_panel.html", takes_context=True)
def case_documents_panel(context: dict[str, Any], case: Case) -> dict[str, Any]:
    user = context["request"].user
    return {
        "case": case,
        "printable": printable(case),
        "decision_set": offers_decision_set(case) and can_handle_case(user, case),
        "documents": documents.documents_about(case)[:20],
        "csrf_token": context.get("csrf_token"),
    }
