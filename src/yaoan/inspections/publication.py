"""一公开: publishing random-inspection results on the portal, which meets the publication
deadline opened at submission (``services``); atomic and audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.core import audit
from yaoan.core.deadlines import meet_deadlines
from yaoan.core.models import User
from yaoan.inspections.enums import PUBLISHED_KINDS, InspectionStatus
from yaoan.inspections.models import Inspection
from yaoan.inspections.rules import can_supervise_inspections
from yaoan.inspections.services import _require_scope
from yaoan.inspections.workflow import PUBLICATION_RULE


@transaction.atomic
def publish_results(*, actor: User, inspections: Iterable[Inspection]) -> int:
    """Publish random-inspection results on the portal (一公开); returns how many."""
    if not can_supervise_inspections(actor):
        raise PermissionDenied(_("只有股室负责人可以公示抽查结果"))
    now = timezone.now()
    published = 0
    for inspection in inspections:
        _require_scope(actor, inspection.entity)
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if locked.kind not in PUBLISHED_KINDS or locked.status != InspectionStatus.SUBMITTED:
            raise ValidationError(_("只能公示已提交的双随机抽查结果：%(n)s") % {"n": locked})
        if locked.published_at:
            continue
        locked.published_at = now
        locked.save(update_fields=["published_at", "updated_at"])
        meet_deadlines(locked, [PUBLICATION_RULE], actor=actor)
        audit.record(
            "inspections.result.published",
            actor=actor,
            obj=locked,
            after={"published_at": now.isoformat(), "due": str(locked.publication_due)},
        )
        published += 1
    return published
