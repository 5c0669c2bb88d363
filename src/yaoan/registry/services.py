"""The only writers of registry state: atomic, scoped to the actor's grid, audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.core import audit
from yaoan.core.models import Subdistrict, User
from yaoan.core.rules import can_edit_registry, can_set_ratings, data_scope
from yaoan.registry.enums import LicenceKind, RatingKind
from yaoan.registry.models import Entity, EntityRatingChange, Licence, Product
from yaoan.registry.pinyin import pinyin_initials

ENTITY_FIELDS = [
    "name", "uscc", "entity_type", "medical_level", "device_class", "subdistrict",
    "address", "legal_representative", "quality_manager", "contact_phone", "status",
    "chain_headquarters", "handles_special_drugs", "in_volume_procurement",
    "offers_medical_beauty", "handles_cold_chain",
]
ENTITY_AUDIT_FIELDS = [
    "name", "uscc", "entity_type", "medical_level", "device_class", "subdistrict_id",
    "address", "legal_representative", "quality_manager", "contact_phone", "status",
    "chain_headquarters_id", "handles_special_drugs", "in_volume_procurement",
    "offers_medical_beauty", "handles_cold_chain", "risk_grade", "credit_class", "is_deleted",
]
LICENCE_FIELDS = ["kind", "number", "scope", "issued_on", "valid_from", "valid_until",
                  "issuer", "status"]


def _require_edit(actor: User, subdistrict: Subdistrict) -> None:
    scope = data_scope(actor)
    if not can_edit_registry(actor) or (
        not scope.everything and subdistrict.station_id not in (scope.station_ids or ())
    ):
        audit.record("registry.access.denied", actor=actor, success=False, obj=subdistrict)
        raise PermissionDenied(_("不在您的管辖范围内"))


def _clean_entity(entity: Entity) -> None:
    entity.uscc = entity.uscc.strip().upper()
    entity.name = entity.name.strip()
    entity.name_initials = pinyin_initials(entity.name)
    entity.full_clean()


@transaction.atomic
def create_entity(*, actor: User, data: Mapping[str, Any], source: str = "form") -> Entity:
    entity = Entity(**{k: v for k, v in data.items() if k in ENTITY_FIELDS})
    _require_edit(actor, entity.subdistrict)
    _clean_entity(entity)
    entity.save()
    audit.record("registry.entity.created", actor=actor, obj=entity, reason=source,
                 after=audit.snapshot(entity, ENTITY_AUDIT_FIELDS))
    return entity


@transaction.atomic
def update_entity(*, actor: User, entity: Entity, data: Mapping[str, Any], reason: str = "") -> Entity:
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    _require_edit(actor, entity.subdistrict)
    before = audit.snapshot(entity, ENTITY_AUDIT_FIELDS)
    for key, value in data.items():
        if key in ENTITY_FIELDS:
            setattr(entity, key, value)
    _require_edit(actor, entity.subdistrict)  # the new grid must be the actor's too
    _clean_entity(entity)
    entity.save()
    after = audit.snapshot(entity, ENTITY_AUDIT_FIELDS)
    changed = audit.changed_fields(before, after)
    if changed:
        audit.record("registry.entity.updated", actor=actor, obj=entity, reason=reason,
                     before={k: before[k] for k in changed}, after=changed)
    return entity


@transaction.atomic
def delete_entity(*, actor: User, entity: Entity, reason: str) -> None:
    """Soft delete only (S17): the record stays for the auditor and for history."""
    if not reason.strip():
        raise ValidationError({"reason": _("删除须填写原因")})
    _require_edit(actor, entity.subdistrict)
    entity.is_deleted = True
    entity.save(update_fields=["is_deleted", "updated_at"])
    audit.record("registry.entity.deleted", actor=actor, obj=entity, reason=reason,
                 before={"is_deleted": False}, after={"is_deleted": True})


@transaction.atomic
def set_rating(*, actor: User, entity: Entity, kind: str, value: str, reason: str,
               source: str = "manual") -> EntityRatingChange | None:
    """Set the risk grade or credit class; every change keeps its reason (history)."""
    if not can_set_ratings(actor) and source == "manual":
        raise PermissionDenied(_("只有股室负责人可以调整风险等级和信用分类"))
    if not reason.strip():
        raise ValidationError({"reason": _("调整等级须填写原因")})
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    field = "risk_grade" if kind == RatingKind.RISK else "credit_class"
    old = getattr(entity, field)
    if old == value:
        return None
    setattr(entity, field, value)
    entity.full_clean(exclude=["uscc"])
    entity.save(update_fields=[field, "updated_at"])
    change = EntityRatingChange.objects.create(
        entity=entity, kind=kind, old_value=old, new_value=value, reason=reason,
        source=source, changed_by=actor, changed_at=timezone.now(),
    )
    audit.record(f"registry.entity.{field}_changed", actor=actor, obj=entity, reason=reason,
                 before={field: old}, after={field: value})
    return change


def _clean_licence(licence: Licence) -> None:
    if licence.kind in LicenceKind.filings():
        licence.valid_until = None
    licence.number = licence.number.strip()
    licence.full_clean()


@transaction.atomic
def add_licence(*, actor: User, entity: Entity, data: Mapping[str, Any]) -> Licence:
    _require_edit(actor, entity.subdistrict)
    licence = Licence(entity=entity, **{k: v for k, v in data.items() if k in LICENCE_FIELDS})
    _clean_licence(licence)
    licence.save()
    audit.record("registry.licence.created", actor=actor, obj=licence,
                 after=audit.snapshot(licence, ["entity_id", *LICENCE_FIELDS]))
    return licence


@transaction.atomic
def update_licence(*, actor: User, licence: Licence, data: Mapping[str, Any],
                   reason: str = "") -> Licence:
    licence = Licence.objects.select_for_update().get(pk=licence.pk)
    _require_edit(actor, licence.entity.subdistrict)
    before = audit.snapshot(licence, LICENCE_FIELDS)
    for key, value in data.items():
        if key in LICENCE_FIELDS:
            setattr(licence, key, value)
    _clean_licence(licence)
    licence.save()
    after = audit.snapshot(licence, LICENCE_FIELDS)
    changed = audit.changed_fields(before, after)
    if changed:
        audit.record("registry.licence.updated", actor=actor, obj=licence, reason=reason,
                     before={k: before[k] for k in changed}, after=changed)
    return licence


PRODUCT_FIELDS = [f.name for f in Product._meta.concrete_fields if f.name != "id"]


@transaction.atomic
def create_product(*, actor: User, data: Mapping[str, Any]) -> Product:
    if not can_edit_registry(actor):
        raise PermissionDenied
    product = Product(**{k: v for k, v in data.items() if k in PRODUCT_FIELDS})
    product.full_clean()
    product.save()
    audit.record("registry.product.created", actor=actor, obj=product,
                 after=audit.snapshot(product, PRODUCT_FIELDS))
    return product


def record_personal_data_view(*, actor: User, entity: Entity, fields: Iterable[str]) -> None:
    """Viewing the named persons' contact details is itself recorded (S14)."""
    with transaction.atomic():
        audit.record("registry.entity.personal_data_viewed", actor=actor, obj=entity,
                     after={"fields": sorted(fields)})
