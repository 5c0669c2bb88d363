"""Staff pages of penalty publication: the list of decided cases awaiting publication with
their 20-working-day clock (``?overdue=1`` for the overdue ones), what has been published,
and one publication — edit the summary, publish, record an exemption, withdraw."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaoan.cases import publication_services as services
from yaoan.cases.models import Case, PenaltyPublication
from yaoan.cases.publication_enums import PublicationStatus
from yaoan.cases.publication_forms import ExemptForm, PublicationForm, WithdrawForm
from yaoan.cases.publication_queries import (
    awaiting_publication,
    overdue_publications,
    publications_visible_to,
)
from yaoan.cases.publication_rules import READ_PUBLICATIONS, can_publish_for, can_withdraw_for
from yaoan.cases.queries import cases_visible_to
from yaoan.common.forms import add_service_errors
from yaoan.common.paging import EXACT_COUNT_PARAM, capped_page, page_number
from yaoan.core.access import allowed_user, visible_or_404
from yaoan.core.audit_log import action_label
from yaoan.core.models import AuditEvent

PAGE_SIZE = 50
OBJECT_TYPE = "cases.penaltypublication"
TABS = ("awaiting", "published", "withdrawn")


def publication_list_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_PUBLICATIONS)
    today = timezone.localdate()
    tab = request.GET.get("tab", "awaiting")
    tab = tab if tab in TABS else "awaiting"
    overdue = request.GET.get("overdue") == "1"
    rows: Any
    if tab == "awaiting":
        rows = overdue_publications(user, today) if overdue else awaiting_publication(user)
    else:
        status = PublicationStatus.PUBLISHED if tab == "published" else PublicationStatus.WITHDRAWN
        rows = (
            publications_visible_to(user)
            .filter(status=status)
            .select_related("case", "case__org_unit")
            .order_by("-published_at", "-id")
        )
    exact = request.GET.get(EXACT_COUNT_PARAM) == "exact"
    page = capped_page(rows, page_number(request.GET.get("page")), PAGE_SIZE, exact=exact)
    return render(
        request,
        "cases/publication/publication_list.html",
        {"page_obj": page, "tab": tab, "overdue": overdue, "today": today},
    )


def _case_in_scope(request: HttpRequest, user: Any, case_pk: int) -> Case:
    cases = cases_visible_to(user).select_related("entity", "org_unit")
    return visible_or_404(
        cases, case_pk, user=user, action="cases.access.denied", object_type="cases.case"
    )


@require_POST
def publication_prepare_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    user = allowed_user(request, READ_PUBLICATIONS)
    case = _case_in_scope(request, user, case_pk)
    try:
        publication = services.prepare_publication(case, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases:publication_list")
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("cases:publication_list")
    return redirect(publication)


def _publication(request: HttpRequest, user: Any, pk: int) -> PenaltyPublication:
    qs = publications_visible_to(user).select_related(
        "case", "case__org_unit", "case__entity", "published_by", "withdrawn_by"
    )
    return visible_or_404(
        qs, pk, user=user, action="cases.publication.access.denied", object_type=OBJECT_TYPE
    )


def _detail(
    request: HttpRequest,
    user: Any,
    publication: PenaltyPublication,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    may_publish = can_publish_for(user, publication.case.org_unit_id)
    pending = publication.status == PublicationStatus.PENDING
    history = AuditEvent.objects.filter(object_type=OBJECT_TYPE, object_id=str(publication.pk))
    context = {
        "history": [(e, action_label(e.action)) for e in history.order_by("seq")],
        "publication": publication,
        "case": publication.case,
        "may_edit": may_publish and pending,
        "may_withdraw": can_withdraw_for(user, publication.case.org_unit_id)
        and publication.status == PublicationStatus.PUBLISHED,
        "form": forms.get("form") or PublicationForm.for_publication(publication),
        "exempt_form": forms.get("exempt_form") or ExemptForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
    }
    return render(request, "cases/publication/publication_detail.html", context, status=status)


def publication_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_PUBLICATIONS)
    publication = _publication(request, user, pk)
    if request.method != "POST":
        return _detail(request, user, publication)
    form = PublicationForm.for_publication(publication, request.POST)
    if form.is_valid():
        try:
            services.update_publication(publication, actor=user, data=form.to_input())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            if request.POST.get("publish") != "1":
                messages.success(request, _("公示内容已保存"))
                return redirect(publication)
            return _publish(request, user, publication, form)
    return _detail(request, user, publication, 400, form=form)


def _publish(
    request: HttpRequest, user: Any, publication: PenaltyPublication, form: PublicationForm
) -> HttpResponse:
    try:
        services.publish_penalty(publication, actor=user)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _detail(request, user, publication, 400, form=form)
    messages.success(request, _("已在门户网站公示"))
    return redirect(publication)


@require_POST
def publication_exempt_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_PUBLICATIONS)
    publication = _publication(request, user, pk)
    form = ExemptForm(request.POST)
    if form.is_valid():
        try:
            services.exempt_publication(publication, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已登记为依法不予公示"))
            return redirect(publication)
    return _detail(request, user, publication, 400, exempt_form=form)


@require_POST
def publication_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_PUBLICATIONS)
    publication = _publication(request, user, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_publication(publication, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已从门户网站撤下"))
            return redirect(publication)
    return _detail(request, user, publication, 400, withdraw_form=form)
