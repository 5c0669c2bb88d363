"""The only writers of registry state: atomic, scoped to the actor's grid, audited."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.core import audit
from yaoan.core.models import Subdistrict, User
from yaoan.core.rules import can_edit_registry, can_set_ratings, data_scope
from yaoan.registry.enums import EntityType, LicenceKind, RatingKind, RegistryError
from yaoan.registry.models import (
    ENTITY_EDITABLE_FIELDS,
    LICENCE_EDITABLE_FIELDS,
    Entity,
    EntityRatingChange,
    Licence,
    Product,
)
from yaoan.registry.pinyin import pinyin_initials

ENTITY_FIELDS = ENTITY_EDITABLE_FIELDS
ENTITY_AUDIT_FIELDS = [
    f"{name}_id" if name in ("subdistrict", "chain_headquarters") else name
    for name in (*ENTITY_EDITABLE_FIELDS, "risk_grade", "credit_class", "is_deleted")
]
LICENCE_FIELDS = LICENCE_EDITABLE_FIELDS


class OutOfScopeError(PermissionDenied):
    def __init__(self, subdistrict: Subdistrict):
        super().__init__(_("不在您的管辖范围内"))
        self.subdistrict = subdistrict


def _require_edit(actor: User, subdistrict: Subdistrict) -> None:
    if not can_edit_registry(actor) or not data_scope(actor).covers(subdistrict.station_id):
        raise OutOfScopeError(subdistrict)


P = ParamSpec("P")
R = TypeVar("R")


def _audits_refusal(func: Callable[P, R]) -> Callable[P, R]:
    """Record an out-of-scope refusal after the service's own transaction has rolled back,
    so the audit row is kept (S14)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except OutOfScopeError as exc:
            actor = kwargs.get("actor")
            with transaction.atomic():
                audit.record(
                    "registry.access.denied",
                    actor=actor if isinstance(actor, User) else None,
                    success=False,
                    obj=exc.subdistrict,
                )
            raise

    return wrapper


def _clean_entity(entity: Entity) -> None:
    entity.uscc = entity.uscc.strip().upper()
    entity.name = entity.name.strip()
    entity.name_initials = pinyin_initials(entity.name)
    _refuse_a_deleted_entitys_code(entity)
    entity.full_clean()


def _refuse_a_deleted_entitys_code(entity: Entity) -> None:
    """A credit code names one legal person for good: a deleted entity with this code is
    restored (with its history), not registered a second time."""
    deleted = Entity.objects.filter(uscc=entity.uscc, is_deleted=True).exclude(pk=entity.pk)
    found = deleted.only("pk", "name").first()
    if found is not None:
        raise ValidationError(
            {
                "uscc": ValidationError(
                    _(
                        "该统一社会信用代码属于已删除的监管对象“%(name)s”：请恢复该记录，不要重新登记。"
                    )
                    % {"name": found.name},
                    code=RegistryError.DELETED_USCC,
                )
            }
        )


@_audits_refusal
@transaction.atomic
def create_entity(*, actor: User, data: Mapping[str, Any], source: str = "form") -> Entity:
    entity = Entity(**{k: v for k, v in data.items() if k in ENTITY_FIELDS})
    _require_edit(actor, entity.subdistrict)
    _clean_entity(entity)
    entity.save()
    audit.record(
        "registry.entity.created",
        actor=actor,
        obj=entity,
        reason=source,
        after=audit.snapshot(entity, ENTITY_AUDIT_FIELDS),
    )
    return entity


@_audits_refusal
@transaction.atomic
def update_entity(
    *, actor: User, entity: Entity, data: Mapping[str, Any], reason: str = ""
) -> Entity:
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    _require_edit(actor, entity.subdistrict)
    before = audit.snapshot(entity, ENTITY_AUDIT_FIELDS)
    for key, value in data.items():
        if key in ENTITY_FIELDS:
            setattr(entity, key, value)
    _require_edit(actor, entity.subdistrict)  # the new grid must be the actor's too
    _require_chain_keeps_its_type(entity)
    _clean_entity(entity)
    entity.save()
    audit.record_update(
        "registry.entity.updated",
        actor=actor,
        obj=entity,
        before=before,
        after=audit.snapshot(entity, ENTITY_AUDIT_FIELDS),
        reason=reason,
    )
    return entity


