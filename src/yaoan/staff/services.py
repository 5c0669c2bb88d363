"""The only writers of staff records: profiles, qualifications (执法资格) and conflicts of
interest. Each is one transaction with its audit record; nothing is deleted: a conflict is
removed with a reason, a qualification revoked with a reason or replaced by its renewal
(S17). The subject inspector must be in the actor's scope (S9), whichever door the call
came through."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.common.errors import ILLEGAL_TRANSITION, INVALID, REASON_REQUIRED, invalid
from yaoan.core import audit
from yaoan.core.enums import Role
from yaoan.core.models import Subdistrict, User
from yaoan.core.transitions import require_transition, take
from yaoan.registry.enums import ProductClass
from yaoan.registry.models import Entity
from yaoan.registry.queries import entities_visible_to
from yaoan.staff.enums import ConflictKind, QualificationKind, QualificationStatus, StaffError
from yaoan.staff.models import InspectorConflict, InspectorProfile, Qualification
from yaoan.staff.rules import can_declare_own_conflict, can_manage_staff, covers_inspector
from yaoan.staff.workflow import QUALIFICATION

QUALIFICATION_AUDIT_FIELDS = [
    "holder_id",
    "kind",
    "certificate_number",
    "issuing_authority",
    "valid_from",
    "valid_until",
    "product_classes",
    "status",
    "renewal_of_id",
]


def _require_manager(actor: User, inspector: User) -> None:
    if not can_manage_staff(actor):
        raise PermissionDenied(_("只有股室负责人可以维护执法人员档案。"))
    if not covers_inspector(actor, inspector):
        raise PermissionDenied(_("该检查员不在您的管辖范围内。"))


def _require_inspector(user: User, field_name: str | None = None) -> None:
    if not user.has_role(Role.INSPECTOR):
        raise invalid(StaffError.NOT_INSPECTOR, _("只能为检查员建档。"), field=field_name)


# --- profiles ---------------------------------------------------------------------------


def _profile_snapshot(profile: InspectorProfile) -> dict[str, Any]:
    return {
        "badge_number": profile.badge_number,
        "home_subdistrict_id": profile.home_subdistrict_id,
        "posted_subdistricts": sorted(profile.posted_subdistricts.values_list("pk", flat=True)),
    }


def _fill_profile(
    profile: InspectorProfile,
    badge_number: str,
    home_subdistrict: Subdistrict | None,
    posted_subdistricts: Iterable[Subdistrict],
) -> None:
    profile.badge_number = badge_number.strip().upper()
    profile.home_subdistrict = home_subdistrict
    if not profile.badge_number:
        raise invalid(INVALID, _("请填写执法证/检查员证号。"), field="badge_number")
    profile.full_clean()
    profile.save()
    profile.posted_subdistricts.set(list(posted_subdistricts))


@transaction.atomic
def create_profile(
    *,
    actor: User,
    user: User,
    badge_number: str,
    home_subdistrict: Subdistrict | None = None,
    posted_subdistricts: Iterable[Subdistrict] = (),
) -> InspectorProfile:
    _require_manager(actor, user)
    _require_inspector(user)
    if InspectorProfile.objects.select_for_update().filter(user=user).exists():
        raise invalid(StaffError.DUPLICATE, _("该检查员已建档。"))
    profile = InspectorProfile(user=user)
    _fill_profile(profile, badge_number, home_subdistrict, posted_subdistricts)
    audit.record(
        "staff.profile.created", actor=actor, obj=profile, after=_profile_snapshot(profile)
    )
    return profile


@transaction.atomic
def update_profile(
    *,
    actor: User,
    profile: InspectorProfile,
    badge_number: str,
    home_subdistrict: Subdistrict | None = None,
    posted_subdistricts: Iterable[Subdistrict] = (),
) -> InspectorProfile:
    profile = InspectorProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    _require_manager(actor, profile.user)
    before = _profile_snapshot(profile)
    _fill_profile(profile, badge_number, home_subdistrict, posted_subdistricts)
    after = _profile_snapshot(profile)
    audit.record_update(
        "staff.profile.updated", actor=actor, obj=profile, before=before, after=after
    )
    return profile


def save_profile(
    *,
    actor: User,
    user: User,
    badge_number: str,
    home_subdistrict: Subdistrict | None = None,
    posted_subdistricts: Iterable[Subdistrict] = (),
) -> InspectorProfile:
    """The profile page's one form: create the profile, or update the one there is."""
    profile = InspectorProfile.objects.filter(user=user).first()
    if profile is None:
        return create_profile(
            actor=actor,
            user=user,
            badge_number=badge_number,
            home_subdistrict=home_subdistrict,
            posted_subdistricts=posted_subdistricts,
        )
    return update_profile(
        actor=actor,
        profile=profile,
        badge_number=badge_number,
        home_subdistrict=home_subdistrict,
        posted_subdistricts=posted_subdistricts,
    )


