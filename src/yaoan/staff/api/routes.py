"""Staff API (read only): the inspectors in the user's scope with their certificates, and
one inspector with qualifications and conflicts. Routes validate and delegate: reads
through staff.queries (scoped, S9); the writes are the pages' (staff.services). Paging is
the registry's (``PageParams``, ``{count, page, page_size, results}``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from yaoan.common.api.paging import PageParams, page_of
from yaoan.common.api.schemas import ErrorOut, ValidationErrorOut
from yaoan.core.access import allowed_user, visible_or_404
from yaoan.core.models import User
from yaoan.staff.api.schemas import StaffDetailOut, StaffFilters, StaffPage
from yaoan.staff.enums import QualificationKind
from yaoan.staff.models import Qualification
from yaoan.staff.queries import (
    conflicts_visible_to,
    inspectors_visible_to,
    qualification_state,
    state_condition,
)
from yaoan.staff.rules import READ_STAFF

router = Router(tags=["执法人员"])
DENIED = "staff.access.denied"
ERRORS: dict[int | tuple[int, ...], Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _with_certificates(qs: QuerySet[User]) -> QuerySet[User]:
    return qs.select_related("inspector_profile").prefetch_related(
        "inspector_profile__posted_subdistricts",
        Prefetch(
            "qualifications",
            queryset=Qualification.objects.filter(kind=QualificationKind.ENFORCEMENT),
            to_attr="certificates",
        ),
    )


def _shape(person: User) -> dict[str, Any]:
    today = timezone.localdate()
    certificates = person.certificates  # type: ignore[attr-defined]
    profile = getattr(person, "inspector_profile", None)
    current = [c.valid_until for c in certificates if c.is_current(today)]
    return {
        "id": person.pk,
        "username": person.username,
        "display_name": person.display_name,
        "org_unit_id": person.org_unit_id,
        "profile": None
        if profile is None
        else {
            "badge_number": profile.badge_number,
            "home_subdistrict_id": profile.home_subdistrict_id,
            "posted_subdistrict_ids": sorted(s.pk for s in profile.posted_subdistricts.all()),
        },
        "qualification_state": qualification_state(certificates, today),
        "certificate_valid_until": max(current, default=None),
    }


@router.get(
    "/",
    response={200: StaffPage, **ERRORS, 422: ValidationErrorOut},
    summary="检查员列表",
    description="仅返回本人管辖范围内的在岗检查员（市场监管所只见本所）；含档案与执法证状态。",
)
def list_staff(
    request: HttpRequest, filters: Query[StaffFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    qs = inspectors_visible_to(allowed_user(request, READ_STAFF))
    if filters.q:
        text = filters.q.strip()
        qs = qs.filter(
            Q(display_name__icontains=text)
            | Q(username__icontains=text)
            | Q(inspector_profile__badge_number__icontains=text)
        )
    if filters.unit_id is not None:
        qs = qs.filter(org_unit_id=filters.unit_id)
    if filters.qualification:
        qs = qs.filter(state_condition(filters.qualification, timezone.localdate()))
    return page_of(_with_certificates(qs), paging, _shape)


@router.get(
    "/{user_id}",
    response={200: StaffDetailOut, **ERRORS},
    summary="检查员详情（档案、执法资格、回避事由）",
    description="管辖范围外的检查员返回 404，并记入审计日志。",
)
def get_staff(request: HttpRequest, user_id: int) -> dict[str, Any]:
    user = allowed_user(request, READ_STAFF)
    person = visible_or_404(
        _with_certificates(inspectors_visible_to(user)),
        user_id,
        user=user,
        action=DENIED,
        object_type="core.user",
    )
    conflicts = conflicts_visible_to(user).filter(inspector=person)
    return {
        **_shape(person),
        "qualifications": list(person.qualifications.all()),
        "conflicts": [
            {
                "id": c.pk,
                "entity_id": c.entity_id,
                "entity_name": c.entity.name,
                "kind": c.kind,
                "note": c.note,
                "recorded_at": c.recorded_at,
                "is_removed": c.is_removed,
                "removed_reason": c.removed_reason,
            }
            for c in conflicts
        ],
    }