def _require_chain_keeps_its_type(entity: Entity) -> None:
    if entity.entity_type == EntityType.PHARMACY_CHAIN:
        return
    stores = entity.chain_stores.filter(is_deleted=False).count()
    if stores:
        raise ValidationError(
            {
                "entity_type": _(
                    "该连锁总部下还有 %(n)d 家门店，须先调整门店的所属总部，才能更改其类型。"
                )
                % {"n": stores}
            }
        )


@_audits_refusal
@transaction.atomic
def delete_entity(*, actor: User, entity: Entity, reason: str) -> None:
    """Soft delete only (S17): the record stays for the auditor and for history."""
    if not reason.strip():
        raise ValidationError({"reason": _("删除须填写原因")})
    _mark_deleted(actor=actor, entity=entity, deleted=True, reason=reason)


@_audits_refusal
@transaction.atomic
def restore_entity(*, actor: User, entity: Entity, reason: str) -> Entity:
    """Undo a deletion: the record, its licences and history come back as they were."""
    if not reason.strip():
        raise ValidationError({"reason": _("恢复须填写原因")})
    return _mark_deleted(actor=actor, entity=entity, deleted=False, reason=reason)


def _mark_deleted(*, actor: User, entity: Entity, deleted: bool, reason: str) -> Entity:
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    _require_edit(actor, entity.subdistrict)
    if entity.is_deleted == deleted:
        return entity
    entity.is_deleted = deleted
    entity.save(update_fields=["is_deleted", "updated_at"])
    audit.record(
        "registry.entity.deleted" if deleted else "registry.entity.restored",
        actor=actor,
        obj=entity,
        reason=reason,
        before={"is_deleted": not deleted},
        after={"is_deleted": deleted},
    )
    return entity


@_audits_refusal
@transaction.atomic
def set_rating(
    *, actor: User, entity: Entity, kind: str, value: str, reason: str, source: str = "manual"
) -> EntityRatingChange | None:
    """Set the risk grade or credit class; every change keeps its reason (history).
    ``source`` says where the value came from (a chief's hand, an import, the inspection
    history rule); whoever the caller, the actor must be allowed to set it."""
    if not can_set_ratings(actor):
        raise PermissionDenied(_("只有股室负责人可以调整风险等级和信用分类"))
    _require_edit(actor, entity.subdistrict)
    if not reason.strip():
        raise ValidationError({"reason": _("调整等级须填写原因")})
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    field = "risk_grade" if kind == RatingKind.RISK else "credit_class"
    old = getattr(entity, field)
    if old == value:
        return None
    setattr(entity, field, value)
    # only the value set here: the rest of the row is not this action's to judge (a store
    # whose headquarters changed type must still be rateable)
    entity.clean_fields(exclude=[f.name for f in Entity._meta.fields if f.name != field])
    entity.save(update_fields=[field, "updated_at"])
    change = EntityRatingChange.objects.create(
        entity=entity,
        kind=kind,
        old_value=old,
        new_value=value,
        reason=reason,
        source=source,
        changed_by=actor,
        changed_at=timezone.now(),
    )
    audit.record(
        f"registry.entity.{field}_changed",
        actor=actor,
        obj=entity,
        reason=reason,
        before={field: old},
        after={field: value},
    )
    return change


def _clean_licence(licence: Licence) -> None:
    if licence.kind in LicenceKind.filings():
        licence.valid_until = None
    licence.number = licence.number.strip()
    licence.full_clean()


@_audits_refusal
@transaction.atomic
def add_licence(*, actor: User, entity: Entity, data: Mapping[str, Any]) -> Licence:
    _require_edit(actor, entity.subdistrict)
    licence = Licence(entity=entity, **{k: v for k, v in data.items() if k in LICENCE_FIELDS})
    _clean_licence(licence)
    licence.save()
    audit.record(
        "registry.licence.created",
        actor=actor,
        obj=licence,
        after=audit.snapshot(licence, ["entity_id", *LICENCE_FIELDS]),
    )
    return licence


