"""Administrators' pages: the audit log (audit admin), accounts (system admin) and roles
(security admin), the working-day calendar (system admin). 三员 each see only their own."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.common import xlsx
from yaoan.core import audit, audit_log, rules, services
from yaoan.core.calendar import WorkingCalendar, package_years
from yaoan.core.forms import (
    AuditSearchForm,
    CalendarYearForm,
    DeadlineRuleForm,
    ReasonForm,
    RolesForm,
    UserCreateForm,
)
from yaoan.core.http import AuthenticatedHttpRequest
from yaoan.core.models import AuditEvent, CalendarYearOverride, DeadlineRule, HolidayOverride, User


def deny(request: AuthenticatedHttpRequest) -> PermissionDenied:
    """Audit a refusal (S14); the caller raises what this returns."""
    audit.record_refusal("core.access.denied", actor=request.user, path=request.path)
    return PermissionDenied()


def require(check: Callable[[Any], bool]) -> Callable[..., Any]:
    """Refuse (403) and audit the refusal when ``check(user)`` is false (S14)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise deny(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


AUDIT_EXPORT_MAX_ROWS = 100_000


def _searched_events(request: AuthenticatedHttpRequest) -> tuple[AuditSearchForm, Any]:
    form = AuditSearchForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_bound and not form.is_valid():
        return form, events.none()  # show the form's errors, not an unfiltered log
    return form, audit_log.search(events, form.cleaned_data if form.is_bound else {})


@require(rules.can_read_audit)
def audit_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, events = _searched_events(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    names = dict(
        User.objects.filter(pk__in={e.actor_id for e in page if e.actor_id}).values_list(
            "pk", "display_name"
        )
    )
    rows_named: dict[tuple[str, Any], str] = {}  # referenced rows looked up once per page
    rows = [
        {
            "event": e,
            "action_label": audit_log.action_label(e.action),
            "actor_name": names.get(e.actor_id, ""),
            "changes": audit_log.changes(e, rows_named),
        }
        for e in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page_obj": page, "rows": rows, "query": query.urlencode()}
    return render(request, "core/audit_list.html", context)


@require(rules.can_read_audit)
def audit_export_view(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The events the list shows for the same search, across all its pages, as .xlsx."""
    form, events = _searched_events(request)
    count = events.count()
    if count > AUDIT_EXPORT_MAX_ROWS:
        messages.error(
            request,
            _("符合条件的记录有 %(count)s 条，超过一次导出的上限 %(max)s 条，请缩小日期范围。")
            % {"count": count, "max": AUDIT_EXPORT_MAX_ROWS},
        )
        return redirect(f"{reverse('core:audit_list')}?{request.GET.urlencode()}")
    filters = {k: v for k, v in (form.cleaned_data.items() if form.is_bound else []) if v}
    handle = audit_log.export_audit(actor=request.user, events=events, filters=filters)
    return xlsx.xlsx_response(handle, _("审计日志.xlsx"))


@require(lambda u: rules.can_manage_accounts(u) or rules.can_manage_roles(u))
def user_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    users = User.objects.select_related("org_unit").prefetch_related("role_assignments")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/user_list.html",
        {
            "page_obj": page,
            "q": q,
            "now": timezone.now(),
            "can_create": rules.can_manage_accounts(request.user),
        },
    )


CREATE_ERROR_FIELDS = {"duplicate_username": "username"}


@require(rules.can_manage_accounts)
def user_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                actor=request.user,
                username=data["username"],
                display_name=data["display_name"],
                org_unit=data["org_unit"],
                roles=[],  # given by the security administrator (S8)
                password=data["password"],
            )
        except ValidationError as exc:
            for error in exc.error_list:
                form.add_error(CREATE_ERROR_FIELDS.get(str(error.code), "password"), error.message)
        else:
            return redirect("core:user_detail", pk=user.pk)
    return render(request, "core/user_form.html", {"form": form})


@require(lambda u: rules.can_manage_accounts(u) or rules.can_manage_roles(u))
def user_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User.objects.select_related("org_unit"), pk=pk)
    actor = request.user
    roles_form = RolesForm(initial={"roles": sorted(target.role_set)})
    reason_form = ReasonForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "roles" and rules.can_manage_roles(actor):
            roles_form = RolesForm(request.POST)
            if roles_form.is_valid():
                try:
                    services.set_roles(
                        actor=actor,
                        user=target,
                        roles=roles_form.cleaned_data["roles"],
                        reason=roles_form.cleaned_data["reason"],
                    )
                except ValidationError as exc:
                    roles_form.add_error("roles", exc.messages[0])
                else:
                    return redirect("core:user_detail", pk=pk)
        elif action in {
            "unlock",
            "deactivate",
            "activate",
            "force_logout",
        } and rules.can_manage_accounts(actor):
            reason_form = ReasonForm(request.POST)
            if reason_form.is_valid():
                reason = reason_form.cleaned_data["reason"]
                if action == "unlock":
                    services.unlock_user(actor=actor, user=target, reason=reason)
                elif action == "force_logout":
                    services.force_logout(actor=actor, user=target, reason=reason)
                else:
                    services.set_active(
                        actor=actor, user=target, active=action == "activate", reason=reason
                    )
                return redirect("core:user_detail", pk=pk)
        else:
            raise deny(request)
    return render(
        request,
        "core/user_detail.html",
        {
            "target": target,
            "roles_form": roles_form,
            "reason_form": reason_form,
            "can_roles": rules.can_manage_roles(actor),
            "can_accounts": rules.can_manage_accounts(actor),
            "sessions": services.live_sessions(target),
            "now": timezone.now(),
        },
    )


@require(rules.can_manage_calendar)
def calendar_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CalendarYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.load_calendar_year(
                actor=request.user,
                year=form.cleaned_data["year"],
                source=form.cleaned_data["source"],
                days=form.cleaned_data["parsed_days"],
            )
        except ValidationError as exc:
            form.add_error("days", exc.messages[0])
        else:
            return redirect("core:calendar")
    calendar = WorkingCalendar()
    today = timezone.localdate()
    next_year = today.year + 1
    return render(
        request,
        "core/calendar.html",
        {
            "form": form,
            "package_years": f"{min(package_years())}–{max(package_years())}",
            "override_years": CalendarYearOverride.objects.all(),
            "overrides": HolidayOverride.objects.filter(date__year__gte=today.year),
            "next_year_known": next_year in calendar.known_years(),
            "next_year": next_year,
            "rules": DeadlineRule.objects.all(),
        },
    )


@require(rules.can_manage_calendar)
def deadline_rule_view(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    rule = get_object_or_404(DeadlineRule, code=code)
    form = DeadlineRuleForm(
        request.POST or None, initial={"amount": rule.amount, "unit": rule.unit}
    )
    if request.method == "POST" and form.is_valid():
        services.update_deadline_rule(
            actor=request.user,
            rule=rule,
            amount=form.cleaned_data["amount"],
            unit=form.cleaned_data["unit"],
            reason=form.cleaned_data["reason"],
        )
        return redirect("core:calendar")
    return render(request, "core/deadline_rule_form.html", {"form": form, "rule": rule})
