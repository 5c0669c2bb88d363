"""The only writers of intake: the one door through which any module hands on a clue or a
candidate risk (submit_intake), the decisions on an item (taken through the workflow
engine, core.transitions.take), and the entity events the planning key list reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaoan.core import audit
from yaoan.core.enums import NotificationKind
from yaoan.core.models import Attachment, OrgUnit, User
from yaoan.core.transitions import Notice, take
from yaoan.intake.enums import EntityEventKind, IntakeError, IntakeKind, IntakeStatus, Urgency
from yaoan.intake.models import EntityEvent, IntakeItem
from yaoan.intake.rules import can_decide_item, can_submit_intake
from yaoan.intake.workflow import INTAKE
from yaoan.registry.models import Entity, Product

LIVE_STATUSES = (IntakeStatus.NEW, IntakeStatus.ACCEPTED)


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _required(field: str, value: str, message: str) -> str:
    if not str(value).strip():
        raise _field_error(field, message, "required")
    return str(value).strip()


def _choice(field: str, value: str, choices: type[IntakeKind] | type[Urgency]) -> str:
    if value not in choices.values:
        allowed = "、".join(f"{v}（{label}）" for v, label in choices.choices)
        raise _field_error(field, _("取值无效，可选：%(c)s") % {"c": allowed}, "invalid")
    return value


def _evidence(evidence: Sequence[Attachment]) -> list[Attachment]:
    items = list(evidence)
    if any(a.pk is None or a.deleted_at is not None for a in items):
        raise _field_error("evidence", _("证据材料须为已保存且未删除的附件"), "invalid")
    return items


@transaction.atomic
def submit_intake(
    *,
    actor: User,
    kind: str,
    source_app: str,
    source_kind: str,
    source_id: str | int,
    source_label: str,
    source_url: str = "",
    entity: Entity | None = None,
    product: Product | None = None,
    batch: str = "",
    summary: str,
    urgency: str = Urgency.NORMAL,
    evidence: Sequence[Attachment] = (),
    org_unit: OrgUnit | None = None,
) -> IntakeItem:
    """Hand on a clue or a candidate risk. The calling module has decided the actor may
    hand this source on; the item belongs to ``org_unit`` (default: the station of the
    entity's grid). One live item per source and kind: a second is refused."""
    if not can_submit_intake(actor):
        raise PermissionDenied(_("您无权移交线索或风险"))
    kind = _choice("kind", kind, IntakeKind)
    urgency = _choice("urgency", urgency, Urgency)
    summary = _required("summary", summary, _("请填写情况摘要"))
    source = {
        "source_app": _required("source_app", source_app, _("须注明来源模块")),
        "source_kind": _required("source_kind", source_kind, _("须注明来源类型")),
        "source_id": _required("source_id", str(source_id), _("须注明来源编号"))[:64],
    }
    files = _evidence(evidence)
    if (
        IntakeItem.objects.filter(kind=kind, **source)
        .exclude(status=IntakeStatus.REJECTED)
        .exists()
    ):
        raise _field_error("kind", str(IntakeError.DUPLICATE.label), IntakeError.DUPLICATE.value)
    if org_unit is None and entity is not None:
        org_unit = entity.subdistrict.station
    item = IntakeItem.objects.create(
        kind=kind,
        **source,
        source_label=_required("source_label", source_label, _("须注明来源"))[:200],
        source_url=source_url[:300],
        entity=entity,
        product=product,
        batch=batch.strip()[:60],
        summary=summary,
        urgency=urgency,
        org_unit=org_unit,
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    item.evidence.set(files)
    audit.record(
        "intake.intakeitem.submitted",
        actor=actor,
        obj=item,
        after={
            "kind": kind,
            "source": f"{source['source_app']}.{source['source_kind']}:{source['source_id']}",
            "entity": entity.pk if entity else None,
            "urgency": urgency,
            "evidence": [a.pk for a in files],
        },
        reason=summary,
    )
    return item


def _decided(actor: User, reason: str) -> dict[str, object]:
    return {"decided_by": actor, "decided_at": timezone.now(), "decision_reason": reason.strip()}


def _setter(values: dict[str, object]) -> Callable[[Model], Iterable[str]]:
    def update(obj: Model) -> list[str]:
        for name, value in values.items():
            setattr(obj, name, value)
        return list(values)

    return update


def _take(
    item: IntakeItem,
    action: str,
    *,
    actor: User,
    reason: str,
    update: Callable[[Model], Iterable[str]] | None = None,
    details: Mapping[str, Any] | None = None,
) -> IntakeItem:
    taken = take(
        INTAKE,
        item,
        action,
        actor=actor,
        reason=reason,
        update=update,
        details=details,
        notify=_tell_submitter(item, action, actor),
    )
    assert isinstance(taken, IntakeItem)
    return taken


DECISION_NOTICES = {
    "accept": (NotificationKind.INFO, gettext_lazy("您移交的事项已被接收")),
    "reject": (NotificationKind.REJECTED, gettext_lazy("您移交的事项未被接收")),
    "merge": (NotificationKind.INFO, gettext_lazy("您移交的事项已合并到另一事项")),
}


def _tell_submitter(item: IntakeItem, action: str, actor: User) -> list[Notice]:
    """Whoever handed the item on learns what became of it (not of their own decision)."""
    if action not in DECISION_NOTICES or item.submitted_by_id == actor.pk:
        return []
    kind, text = DECISION_NOTICES[action]
    title = f"{text}：{item.source_label}"
    return [Notice(item.submitted_by, kind, title, item.get_absolute_url())]


@dataclass(frozen=True)
class TakenBy:
    """The record that took an item over: its type ("cases.case"), id, label and page."""

    type: str
    id: str
    label: str
    url: str = ""


def accept_intake(item: IntakeItem, actor: User, taken_by: TakenBy, reason: str = "") -> IntakeItem:
    """A case, a complaint verification or a risk item takes the item over (called by the
    receiving module's service, inside its own transaction)."""
    if not (taken_by.type.strip() and str(taken_by.id).strip() and taken_by.label.strip()):
        raise _field_error(
            "taken_by", str(IntakeError.TAKEN_BY_MISSING.label), IntakeError.TAKEN_BY_MISSING.value
        )
    values = _decided(actor, reason) | {
        "taken_by_type": taken_by.type[:60],
        "taken_by_id": str(taken_by.id)[:64],
        "taken_by_label": taken_by.label[:200],
        "taken_by_url": taken_by.url[:300],
    }
    return _take(
        item,
        "accept",
        actor=actor,
        reason=reason,
        update=_setter(values),
        details={"taken_by": f"{taken_by.type}:{taken_by.id}", "label": taken_by.label},
    )


def reject_intake(item: IntakeItem, actor: User, reason: str) -> IntakeItem:
    """Not taken over, with the reason (required)."""
    return _take(
        item,
        "reject",
        actor=actor,
        reason=reason,
        update=_setter(_decided(actor, reason)),
    )


def keep_waiting(item: IntakeItem, actor: User, reason: str) -> IntakeItem:
    """Leave the item waiting for its receiver, noting why (the note is audited)."""
    return _take(item, "keep", actor=actor, reason=reason)


def _merge_target_problem(item: IntakeItem, into: IntakeItem, actor: User) -> str | None:
    if into.pk == item.pk:
        return _("不能合并到自身")
    if into.kind != item.kind:
        return _("只能合并到同一类别的事项")
    if into.status not in LIVE_STATUSES:
        return _("只能合并到待接收或已接收的事项")
    if not can_decide_item(actor, into):
        return _("目标事项不在您的管辖范围内")
    return None


def merge_intake(item: IntakeItem, into: IntakeItem, actor: User, reason: str) -> IntakeItem:
    """The item is the same matter as ``into`` (same kind, still live): it is closed as
    merged and points there."""
    problem = _merge_target_problem(item, into, actor)
    if problem:
        raise _field_error("into", problem, IntakeError.BAD_MERGE.value)
    return _take(
        item,
        "merge",
        actor=actor,
        reason=reason,
        update=_setter(_decided(actor, reason) | {"merged_into": into}),
        details={"merged_into": into.pk},
    )


# --- entity events for the planning key list -----------------------------------------------


@transaction.atomic
def report_entity_event(
    *,
    kind: EntityEventKind | str,
    entity: Entity,
    occurred_on: dt.date,
    source_app: str,
    source_kind: str,
    source_id: str | int,
    source_label: str,
    detail: str = "",
    actor: User,
) -> EntityEvent:
    """What sampling (a failed sample), complaints (a complaint about the entity) and cases
    (a penalty decided) call: one event per source record; reporting it again updates it
    (and brings back a withdrawn one). ``actor`` is whoever's act produced it: the person,
    or the producing module's system actor (core.actors) for an automatic feed."""
    kind = EntityEventKind(kind)
    if occurred_on > timezone.localdate():
        raise _field_error("occurred_on", _("发生日期不能晚于今天"), "invalid")
    key: dict[str, Any] = {
        "kind": kind,
        "source_app": _required("source_app", source_app, _("须注明来源模块")),
        "source_kind": _required("source_kind", source_kind, _("须注明来源类型")),
        "source_id": _required("source_id", str(source_id), _("须注明来源编号"))[:64],
    }
    values = {
        "entity": entity,
        "occurred_on": occurred_on,
        "source_label": _required("source_label", source_label, _("须注明来源"))[:200],
        "detail": detail.strip()[:200],
        "reported_at": timezone.now(),
        "withdrawn_at": None,
        "withdrawal_reason": "",
    }
    event, created = EntityEvent.objects.select_for_update().update_or_create(
        **key, defaults=values
    )
    audit.record(
        "intake.entityevent.reported",
        actor=actor,
        obj=event,
        after={"kind": kind, "entity": entity.pk, "occurred_on": occurred_on, "new": created},
    )
    return event


@transaction.atomic
def withdraw_entity_event(
    *,
    kind: EntityEventKind | str,
    source_app: str,
    source_kind: str,
    source_id: str | int,
    reason: str,
    actor: User,
) -> EntityEvent | None:
    """The source was revoked (a sample result corrected, a penalty overturned): the event
    stops counting but stays on record. None when nothing was reported."""
    reason = _required("reason", reason, _("须填写撤回原因"))
    event = (
        EntityEvent.objects.select_for_update()
        .filter(kind=kind, source_app=source_app, source_kind=source_kind, source_id=str(source_id))
        .first()
    )
    if event is None or event.withdrawn_at is not None:
        return event
    event.withdrawn_at = timezone.now()
    event.withdrawal_reason = reason[:200]
    event.save(update_fields=["withdrawn_at", "withdrawal_reason"])
    audit.record(
        "intake.entityevent.withdrawn",
        actor=actor,
        obj=event,
        reason=reason,
    )
    return event