@_audits_refusal
@transaction.atomic
def update_licence(
    *, actor: User, licence: Licence, data: Mapping[str, Any], reason: str = ""
) -> Licence:
    licence = Licence.objects.select_for_update().get(pk=licence.pk)
    _require_edit(actor, licence.entity.subdistrict)
    before = audit.snapshot(licence, LICENCE_FIELDS)
    for key, value in data.items():
        if key in LICENCE_FIELDS:
            setattr(licence, key, value)
    _clean_licence(licence)
    licence.save()
    audit.record_update(
        "registry.licence.updated",
        actor=actor,
        obj=licence,
        before=before,
        after=audit.snapshot(licence, LICENCE_FIELDS),
        reason=reason,
    )
    return licence


PRODUCT_FIELDS = [f.name for f in Product._meta.concrete_fields if f.name != "id"]


@transaction.atomic
def create_product(*, actor: User, data: Mapping[str, Any]) -> Product:
    if not can_edit_registry(actor):
        raise PermissionDenied
    product = Product(**{k: v for k, v in data.items() if k in PRODUCT_FIELDS})
    product.full_clean()
    product.save()
    audit.record(
        "registry.product.created",
        actor=actor,
        obj=product,
        after=audit.snapshot(product, PRODUCT_FIELDS),
    )
    return product


# --- Excel import (registry/imports.py reads the file; these write it, all or nothing) ---

IMPORT_RATING_REASON = "Excel 导入"
IMPORT_RATING_SOURCE = "import"


class EntityImportError(Exception):
    """Rows that could not be created: (row index, field name or "", message)."""

    def __init__(self, errors: list[tuple[int, str, str]]):
        super().__init__(f"{len(errors)} import errors")
        self.errors = errors


def validation_messages(exc: ValidationError) -> list[tuple[str, str]]:
    """(field, message) pairs of a ValidationError; "" where no field is named."""
    if hasattr(exc, "error_dict"):
        return [
            ("" if field == "__all__" else field, str(message))
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [("", str(message)) for message in exc.messages]


def validate_new_entity(data: Mapping[str, Any]) -> Entity:
    """The model checks create_entity makes, without saving: lets an import report every
    problem of every row before anything is written."""
    entity = Entity(**{k: v for k, v in data.items() if k in ENTITY_FIELDS})
    _clean_entity(entity)
    return entity


def _import_one(actor: User, data: Mapping[str, Any], source: str) -> Entity:
    entity = create_entity(actor=actor, data=data, source=source)
    for kind, field in ((RatingKind.RISK, "risk_grade"), (RatingKind.CREDIT, "credit_class")):
        value = data.get(field) or ""
        if not value:
            continue
        if not can_set_ratings(actor):
            raise ValidationError({field: _("只有股室负责人可以设置风险等级和信用分类")})
        set_rating(
            actor=actor,
            entity=entity,
            kind=kind,
            value=value,
            reason=IMPORT_RATING_REASON,
            source=IMPORT_RATING_SOURCE,
        )
        entity.refresh_from_db(fields=[field, "updated_at"])
    return entity


@transaction.atomic
def import_entities(
    *, actor: User, rows: Sequence[Mapping[str, Any]], source: str = "import"
) -> list[Entity]:
    """Create every row through create_entity (same checks, same audit rows) and set its
    risk grade / credit class with a rating change; if any row fails, nothing is written
    and EntityImportError lists the problems of every row."""
    created: list[Entity] = []
    errors: list[tuple[int, str, str]] = []
    for index, data in enumerate(rows):
        try:
            created.append(_import_one(actor, data, source))
        except ValidationError as exc:
            errors.extend((index, field, message) for field, message in validation_messages(exc))
        except PermissionDenied as exc:
            errors.append((index, "subdistrict", str(exc) or _("不在您的管辖范围内")))
        except IntegrityError:
            errors.append((index, "uscc", _("该统一社会信用代码已登记")))
    if errors:
        raise EntityImportError(errors)  # leaving the atomic block rolls every row back
    return created
