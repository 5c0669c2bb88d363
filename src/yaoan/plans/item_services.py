"""Changes to a plan's items — edit, add, remove — each making the plan a new draft
version when it is not one already; atomic, permission-checked, audited like every writer
of plans state (plans.services holds the plan's generation and workflow)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.analytics.planning import (
    place_remainder,
)
from yaoan.common.errors import (
    INVALID,
    invalid,
)
from yaoan.core import audit
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit, User
from yaoan.plans import keylist, workflow
from yaoan.plans.enums import (
    MANUAL_REASON,
    ItemChangeKind,
    PlanError,
    PlanLock,
    PlanStatus,
)
from yaoan.plans.models import (
    MAX_VISITS,
    AnnualPlan,
    PlanItem,
    PlanItemChange,
)
from yaoan.plans.services import (
    ITEM_AUDIT_FIELDS,
    codes_text,
    require_manager,
    require_reason,
    start_revision,
)
from yaoan.registry.models import Entity


def _editable_plan(plan: AnnualPlan, actor: User, reason: str) -> AnnualPlan:
    """The plan an edit goes to: the draft itself, or a new draft version of an approved plan."""
    plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status in workflow.EDITABLE:
        return plan
    if plan.status == PlanStatus.APPROVED:
        return start_revision(actor=actor, plan=plan, reason=reason)
    if plan.status == PlanStatus.SUBMITTED:
        raise invalid(PlanLock.SUBMITTED_LOCKED)
    raise invalid(PlanLock.SUPERSEDED_LOCKED)


def _spread_one(plan: AnnualPlan, station_id: int, count: int, exclude: int | None) -> list[int]:
    """Quarters for one item with ``count`` visits, on top of its station's other items."""
    others = PlanItem.objects.filter(plan=plan, station_id=station_id)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    sums = others.aggregate(a=Sum("q1"), b=Sum("q2"), c=Sum("q3"), d=Sum("q4"))
    loads = [sums["a"] or 0, sums["b"] or 0, sums["c"] or 0, sums["d"] or 0]
    base, remainder = divmod(count, 4)
    counts = [base] * 4
    for q in place_remainder(loads, remainder):
        counts[q] += 1
    return counts


def _check_counts(count: int, quarters: Sequence[int]) -> None:
    if not 1 <= count <= MAX_VISITS:
        raise invalid(
            "invalid",
            _("检查次数须在 1 至 %(n)s 之间；不再检查请移出清单。") % {"n": MAX_VISITS},
            field="required_count",
        )
    if len(quarters) != 4 or any(q < 0 for q in quarters) or sum(quarters) != count:
        raise invalid(
            PlanError.QUARTERS_MISMATCH,
            _("各季度次数之和（%(s)s）须等于检查次数（%(n)s）。")
            % {"s": sum(quarters), "n": count},
            field="quarters",
        )


def _station(station: OrgUnit | int) -> OrgUnit:
    found = OrgUnit.objects.filter(
        pk=station.pk if isinstance(station, OrgUnit) else station, kind=OrgUnitKind.STATION
    ).first()
    if found is None:
        raise invalid(INVALID, _("负责所须为市场监管所。"), field="station")
    return found


def _record_change(
    *,
    actor: User,
    item: PlanItem,
    kind: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str,
) -> None:
    PlanItemChange.objects.create(
        plan_id=item.plan_id,
        item=item if kind != ItemChangeKind.REMOVED else None,
        entity_id=item.entity_id,
        kind=kind,
        before=before,
        after=after,
        reason=reason,
        changed_by=actor,
        changed_at=timezone.now(),
    )
    audit.record(
        f"plans.item.{kind}",
        obj=item.plan,
        object_id=str(item.plan_id),
        reason=reason,
        before={"entity_id": item.entity_id, **(before or {})},
        after={"entity_id": item.entity_id, **(after or {})},
        actor=actor,
    )


