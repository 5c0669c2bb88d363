"""The writers of personal data's keys and the audited reveal (S10, S12).

``reveal`` is the one way a page shows a full value: a registered model says who may see
which of its fields (``register_revealable``), the reader gives a reason, and the audit
row names the field, the object and the reason — never the value.

``rotate_keys`` adds a new current key and re-seals every personal field with it, in one
transaction, audited; old keys stay in the ring until ``prune_keys`` finds nothing sealed
with them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from yaoan.core import audit
from yaoan.core.actors import os_user
from yaoan.core.models import User
from yaoan.core.pii.crypto import key_id_of
from yaoan.core.pii.fields import PersonalDataField, personal_fields
from yaoan.core.pii.keyring import (
    KeyRing,
    KeyRingError,
    current_ring,
    forget_ring,
    ring_path,
    write_ring,
)

REVEAL_REASON_MAX = 200
CHUNK = 2000


# --- the reveal -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Revealable:
    """How the reveal page finds an object for a user (scoped: raises Http404 or
    PermissionDenied) and whether the user may see its personal fields."""

    model: type[models.Model]
    fields: tuple[str, ...]
    get_object: Callable[[User, int], models.Model]
    may_reveal: Callable[[User, models.Model], bool]


_REVEALABLE: dict[str, Revealable] = {}


def register_revealable(
    model: type[models.Model],
    fields: tuple[str, ...],
    *,
    get_object: Callable[[User, int], models.Model],
    may_reveal: Callable[[User, models.Model], bool],
) -> None:
    personal = {f.name for f in personal_fields(model)}
    if not set(fields) <= personal:
        raise ValueError(f"{model._meta.label}: {set(fields) - personal} are not personal data")
    _REVEALABLE[model._meta.label_lower] = Revealable(model, fields, get_object, may_reveal)


def revealable(label: str, field: str) -> Revealable | None:
    spec = _REVEALABLE.get(label)
    return spec if spec is not None and field in spec.fields else None


def may_reveal(user: User, obj: models.Model, field: str) -> bool:
    spec = revealable(obj._meta.label_lower, field)
    return spec is not None and user.is_authenticated and spec.may_reveal(user, obj)


def field_label(obj: models.Model, field: str) -> str:
    return str(getattr(obj._meta.get_field(field), "verbose_name", field))


def refuse_reveal(
    *, actor: User, obj: models.Model, field: str, reason: str = ""
) -> PermissionDenied:
    """Record a refused reveal (S14) and return the error to raise."""
    with transaction.atomic():
        audit.record(
            "core.pii.reveal_refused",
            actor=actor,
            obj=obj,
            success=False,
            after={"field": field},
            reason=reason,
        )
    return PermissionDenied(_("您无权查看该个人信息。"))


def reveal(*, actor: User, obj: models.Model, field: str, reason: str) -> str:
    """The full value of ``obj.field``, for a reader who may see it and says why."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError(_("请填写查看原因。"), code="reason_required")}
        )
    if len(reason) > REVEAL_REASON_MAX:
        message = _("查看原因不能超过 %(n)d 个字。") % {"n": REVEAL_REASON_MAX}
        raise ValidationError({"reason": ValidationError(message, code="reason_too_long")})
    if not may_reveal(actor, obj, field):
        raise refuse_reveal(actor=actor, obj=obj, field=field, reason=reason)
    with transaction.atomic():
        audit.record(
            "core.pii.revealed", actor=actor, obj=obj, after={"field": field}, reason=reason
        )
    return str(getattr(obj, field) or "")


# --- keys -------------------------------------------------------------------------------------


def _models_with_personal_data() -> Iterator[tuple[type[models.Model], list[PersonalDataField]]]:
    for model in apps.get_models():
        fields = personal_fields(model)
        if fields and not model._meta.proxy:
            yield model, fields


def key_usage() -> Counter[str]:
    """How many stored values each key id sealed (``""``: values not sealed at all)."""
    usage: Counter[str] = Counter()
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, fields in _models_with_personal_data():
            for field in fields:
                column = qn(field.column)
                # identifiers are the model's own, quoted
                cursor.execute(
                    f"SELECT {column} FROM {qn(model._meta.db_table)} "  # noqa: S608
                    f"WHERE {column} IS NOT NULL AND {column} <> ''"
                )
                for (stored,) in cursor.fetchall():
                    usage[key_id_of(stored) or ""] += 1
    return usage


def reseal_all() -> int:
    """Seal every stored personal value again with the current key; the number of rows."""
    rows = 0
    for model, fields in _models_with_personal_data():
        names = [f.name for f in fields]
        manager = model._base_manager
        pks = list(manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), CHUNK):
            objs = list(manager.filter(pk__in=pks[start : start + CHUNK]).only("pk", *names))
            manager.bulk_update(objs, names)
            rows += len(objs)
    return rows


def _file_ring() -> tuple[KeyRing, object]:
    path = ring_path()
    if path is None:
        raise KeyRingError(
            "the key ring comes from YAOAN_PII_KEYS: add a key to it in the secret store, "
            "make it current, restart, then run `yaoan pii reencrypt`"
        )
    forget_ring()
    return current_ring(), path


def rotate_keys(*, actor: User) -> tuple[str, int]:
    """A new current key, and every value re-sealed with it: (new key id, rows)."""
    ring, path = _file_ring()
    rotated = ring.with_new_key()
    write_ring(rotated, path)  # type: ignore[arg-type]
    forget_ring()
    with transaction.atomic():
        rows = reseal_all()
        audit.record(
            "core.pii.keys_rotated",
            actor=actor,
            object_type="core.pii_keyring",
            object_id=rotated.current,
            before={"current": ring.current},
            after={"current": rotated.current, "rows": rows, "os_user": os_user()},
        )
    return rotated.current, rows


def reencrypt(*, actor: User) -> int:
    """Re-seal with the ring's current key (after a rotation done in the secret store)."""
    forget_ring()
    with transaction.atomic():
        rows = reseal_all()
        audit.record(
            "core.pii.resealed",
            actor=actor,
            object_type="core.pii_keyring",
            object_id=current_ring().current,
            after={"rows": rows, "os_user": os_user()},
        )
    return rows


def prune_keys(*, actor: User) -> list[str]:
    """Drop the keys no stored value uses any more; the ids dropped."""
    ring, path = _file_ring()
    used = set(key_usage())
    unused = {k for k in ring.keys if k not in used and k != ring.current}
    if unused:
        write_ring(ring.without(unused), path)  # type: ignore[arg-type]
        forget_ring()
        with transaction.atomic():
            audit.record(
                "core.pii.keys_pruned",
                actor=actor,
                object_type="core.pii_keyring",
                object_id=ring.current,
                after={"dropped": sorted(unused), "os_user": os_user()},
            )
    return sorted(unused)
