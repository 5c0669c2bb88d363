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
from yaoan.common.labels import row_names_of
from yaoan.core import (
    account_services,
    actors,
    audit,
    audit_log,
    calendar_services,
    rules,
    services,
    totp,
)
from yaoan.core.calendar import WorkingCalendar, package_years
from yaoan.core.forms import (
    AuditSearchForm,
    CalendarYearForm,
    DeadlineRuleForm,
    PasswordResetForm,
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
    # the rows the changes refer to, one query per model for the whole page
    rows_named = row_names_of(
        (e.object_type, values) for e in page for values in (e.before, e.after)
    )
    rows = [
        {
            "event": e,
            "action_label": audit_log.action_label(e.action),
            "actor_name": names.get(e.actor_id) or actors.label_of(e.actor_username),
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
    users = User.objects.people().select_related("org_unit").prefetch_related("role_assignments")
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


ACCOUNT_ACTIONS = {"unlock", "deactivate", "activate", "force_logout"}


def _account_action(actor: User, target: User, action: str, reason: str) -> None:
    if action == "unlock":
        services.unlock_user(actor=actor, user=target, reason=reason)
    elif action == "force_logout":
        services.force_logout(actor=actor, user=target, reason=reason)
    else:
        services.set_active(actor=actor, user=target, active=action == "activate", reason=reason)


def _credential_action(
    request: AuthenticatedHttpRequest, target: User, action: str
) -> tuple[bool, Any, str | None]:
    """Password reset (system admin), authenticator reset and enrolment code (security
    admin), S8. Returns (done, the bound form, a code to show once)."""
    actor = request.user
    if action == "reset_password":
        form: Any = PasswordResetForm(request.POST)
        if form.is_valid():
            account_services.reset_password(
                actor=actor,
                user=target,
                new_password=form.cleaned_data["new_password"],
                reason=form.cleaned_data["reason"],
            )
            return True, form, None
        return False, form, None
    form = ReasonForm(request.POST, prefix="otp")
    if not form.is_valid():
        return False, form, None
    issue = (
        account_services.reset_authenticator
        if action == "reset_otp"
        else account_services.issue_enrolment_code
    )
    return True, form, issue(actor=actor, user=target, reason=form.cleaned_data["reason"])


CREDENTIAL_ACTIONS = {
    "reset_password": rules.can_manage_accounts,
    "reset_otp": rules.can_manage_roles,
    "enrolment_code": rules.can_manage_roles,
}


@require(lambda u: rules.can_manage_accounts(u) or rules.can_manage_roles(u))
def user_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User.objects.people().select_related("org_unit"), pk=pk)
    actor = request.user
    forms: dict[str, Any] = {
        "roles_form": RolesForm(initial={"roles": sorted(target.role_set)}),
        "reason_form": ReasonForm(),
        "password_form": PasswordResetForm(),
        "otp_form": ReasonForm(prefix="otp"),
    }
    enrolment_code = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "roles" and rules.can_manage_roles(actor):
                form: Any = RolesForm(request.POST)
                forms["roles_form"] = form
                if form.is_valid():
                    services.set_roles(
                        actor=actor,
                        user=target,
                        roles=form.cleaned_data["roles"],
                        reason=form.cleaned_data["reason"],
                    )
                    return redirect("core:user_detail", pk=pk)
            elif action in ACCOUNT_ACTIONS and rules.can_manage_accounts(actor):
                form = forms["reason_form"] = ReasonForm(request.POST)
                if form.is_valid():
                    _account_action(actor, target, action, form.cleaned_data["reason"])
                    return redirect("core:user_detail", pk=pk)
            elif action in CREDENTIAL_ACTIONS and CREDENTIAL_ACTIONS[action](actor):
                done, form, enrolment_code = _credential_action(request, target, action)
                forms["password_form" if action == "reset_password" else "otp_form"] = form
                if done and enrolment_code is None:
                    return redirect("core:user_detail", pk=pk)
            else:
                raise deny(request)
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied) and not str(exc):
                raise
            text = "；".join(_messages_of(exc))
            if action == "roles":
                forms["roles_form"].add_error("roles", text)
            else:
                messages.error(request, text)
    return render(
        request,
        "core/user_detail.html",
        {
            "target": target,
            **forms,
            "enrolment_code": enrolment_code,
            "enrolled": totp.confirmed_device(target) is not None,
            "can_roles": rules.can_manage_roles(actor),
            "can_accounts": rules.can_manage_accounts(actor),
            "sessions": services.live_sessions(target),
            "now": timezone.now(),
        },
    )


def _messages_of(exc: ValidationError | PermissionDenied) -> list[str]:
    return exc.messages if isinstance(exc, ValidationError) else [str(exc)]


@require(rules.can_manage_calendar)
def calendar_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CalendarYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            calendar_services.load_calendar_year(
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
        calendar_services.update_deadline_rule(
            actor=request.user,
            rule=rule,
            amount=form.cleaned_data["amount"],
            unit=form.cleaned_data["unit"],
            reason=form.cleaned_data["reason"],
        )
        return redirect("core:calendar")
    return render(request, "core/deadline_rule_form.html", {"form": form, "rule": rule})
