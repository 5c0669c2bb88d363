"""Reads: inspectors, profiles, qualifications and conflicts scoped to the user (S9: a
station sees its own inspectors, the district-wide units all), and the one rule of who may
be drawn that the draws app reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from yaoan.core.enums import Role
from yaoan.core.models import User
from yaoan.core.scoping import visible_to
from yaoan.registry.models import Entity
from yaoan.registry.queries import entities_visible_to
from yaoan.staff.enums import QualificationKind, QualificationState, QualificationStatus
from yaoan.staff.models import InspectorConflict, InspectorProfile, Qualification

# a certificate that runs out within this many days shows as expiring (list, panel)
EXPIRY_WARNING_DAYS = 60


def inspectors_visible_to(user: User) -> QuerySet[User]:
    """Active users holding the inspector role in the user's scope, profile or not."""
    # people only: a system actor (core.actors) is never offered, whatever its roles
    inspectors = User.objects.people().filter(role_assignments__role=Role.INSPECTOR, is_active=True)
    return (
        visible_to(user, inspectors, station="org_unit")
        .select_related("org_unit")
        .order_by("org_unit__sort_order", "username")
    )


def profiles_visible_to(user: User) -> QuerySet[InspectorProfile]:
    return InspectorProfile.objects.filter(
        user__in=inspectors_visible_to(user).values("pk")
    ).select_related("user__org_unit", "home_subdistrict")


def qualifications_visible_to(user: User) -> QuerySet[Qualification]:
    return Qualification.objects.filter(
        holder__in=inspectors_visible_to(user).values("pk")
    ).select_related("holder")


def conflicts_visible_to(user: User) -> QuerySet[InspectorConflict]:
    """A conflict names a business: it is seen by whoever sees the business."""
    return InspectorConflict.objects.filter(
        entity__in=entities_visible_to(user).values("pk")
    ).select_related("inspector", "entity", "recorded_by", "inspector__inspector_profile")


def current_certificates(on: dt.date) -> QuerySet[Qualification]:
    """Enforcement certificates (执法证) in force on the day."""
    return Qualification.objects.filter(
        kind=QualificationKind.ENFORCEMENT,
        status=QualificationStatus.ACTIVE,
        valid_from__lte=on,
        valid_until__gte=on,
    )


def drawable_condition(on: dt.date, user_field: str = "pk") -> Q:
    """Who may be drawn on the day, as a filter on users (``user_field`` is the path to the
    user's id): not someone whose 执法证 has lapsed. An inspector with no certificate on
    record at all stays drawable — profiles kept before the staff app recorded certificates
    — and the staff list flags them (未登记执法证) until one is entered."""
    holder = OuterRef(user_field)
    any_certificate = Qualification.objects.filter(
        holder=holder, kind=QualificationKind.ENFORCEMENT
    )
    current = current_certificates(on).filter(holder=holder)
    return ~Q(Exists(any_certificate)) | Q(Exists(current))


def drawable_profiles(unit_ids: Iterable[int], on: dt.date) -> QuerySet[InspectorProfile]:
    """The profiles a draw's inspector pool is made of: active inspectors of the units whose
    certificate has not lapsed on the day."""
    return (
        InspectorProfile.objects.filter(
            user__is_active=True,
            user__is_system_actor=False,  # core.actors: a job is never drawn
            user__role_assignments__role=Role.INSPECTOR,
            user__org_unit_id__in=list(unit_ids),
        )
        .filter(drawable_condition(on, "user_id"))
        .select_related("user__org_unit", "home_subdistrict")
        .prefetch_related("posted_subdistricts")
        .distinct()
    )


def conflicted_inspector_ids(entity: Entity, inspector_ids: Iterable[int]) -> set[int]:
    """Which of these inspectors have a recorded conflict with the entity (回避)."""
    return set(
        InspectorConflict.objects.filter(
            entity=entity, inspector_id__in=list(inspector_ids), is_removed=False
        ).values_list("inspector_id", flat=True)
    )


def qualification_state(certificates: Iterable[Qualification], on: dt.date) -> str:
    """The state a person reads for one inspector, from their enforcement certificates."""
    active = [
        c
        for c in certificates
        if c.kind == QualificationKind.ENFORCEMENT and c.status == QualificationStatus.ACTIVE
    ]
    if not active:
        lapsed = any(c.kind == QualificationKind.ENFORCEMENT for c in certificates)
        return QualificationState.EXPIRED if lapsed else QualificationState.MISSING
    current = [c for c in active if c.is_current(on)]
    if not current:
        return QualificationState.EXPIRED
    latest = max(c.valid_until for c in current)
    if latest <= on + dt.timedelta(days=EXPIRY_WARNING_DAYS):
        return QualificationState.EXPIRING
    return QualificationState.CURRENT


def state_condition(state: str, on: dt.date) -> Q:
    """The list filter for a state, as a filter on users (the same rule as
    ``qualification_state``)."""
    holder = OuterRef("pk")
    enforcement = Qualification.objects.filter(holder=holder, kind=QualificationKind.ENFORCEMENT)
    current = current_certificates(on).filter(holder=holder)
    beyond_warning = current.filter(valid_until__gt=on + dt.timedelta(days=EXPIRY_WARNING_DAYS))
    if state == QualificationState.MISSING:
        return ~Q(Exists(enforcement))
    if state == QualificationState.EXPIRED:
        return Q(Exists(enforcement)) & ~Q(Exists(current))
    if state == QualificationState.EXPIRING:
        return Q(Exists(current)) & ~Q(Exists(beyond_warning))
    if state == QualificationState.CURRENT:
        return Q(Exists(beyond_warning))
    return Q()


def expiring_certificates(user: User, on: dt.date) -> QuerySet[Qualification]:
    """Enforcement certificates in the user's scope that run out within the warning period
    and have not been renewed yet, soonest first."""
    return (
        qualifications_visible_to(user)
        .filter(
            kind=QualificationKind.ENFORCEMENT,
            status=QualificationStatus.ACTIVE,
            valid_until__gte=on,
            valid_until__lte=on + dt.timedelta(days=EXPIRY_WARNING_DAYS),
        )
        .order_by("valid_until", "pk")
    )
