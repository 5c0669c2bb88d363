"""Inspection panels: on the dashboard (today's work, overdue rectification, results due
for publication, findings waiting to be taken over) and on the entity profile (its
inspections, findings, open orders, and the risk grade its history gives)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaoan.analytics.inspection_risk import grade_from_history
from yaoan.inspections.enums import RectificationStatus
from yaoan.inspections.grading import GRADING_RULE, inspection_history
from yaoan.inspections.models import Finding, RectificationOrder
from yaoan.inspections.queries import (
    due_today_for,
    inspections_visible_to,
    overdue_rectifications,
    rectifications_visible_to,
    unpublished_results,
    with_due,
)
from yaoan.inspections.rules import can_inspect, can_read_inspections, can_supervise_inspections
from yaoan.inspections.workflow import RECTIFICATION_RULE
from yaoan.intake.enums import IntakeStatus
from yaoan.intake.queries import intake_visible_to


def dashboard_panel(request: HttpRequest, obj: Any) -> str | None:
    user: Any = request.user
    if not can_read_inspections(user):
        return None
    today = timezone.localdate()
    orders = rectifications_visible_to(user)
    unpublished = unpublished_results(inspections_visible_to(user))
    return render_to_string(
        "inspections/_dashboard_panel.html",
        {
            "due_today": list(due_today_for(user, today)[:10]) if can_inspect(user) else None,
            "overdue_orders": overdue_rectifications(orders, today).count(),
            "open_orders": orders.exclude(status=RectificationStatus.CLOSED).count(),
            "publication_overdue": unpublished.filter(due_on__lt=today).count(),
            "publication_pending": unpublished.count(),
            "escalations_waiting": intake_visible_to(user)
            .filter(source_app="inspections", status=IntakeStatus.NEW)
            .count(),
        },
        request=request,
    )


BASIS_LABELS = {
    "no_inspection": _("近24个月无已完成的检查，风险等级保持不变"),
    "critical_overdue_or_failed": _("存在严重缺陷、逾期未整改或两次以上复查不合格 → D级"),
    "major_or_many_minor": _("有主要缺陷或一般缺陷达3项 → C级"),
    "few_minor": _("仅有1～2项一般缺陷 → B级"),
    "all_compliant": _("检查均未发现问题 → A级"),
}


def entity_panel(request: HttpRequest, entity: Any) -> str | None:
    user: Any = request.user
    if not can_read_inspections(user):
        return None
    today = timezone.localdate()
    history = inspection_history(entity, today, GRADING_RULE)
    grading = grade_from_history(history, GRADING_RULE)
    return render_to_string(
        "inspections/_entity_panel.html",
        {
            "entity": entity,
            "inspections": list(
                inspections_visible_to(user).filter(entity=entity).order_by("-scheduled_for")[:20]
            ),
            "findings": list(
                Finding.objects.filter(inspection__entity=entity)
                .select_related("inspection")
                .order_by("-created_at")[:20]
            ),
            "open_orders": list(
                with_due(
                    RectificationOrder.objects.filter(entity=entity).exclude(
                        status=RectificationStatus.CLOSED
                    ),
                    RECTIFICATION_RULE,
                )
            ),
            "today": today,
            "history": history,
            "grading": grading,
            "basis_label": BASIS_LABELS[grading.basis],
            "rule": GRADING_RULE,
            "can_schedule": can_inspect(user) or can_supervise_inspections(user),
            "can_recompute": can_supervise_inspections(user),
        },
        request=request,
    )
