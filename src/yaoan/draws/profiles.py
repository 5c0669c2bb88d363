"""The writers of inspector profiles and conflicts of interest: each is one transaction with
its audit record. A conflict is never deleted, only removed with a reason (S17)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.common.errors import INVALID, invalid
from yaoan.core import audit
from yaoan.core.enums import Role
from yaoan.core.models import Subdistrict, User
from yaoan.draws.enums import ConflictKind
from yaoan.draws.models import InspectorConflict, InspectorProfile
from yaoan.draws.rules import can_declare_own_conflict, can_manage_draws
from yaoan.draws.services import _require_manager
from yaoan.registry.models import Entity
from yaoan.registry.queries import entities_visible_to


@transaction.atomic
def record_conflict(
    *, actor: User, inspector: User, entity: Entity, kind: str, note: str = ""
) -> InspectorConflict:
    own = actor.pk == inspector.pk and can_declare_own_conflict(actor)
    if not (own or can_manage_draws(actor)):
        raise PermissionDenied(_("只有股室负责人或检查员本人可以登记回避事由。"))
    if not entities_visible_to(actor).filter(pk=entity.pk).exists():
        raise PermissionDenied(_("该监管对象不在您的管辖范围内。"))
    if not inspector.has_role(Role.INSPECTOR):
        raise invalid(INVALID, _("只能为检查员登记回避事由。"), field="inspector")
    if kind not in ConflictKind.values:
        raise invalid(INVALID, _("请选择回避事由。"), field="kind")
    if InspectorConflict.objects.filter(
        inspector=inspector, entity=entity, is_removed=False
    ).exists():
        raise invalid(INVALID, _("该检查员与该对象的回避事由已登记。"), field="entity")
    conflict = InspectorConflict.objects.create(
        inspector=inspector,
        entity=entity,
        kind=kind,
        note=note.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit.record(
        "draws.conflict.recorded",
        actor=actor,
        obj=conflict,
        after=audit.snapshot(conflict, ["inspector_id", "entity_id", "kind", "note"]),
    )
    return conflict


@transaction.atomic
def remove_conflict(*, actor: User, conflict: InspectorConflict, reason: str) -> None:
    """Soft removal with a reason: the record stays for the auditor (S17)."""
    _require_manager(actor)
    if not reason.strip():
        raise invalid(INVALID, _("撤销回避事由须填写原因。"), field="reason")
    conflict = InspectorConflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.is_removed:
        raise invalid(INVALID, _("该回避事由已撤销。"))
    conflict.is_removed = True
    conflict.removed_reason = reason.strip()
    conflict.removed_by = actor
    conflict.removed_at = timezone.now()
    conflict.save(update_fields=["is_removed", "removed_reason", "removed_by", "removed_at"])
    audit.record(
        "draws.conflict.removed",
        actor=actor,
        obj=conflict,
        reason=conflict.removed_reason,
        before={"is_removed": False},
        after={"is_removed": True},
    )


def _profile_snapshot(profile: InspectorProfile) -> dict[str, Any]:
    return {
        "badge_number": profile.badge_number,
        "home_subdistrict_id": profile.home_subdistrict_id,
        "posted_subdistricts": sorted(profile.posted_subdistricts.values_list("pk", flat=True)),
    }


@transaction.atomic
def save_profile(
    *,
    actor: User,
    user: User,
    badge_number: str,
    home_subdistrict: Subdistrict | None,
    posted_subdistricts: Iterable[Subdistrict],
) -> InspectorProfile:
    _require_manager(actor)
    if not user.has_role(Role.INSPECTOR):
        raise invalid(INVALID, _("只能为检查员建档。"))
    profile = InspectorProfile.objects.select_for_update().filter(user=user).first()
    created = profile is None
    if profile is None:
        profile = InspectorProfile(user=user)
        before: dict[str, Any] = {}
    else:
        before = _profile_snapshot(profile)
    profile.badge_number = badge_number.strip().upper()
    profile.home_subdistrict = home_subdistrict
    profile.full_clean()
    profile.save()
    profile.posted_subdistricts.set(list(posted_subdistricts))
    after = _profile_snapshot(profile)
    if created:
        audit.record("draws.profile.created", actor=actor, obj=profile, after=after)
    else:
        audit.record_update(
            "draws.profile.updated", actor=actor, obj=profile, before=before, after=after
        )
    return profile