@transaction.atomic
def edit_item(
    *,
    actor: User,
    item: PlanItem,
    reason: str,
    required_count: int | None = None,
    quarters: Sequence[int] | None = None,
    station: OrgUnit | int | None = None,
    joint: bool | None = None,
) -> PlanItem:
    """Change an item's count, quarters, station or joint flag, with a reason. On an approved
    plan the change goes to a new draft version; the returned item is the edited one."""
    require_manager(actor)
    reason = require_reason(reason)
    plan = _editable_plan(item.plan, actor, reason)
    item = PlanItem.objects.select_for_update().get(plan=plan, entity_id=item.entity_id)
    before = audit.snapshot(item, ITEM_AUDIT_FIELDS)
    if station is not None:
        item.station = _station(station)
    count = item.required_count if required_count is None else int(required_count)
    if quarters is None:
        quarters = (
            item.quarters
            if count == item.required_count and station is None
            else _spread_one(plan, item.station_id, count, item.pk)
        )
    quarters = [int(q) for q in quarters]
    _check_counts(count, quarters)
    item.required_count = count
    item.q1, item.q2, item.q3, item.q4 = quarters
    if joint is not None:
        item.joint = bool(joint)
    after = audit.snapshot(item, ITEM_AUDIT_FIELDS)
    changed = audit.changed_fields(before, after)
    if not changed:
        return item
    item.edited_note = reason
    item.save()
    _record_change(
        actor=actor,
        item=item,
        kind=ItemChangeKind.EDITED,
        before={k: before[k] for k in changed},
        after=changed,
        reason=reason,
    )
    return item


@transaction.atomic
def add_item(
    *,
    actor: User,
    plan: AnnualPlan,
    entity: Entity,
    reason: str,
    required_count: int = 1,
    quarters: Sequence[int] | None = None,
    joint: bool = False,
) -> PlanItem:
    require_manager(actor)
    reason = require_reason(reason)
    plan = _editable_plan(plan, actor, reason)
    entity = Entity.objects.select_related("subdistrict").get(pk=entity.pk)
    if not keylist.live_entities().filter(pk=entity.pk).exists():
        raise invalid(PlanError.ENTITY_NOT_LIVE, field="entity")
    if PlanItem.objects.filter(plan=plan, entity=entity).exists():
        raise invalid(PlanError.DUPLICATE_ENTITY, field="entity")
    station_id = entity.subdistrict.station_id
    counts = (
        list(quarters)
        if quarters is not None
        else _spread_one(plan, station_id, required_count, None)
    )
    _check_counts(required_count, counts)
    item = PlanItem(
        plan=plan,
        entity=entity,
        station_id=station_id,
        required_count=required_count,
        q1=counts[0],
        q2=counts[1],
        q3=counts[2],
        q4=counts[3],
        reasons=[{"code": MANUAL_REASON, "text": _("人工增加：%(r)s") % {"r": reason}}],
        reason_codes=codes_text([MANUAL_REASON]),
        joint=joint,
        edited_note=reason,
    )
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:
        raise invalid(PlanError.DUPLICATE_ENTITY, field="entity") from exc
    _record_change(
        actor=actor,
        item=item,
        kind=ItemChangeKind.ADDED,
        before=None,
        after=audit.snapshot(item, ITEM_AUDIT_FIELDS),
        reason=reason,
    )
    return item


@transaction.atomic
def remove_item(*, actor: User, item: PlanItem, reason: str) -> AnnualPlan:
    """Take an entity off the list (the history keeps it); returns the plan it left."""
    require_manager(actor)
    reason = require_reason(reason)
    plan = _editable_plan(item.plan, actor, reason)
    item = PlanItem.objects.select_for_update().get(plan=plan, entity_id=item.entity_id)
    before = {
        **audit.snapshot(item, ITEM_AUDIT_FIELDS),
        "reasons": [r.get("code") for r in item.reasons],
    }
    _record_change(
        actor=actor,
        item=item,
        kind=ItemChangeKind.REMOVED,
        before=before,
        after=None,
        reason=reason,
    )
    item.delete()
    return plan
