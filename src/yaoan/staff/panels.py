"""The dashboard panel: enforcement certificates in the user's scope that run out within
the warning period, so a chief renews them before the inspector drops out of the draws."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from yaoan.staff.queries import EXPIRY_WARNING_DAYS, expiring_certificates
from yaoan.staff.rules import can_manage_staff

PANEL_ROWS = 8


def qualification_expiry_panel(request: HttpRequest, obj: Any) -> str | None:
    user = request.user
    if not can_manage_staff(user):  # type: ignore[arg-type]
        return None
    today = timezone.localdate()
    expiring = list(
        expiring_certificates(user, today).select_related("holder__inspector_profile")[  # type: ignore[arg-type]
            : PANEL_ROWS + 1
        ]
    )
    if not expiring:
        return None
    return render_to_string(
        "staff/_expiry_panel.html",
        {
            "rows": expiring[:PANEL_ROWS],
            "more": len(expiring) > PANEL_ROWS,
            "days": EXPIRY_WARNING_DAYS,
            "today": today,
        },
        request=request,
    )
