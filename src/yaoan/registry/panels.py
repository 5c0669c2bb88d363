"""The registry's panel on the dashboard: licences expiring within 90 and 30 days."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from yaoan.core.rules import can_read_registry
from yaoan.registry.enums import ExpiryWindow
from yaoan.registry.queries import expiring_licences, expiry_condition, licences_visible_to


def licence_expiry_panel(request: HttpRequest, obj: Any) -> str | None:
    user = request.user
    if not can_read_registry(user):  # type: ignore[arg-type]
        return None
    today = timezone.localdate()
    visible = licences_visible_to(user)  # type: ignore[arg-type]
    windows = (ExpiryWindow.EXPIRED, ExpiryWindow.DAYS_30, ExpiryWindow.DAYS_90)
    # one pass over the licences for the three counts (it was a query for each)
    totals = visible.aggregate(
        **{f"w_{w}": Count("pk", filter=expiry_condition(w, today)) for w in windows}
    )
    counts = {str(w): totals[f"w_{w}"] for w in windows}
    soonest = (
        expiring_licences(visible, ExpiryWindow.DAYS_90, today)
        .select_related("entity")
        .order_by("valid_until")[:10]
    )
    return render_to_string(
        "registry/_licence_expiry_panel.html",
        {"counts": counts, "soonest": soonest, "today": today},
        request=request,
    )