# --- qualifications ---------------------------------------------------------------------


def _check_dates(valid_from: dt.date, valid_until: dt.date) -> None:
    if valid_until < valid_from:
        raise invalid(StaffError.DATES, _("有效期至不能早于有效期自。"), field="valid_until")


def _check_product_classes(product_classes: Iterable[str]) -> list[str]:
    chosen = sorted({str(c) for c in product_classes})
    unknown = [c for c in chosen if c not in ProductClass.values]
    if unknown:
        raise invalid(
            INVALID,
            _("未知的产品类别：%(codes)s。") % {"codes": "、".join(unknown)},
            field="product_classes",
        )
    return chosen


def _check_number_free(kind: str, number: str, except_pk: int | None = None) -> None:
    taken = Qualification.objects.filter(
        kind=kind, certificate_number=number, status=QualificationStatus.ACTIVE
    )
    if except_pk is not None:
        taken = taken.exclude(pk=except_pk)
    if taken.exists():
        raise invalid(
            StaffError.DUPLICATE,
            _("证书编号 %(n)s 已登记在有效的证书中。") % {"n": number},
            field="certificate_number",
        )


@transaction.atomic
def add_qualification(
    *,
    actor: User,
    holder: User,
    certificate_number: str,
    issuing_authority: str,
    valid_from: dt.date,
    valid_until: dt.date,
    kind: str = QualificationKind.ENFORCEMENT,
    product_classes: Iterable[str] = (),
) -> Qualification:
    _require_manager(actor, holder)
    _require_inspector(holder)
    if kind not in QualificationKind.values:
        raise invalid(INVALID, _("请选择证书类别。"), field="kind")
    number = certificate_number.strip().upper()
    if not number:
        raise invalid(INVALID, _("请填写证书编号。"), field="certificate_number")
    if not issuing_authority.strip():
        raise invalid(INVALID, _("请填写发证机关。"), field="issuing_authority")
    _check_dates(valid_from, valid_until)
    _check_number_free(kind, number)
    qualification = Qualification.objects.create(
        holder=holder,
        kind=kind,
        certificate_number=number,
        issuing_authority=issuing_authority.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        product_classes=_check_product_classes(product_classes),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit.record(
        "staff.qualification.added",
        actor=actor,
        obj=qualification,
        after=audit.snapshot(qualification, QUALIFICATION_AUDIT_FIELDS),
    )
    return qualification


def _replacement(old: Qualification, actor: User, fields: dict[str, Any]) -> Qualification:
    return Qualification.objects.create(
        holder_id=old.holder_id,
        kind=old.kind,
        issuing_authority=old.issuing_authority,
        product_classes=list(old.product_classes),
        renewal_of=old,
        recorded_by=actor,
        recorded_at=timezone.now(),
        **fields,
    )


def renew_qualification(
    *,
    actor: User,
    qualification: Qualification,
    valid_from: dt.date,
    valid_until: dt.date,
    certificate_number: str = "",
) -> Qualification:
    """The "renew" row of workflow.QUALIFICATION: the renewed certificate is a new row and
    the old one stays, marked 已换证. Returns the new certificate."""
    _require_manager(actor, qualification.holder)
    # an already replaced or revoked certificate says so before its dates are looked at
    require_transition(QUALIFICATION, qualification.status, "renew")
    _check_dates(valid_from, valid_until)
    if valid_until <= qualification.valid_until:
        raise invalid(
            StaffError.DATES,
            _("换发后的有效期至须晚于原证书的 %(d)s。")
            % {"d": qualification.valid_until.isoformat()},
            field="valid_until",
        )
    number = certificate_number.strip().upper() or qualification.certificate_number
    fields = {"certificate_number": number, "valid_from": valid_from, "valid_until": valid_until}
    details: dict[str, Any] = {}  # filled by the update, read by the transition's audit event
    renewed: list[Qualification] = []

    def replace(locked: Any) -> list[str]:
        _check_number_free(locked.kind, number, except_pk=locked.pk)
        # the old row leaves "active" before its successor (often the same number) enters
        # it: one active certificate per number is a database constraint
        locked.status = QualificationStatus.RENEWED
        locked.save(update_fields=["status"])
        new = _replacement(locked, actor, fields)
        renewed.append(new)
        details.update(renewed_as=new.pk, **{k: str(v) for k, v in fields.items()})
        return []

    take(QUALIFICATION, qualification, "renew", actor=actor, update=replace, details=details)
    return renewed[0]


def revoke_qualification(
    *, actor: User, qualification: Qualification, reason: str
) -> Qualification:
    """The "revoke" row of workflow.QUALIFICATION: the row stays with its reason; a revoked
    执法证 keeps its holder out of draws."""
    if not reason.strip():
        raise invalid(REASON_REQUIRED, _("撤销证书须填写原因。"), field="reason")
    _require_manager(actor, qualification.holder)

    def stamp(locked: Any) -> list[str]:
        locked.revoked_reason = reason.strip()
        locked.revoked_by = actor
        locked.revoked_at = timezone.now()
        return ["revoked_reason", "revoked_by", "revoked_at"]

    revoked = take(QUALIFICATION, qualification, "revoke", actor=actor, reason=reason, update=stamp)
    assert isinstance(revoked, Qualification)
    return revoked


# --- conflicts of interest --------------------------------------------------------------


@transaction.atomic
def record_conflict(
    *, actor: User, inspector: User, entity: Entity, kind: str, note: str = ""
) -> InspectorConflict:
    own = actor.pk == inspector.pk and can_declare_own_conflict(actor)
    if not (own or can_manage_staff(actor)):
        raise PermissionDenied(_("只有股室负责人或检查员本人可以登记回避事由。"))
    if not own and not covers_inspector(actor, inspector):
        raise PermissionDenied(_("该检查员不在您的管辖范围内。"))
    if not entities_visible_to(actor).filter(pk=entity.pk).exists():
        raise PermissionDenied(_("该监管对象不在您的管辖范围内。"))
    if not inspector.has_role(Role.INSPECTOR):
        raise invalid(StaffError.NOT_INSPECTOR, _("只能为检查员登记回避事由。"), field="inspector")
    if kind not in ConflictKind.values:
        raise invalid(INVALID, _("请选择回避事由。"), field="kind")
    if InspectorConflict.objects.filter(
        inspector=inspector, entity=entity, is_removed=False
    ).exists():
        raise invalid(StaffError.DUPLICATE, _("该检查员与该对象的回避事由已登记。"), field="entity")
    conflict = InspectorConflict.objects.create(
        inspector=inspector,
        entity=entity,
        kind=kind,
        note=note.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit.record(
        "staff.conflict.recorded",
        actor=actor,
        obj=conflict,
        after=audit.snapshot(conflict, ["inspector_id", "entity_id", "kind", "note"]),
    )
    return conflict


@transaction.atomic
def remove_conflict(*, actor: User, conflict: InspectorConflict, reason: str) -> InspectorConflict:
    """Soft removal with a reason: the record stays for the auditor (S17)."""
    if not can_manage_staff(actor):
        raise PermissionDenied(_("只有股室负责人可以撤销回避事由。"))
    if not entities_visible_to(actor).filter(pk=conflict.entity_id).exists():
        raise PermissionDenied(_("该监管对象不在您的管辖范围内。"))
    if not reason.strip():
        raise invalid(REASON_REQUIRED, _("撤销回避事由须填写原因。"), field="reason")
    conflict = InspectorConflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.is_removed:
        raise invalid(ILLEGAL_TRANSITION, _("该回避事由已撤销。"))
    conflict.is_removed = True
    conflict.removed_reason = reason.strip()
    conflict.removed_by = actor
    conflict.removed_at = timezone.now()
    conflict.save(update_fields=["is_removed", "removed_reason", "removed_by", "removed_at"])
    audit.record(
        "staff.conflict.removed",
        actor=actor,
        obj=conflict,
        reason=conflict.removed_reason,
        before={"is_removed": False},
        after={"is_removed": True},
    )
    return conflict
