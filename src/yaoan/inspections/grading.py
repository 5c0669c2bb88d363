"""The risk grade an entity's inspection history gives (the rule is
``analytics.inspection_risk``), and the chief's re-grading through the registry."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.analytics.inspection_risk import GradingRule, InspectionHistory, grade_from_history
from yaoan.core.models import User
from yaoan.inspections.enums import InspectionStatus, Severity
from yaoan.inspections.models import Finding, Inspection, RectificationOrder
from yaoan.inspections.queries import overdue_rectifications, with_due
from yaoan.inspections.rules import can_supervise_inspections
from yaoan.inspections.services import _require_scope
from yaoan.inspections.workflow import RECTIFICATION_RULE
from yaoan.registry import services as registry_services
from yaoan.registry.enums import RatingKind
from yaoan.registry.models import Entity

GRADING_RULE = GradingRule()


def inspection_history(entity: Entity, today: dt.date, rule: GradingRule) -> InspectionHistory:
    since = today - dt.timedelta(days=rule.window_months * 365 // 12)
    submitted = Inspection.objects.filter(
        entity=entity, status=InspectionStatus.SUBMITTED, submitted_at__date__gte=since
    )
    counts = Finding.objects.filter(inspection__in=submitted).aggregate(
        critical=Count("pk", filter=Q(severity=Severity.CRITICAL)),
        major=Count("pk", filter=Q(severity=Severity.MAJOR)),
        minor=Count("pk", filter=Q(severity=Severity.MINOR)),
    )
    orders = RectificationOrder.objects.filter(entity=entity, issued_on__gte=since)
    return InspectionHistory(
        inspections=submitted.count(),
        critical=counts["critical"],
        major=counts["major"],
        minor=counts["minor"],
        overdue_orders=overdue_rectifications(with_due(orders, RECTIFICATION_RULE), today).count(),
        failed_rounds=sum(o.rounds - 1 for o in orders),
    )


@transaction.atomic
def recompute_risk_grade(*, actor: User, entity: Entity) -> tuple[str | None, str]:
    """Apply the inspection-history rule; returns (new grade or None, the rule's basis)."""
    if not can_supervise_inspections(actor):
        raise PermissionDenied(_("只有股室负责人可以重新评定风险等级"))
    _require_scope(actor, entity)
    history = inspection_history(entity, timezone.localdate(), GRADING_RULE)
    grading = grade_from_history(history, GRADING_RULE)
    if grading.grade is not None and grading.grade != entity.risk_grade:
        registry_services.set_rating(
            actor=actor,
            entity=entity,
            kind=RatingKind.RISK,
            value=grading.grade,
            reason=_("按检查记录重新评定（%(b)s）") % {"b": grading.basis},
            source="inspections",
        )
    return grading.grade, grading.basis
