"""Deadline pages: "my deadlines", the unit's list for chiefs (overdue first), and one
deadline with its extensions and suspensions and the forms that change them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form, ModelChoiceField
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaoan.common.paging import MAX_PAGE
from yaoan.core import deadlines, rules
from yaoan.core.deadline_forms import (
    DeadlineFilterForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    ResumeForm,
    SuspendForm,
)
from yaoan.core.enums import DeadlineState, ExtensionStatus, Role
from yaoan.core.http import AuthenticatedHttpRequest
from yaoan.core.models import Deadline, DeadlineExtension, OrgUnit
from yaoan.core.views_admin import deny

PAGE_SIZE = 50


def _filtered(
    request: AuthenticatedHttpRequest, rows: QuerySet[Deadline], default: str
) -> tuple[DeadlineFilterForm, QuerySet[Deadline]]:
    form = DeadlineFilterForm(request.GET or {"state": default})
    if not form.is_valid():
        return form, rows.none()
    state = form.cleaned_data["state"] or default
    if state == "live":
        rows = rows.filter(state__in=deadlines.LIVE)
    elif state != "all":
        rows = rows.filter(state=state)
    if form.cleaned_data["org_unit"]:
        rows = rows.filter(org_unit=form.cleaned_data["org_unit"])
    return form, rows


def _page(request: AuthenticatedHttpRequest, rows: QuerySet[Deadline]) -> Any:
    rows = rows.select_related("rule", "org_unit", "assignee").order_by("due_on", "id")
    raw = request.GET.get("page", "1")
    number = int(raw) if raw.isdigit() and int(raw) <= MAX_PAGE else 1
    return Paginator(rows, PAGE_SIZE).get_page(number)


def my_deadlines_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, rows = _filtered(request, Deadline.objects.filter(assignee=request.user), "live")
    return render(
        request,
        "core/deadlines.html",
        {"form": form, "page_obj": _page(request, rows), "title": _("我的期限"), "mine": True},
    )


def unit_deadlines_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A chief sees the deadlines of their own unit; a leader those of every unit."""
    user = request.user
    if not rules.can_see_unit_deadlines(user):
        raise deny(request)
    rows = Deadline.objects.all()
    if not user.has_role(Role.LEADER):
        rows = rows.filter(org_unit_id=user.org_unit_id)
    form, rows = _filtered(request, rows, DeadlineState.OVERDUE)
    if not user.has_role(Role.LEADER):
        field = form.fields["org_unit"]
        assert isinstance(field, ModelChoiceField)
        field.queryset = OrgUnit.objects.filter(id=user.org_unit_id or 0)
    return render(
        request,
        "core/deadlines.html",
        {"form": form, "page_obj": _page(request, rows), "title": _("本单位期限"), "mine": False},
    )


def _visible(request: AuthenticatedHttpRequest, pk: int) -> Deadline:
    deadline = get_object_or_404(
        Deadline.objects.select_related("rule", "org_unit", "assignee"), pk=pk
    )
    if not rules.can_manage_deadline(request.user, deadline):
        raise deny(request)
    return deadline


def deadline_detail_view(
    request: AuthenticatedHttpRequest, pk: int, posted: tuple[str, Form] | None = None
) -> HttpResponse:
    deadline = _visible(request, pk)
    pending = deadline.extensions.filter(status=ExtensionStatus.PENDING).first()
    user = request.user
    live = deadline.state in (DeadlineState.OPEN, DeadlineState.OVERDUE)
    shown = {
        "request": live and pending is None,
        "decide": pending is not None
        and pending.requested_by_id != user.pk
        and rules.can_approve_extension(user, deadline),
        "suspend": deadline.state == DeadlineState.OPEN,
        "resume": deadline.state == DeadlineState.SUSPENDED,
    }
    forms: dict[str, Form] = {
        "request": ExtensionRequestForm(),
        "decide": ExtensionDecisionForm(),
        "suspend": SuspendForm(),
        "resume": ResumeForm(),
    }
    refusal: list[str] = []
    if posted is not None:
        name, form = posted
        forms[name] = form
        if not shown[name]:  # the form is not on the page now: say why above it
            refusal = [str(e) for errors in form.errors.values() for e in errors]
    context = {
        "deadline": deadline,
        "extensions": deadline.extensions.select_related("rule", "requested_by", "decided_by"),
        "suspensions": deadline.suspensions.select_related("started_by", "ended_by"),
        "pending": pending,
        "shown": shown,
        "refusal": refusal,
        **{f"{name}_form": form for name, form in forms.items()},
    }
    return render(request, "core/deadline_detail.html", context)


def _act(
    request: AuthenticatedHttpRequest,
    pk: int,
    name: str,
    form_class: type[Form],
    action: Callable[[Deadline, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    deadline = _visible(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(deadline, form.cleaned_data)
        except ValidationError as exc:
            _attach(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("您没有执行此操作的权限"))
        else:
            messages.success(request, done)
            return redirect("core:deadline_detail", pk=deadline.pk)
    response = deadline_detail_view(request, pk, (name, form))
    response.status_code = 422
    return response


def _attach(form: Form, exc: ValidationError) -> None:
    """Put a service's refusal on the field it names, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error.message % (error.params or {}))
    else:
        for message in exc.messages:
            form.add_error(None, message)


@require_POST
def extension_request_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def go(deadline: Deadline, data: dict[str, Any]) -> object:
        rule = data.get("rule")
        return deadlines.request_extension(
            deadline,
            actor=request.user,
            reason=data["reason"],
            rule_code=rule.code if rule else None,
        )

    return _act(request, pk, "request", ExtensionRequestForm, go, _("已提交延期申请，待审批。"))


@require_POST
def extension_decide_view(
    request: AuthenticatedHttpRequest, pk: int, extension_pk: int
) -> HttpResponse:
    extension = get_object_or_404(DeadlineExtension, pk=extension_pk, deadline_id=pk)

    def go(deadline: Deadline, data: dict[str, Any]) -> object:
        return deadlines.decide_extension(
            extension, actor=request.user, approve=data["approve"], reason=data["reason"]
        )

    return _act(request, pk, "decide", ExtensionDecisionForm, go, _("已审批延期申请。"))


@require_POST
def suspend_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def go(deadline: Deadline, data: dict[str, Any]) -> object:
        return deadlines.suspend_deadline(
            deadline, actor=request.user, reason=data["reason"], start=data["start"]
        )

    return _act(request, pk, "suspend", SuspendForm, go, _("已中止计时。"))


@require_POST
def resume_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def go(deadline: Deadline, data: dict[str, Any]) -> object:
        return deadlines.resume_deadline(deadline, actor=request.user, end=data["end"])

    return _act(request, pk, "resume", ResumeForm, go, _("已恢复计时，期限已顺延。"))
