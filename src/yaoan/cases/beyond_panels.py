"""The dashboard panel of 行刑衔接 and 挂牌督办: transfers waiting for the reader's
approval (a leader), transfers and supervisions in the reader's scope still running, and
those with an overdue clock (the police's review, a hand-over, a progress report, a
supervised case's completion)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from yaoan.cases.beyond_enums import OPEN_TRANSFER_STATUSES, SupervisionStatus, TransferStatus
from yaoan.cases.beyond_queries import (
    SUPERVISION_TYPE,
    TRANSFER_TYPE,
    only_overdue,
    supervisions_visible_to,
    transfers_visible_to,
    with_due,
)
from yaoan.cases.beyond_rules import TRANSFER_APPROVERS, can_read_beyond
from yaoan.common.panels import Panel, register_panel


def dashboard_panel(request: HttpRequest, obj: Any) -> str | None:
    user: Any = request.user
    if not can_read_beyond(user):
        return None
    transfers = transfers_visible_to(user)
    supervisions = supervisions_visible_to(user).filter(status=SupervisionStatus.ACTIVE)
    running = transfers.filter(status__in=OPEN_TRANSFER_STATUSES)
    counts = {
        "awaiting_approval": transfers.filter(status=TransferStatus.PROPOSED)
        .exclude(proposed_by=user)
        .count()
        if user.has_role(*TRANSFER_APPROVERS)
        else None,
        "transfers": running.count(),
        "transfers_overdue": only_overdue(with_due(running, TRANSFER_TYPE)).count(),
        "supervisions": supervisions.count(),
        "supervisions_overdue": only_overdue(with_due(supervisions, SUPERVISION_TYPE)).count(),
    }
    if not any(counts.values()):
        return None
    return render_to_string("cases/transfer/_dashboard_panel.html", counts, request=request)


def register() -> None:
    register_panel(Panel(41, "dashboard", dashboard_panel))
