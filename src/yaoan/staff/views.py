"""Staff pages: the inspectors in the user's scope with their certificates, one inspector
with profile, qualifications and conflicts, and the forms that change them. Every queryset
is scoped (S9: a station sees its own inspectors); changes go through staff.services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.common.forms import add_service_errors
from yaoan.core.access import allowed_user, refusal, visible_or_404
from yaoan.core.models import OrgUnit, User
from yaoan.registry.queries import entities_visible_to
from yaoan.staff import services
from yaoan.staff.enums import QualificationKind
from yaoan.staff.forms import (
    ConflictForm,
    ProfileForm,
    QualificationForm,
    ReasonForm,
    RenewForm,
    StaffFilterForm,
    inspector_choices_for,
)
from yaoan.staff.models import InspectorConflict, InspectorProfile, Qualification
from yaoan.staff.queries import (
    EXPIRY_WARNING_DAYS,
    conflicts_visible_to,
    inspectors_visible_to,
    qualification_state,
    qualifications_visible_to,
    state_condition,
)
from yaoan.staff.rules import (
    MANAGE_STAFF,
    READ_STAFF,
    can_declare_own_conflict,
    can_manage_staff,
)

PAGE_SIZE = 50
DENIED = "staff.access.denied"


def _inspector(user: User, user_id: int) -> User:
    return visible_or_404(
        inspectors_visible_to(user), user_id, user=user, action=DENIED, object_type="core.user"
    )


def _qualification(user: User, pk: int) -> Qualification:
    return visible_or_404(
        qualifications_visible_to(user),
        pk,
        user=user,
        action=DENIED,
        object_type="staff.qualification",
    )


def _enforcement_certificates() -> Prefetch:
    return Prefetch(
        "qualifications",
        queryset=Qualification.objects.filter(kind=QualificationKind.ENFORCEMENT),
        to_attr="certificates",
    )


def filtered_inspectors(user: User, form: StaffFilterForm) -> QuerySet[User]:
    qs = inspectors_visible_to(user)
    if not form.is_valid():
        return qs
    data = form.cleaned_data
    if data["q"]:
        text = data["q"].strip()
        qs = qs.filter(
            Q(display_name__icontains=text)
            | Q(username__icontains=text)
            | Q(inspector_profile__badge_number__icontains=text)
        )
    if data["unit"]:
        qs = qs.filter(org_unit=data["unit"])
    if data["qualification"]:
        qs = qs.filter(state_condition(data["qualification"], timezone.localdate()))
    if data["profile"]:
        qs = qs.filter(inspector_profile__isnull=data["profile"] == "no")
    return qs


def _units_for(user: User) -> QuerySet[OrgUnit]:
    ids = inspectors_visible_to(user).values("org_unit_id")
    return OrgUnit.objects.filter(pk__in=ids).order_by("sort_order", "code")


def staff_list_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_STAFF)
    form = StaffFilterForm(request.GET or None, units=_units_for(user))
    inspectors = (
        filtered_inspectors(user, form)
        .select_related("inspector_profile__home_subdistrict")
        .prefetch_related("inspector_profile__posted_subdistricts", _enforcement_certificates())
    )
    page = Paginator(inspectors, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [_row(person, today) for person in page.object_list]
    missing = inspectors_visible_to(user).filter(inspector_profile__isnull=True).count()
    return render(
        request,
        "staff/staff_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "missing": missing,
            "days": EXPIRY_WARNING_DAYS,
            "can_manage": can_manage_staff(user),
        },
    )


def _row(person: User, today: Any) -> dict[str, Any]:
    certificates = person.certificates  # type: ignore[attr-defined]
    current = [c for c in certificates if c.is_current(today)]
    return {
        "user": person,
        "profile": getattr(person, "inspector_profile", None),
        "state": qualification_state(certificates, today),
        "valid_until": max((c.valid_until for c in current), default=None),
    }


def staff_detail_view(request: HttpRequest, user_id: int) -> HttpResponse:
    user = allowed_user(request, READ_STAFF)
    inspector = _inspector(user, user_id)
    profile = (
        InspectorProfile.objects.filter(user=inspector)
        .select_related("home_subdistrict")
        .prefetch_related("posted_subdistricts")
        .first()
    )
    qualifications = list(
        inspector.qualifications.select_related("recorded_by", "revoked_by", "renewal_of")
    )
    today = timezone.localdate()
    certificates = [q for q in qualifications if q.kind == QualificationKind.ENFORCEMENT]
    can_manage = can_manage_staff(user)
    return render(
        request,
        "staff/staff_detail.html",
        {
            "inspector": inspector,
            "profile": profile,
            "qualifications": qualifications,
            "state": qualification_state(certificates, today),
            "today": today,
            "conflicts": conflicts_visible_to(user).filter(inspector=inspector),
            "can_manage": can_manage,
            "qualification_form": QualificationForm() if can_manage else None,
        },
    )


def profile_edit_view(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = allowed_user(request, MANAGE_STAFF)
    inspector = _inspector(actor, user_id)
    profile = InspectorProfile.objects.filter(user=inspector).first()
    initial = (
        {
            "badge_number": profile.badge_number,
            "home_subdistrict": profile.home_subdistrict_id,
            "posted_subdistricts": list(profile.posted_subdistricts.all()),
        }
        if profile
        else {}
    )
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_profile(actor=actor, user=inspector, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("检查员档案已保存。"))
            return redirect("staff:staff_detail", inspector.pk)
    return render(request, "staff/profile_form.html", {"form": form, "inspector": inspector})


def qualification_add_view(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = allowed_user(request, MANAGE_STAFF)
    inspector = _inspector(actor, user_id)
    form = QualificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_qualification(actor=actor, holder=inspector, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("执法资格已登记。"))
            return redirect("staff:staff_detail", inspector.pk)
    return render(
        request,
        "staff/qualification_form.html",
        {"form": form, "inspector": inspector, "title": _("登记执法资格")},
    )


def _qualification_step(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    act: Callable[[User, Qualification, dict[str, Any]], object],
    done: str,
    title: str,
) -> HttpResponse:
    """A renewal or revocation: the certificate's form, the service, back to its holder."""
    actor = allowed_user(request, MANAGE_STAFF)
    qualification = _qualification(actor, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            act(actor, qualification, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("staff:staff_detail", qualification.holder_id)
    context = {"form": form, "inspector": qualification.holder, "qualification": qualification}
    return render(request, "staff/qualification_form.html", {**context, "title": title})


def qualification_renew_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _qualification_step(
        request,
        pk,
        RenewForm,
        lambda actor, q, data: services.renew_qualification(actor=actor, qualification=q, **data),
        _("已换发证书，原证书保留并标记为已换证。"),
        _("换发证书"),
    )


def qualification_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _qualification_step(
        request,
        pk,
        ReasonForm,
        lambda actor, q, data: services.revoke_qualification(
            actor=actor, qualification=q, reason=data["reason"]
        ),
        _("证书已撤销。"),
        _("撤销证书"),
    )


# --- conflicts ---------------------------------------------------------------------------


def conflict_list_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_STAFF)
    may_record = can_manage_staff(user) or can_declare_own_conflict(user)
    form = None
    if may_record:
        form = ConflictForm(
            request.POST or None,
            inspectors=inspector_choices_for(user, inspectors_visible_to(user)),
            entities=entities_visible_to(user),
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.record_conflict(
                    actor=user,
                    inspector=data["inspector"],
                    entity=data["entity_uscc"],
                    kind=data["kind"],
                    note=data["note"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("回避事由已登记。"))
                return redirect("staff:conflict_list")
    elif request.method == "POST":
        raise refusal(request, user, DENIED)
    show_removed = request.GET.get("removed") == "1"
    qs = conflicts_visible_to(user)
    if not show_removed:
        qs = qs.filter(is_removed=False)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/conflict_list.html",
        {
            "page_obj": page,
            "form": form,
            "show_removed": show_removed,
            "can_manage": can_manage_staff(user),
        },
    )


def conflict_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, MANAGE_STAFF)
    conflict: InspectorConflict = visible_or_404(
        conflicts_visible_to(user),
        pk,
        user=user,
        action=DENIED,
        object_type="staff.inspectorconflict",
    )
    if conflict.is_removed:
        raise Http404
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.remove_conflict(actor=user, conflict=conflict, reason=form.cleaned_data["reason"])
        messages.success(request, _("回避事由已撤销。"))
        return redirect("staff:conflict_list")
    return render(request, "staff/conflict_remove.html", {"form": form, "conflict": conflict})
