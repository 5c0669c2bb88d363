"""Public pages (群众): the published results of random inspections (一公开), and the
complaint and report pages — submit one (anonymous reports accepted), see its receipt once,
and look up its progress with the receipt number and the lookup code. Nothing here needs a
sign-in, and nothing shows an inspector or any other person's data."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods

from yaoan.common.forms import add_service_errors
from yaoan.complaints.public_services import public_status, submit_public_complaint
from yaoan.core.enums import AttachmentLimit
from yaoan.core.middleware import client_ip
from yaoan.inspections.queries import published_results
from yaoan.portal import services
from yaoan.portal.forms import LookupForm, PublicComplaintForm
from yaoan.portal.queries import bureau_contact

PAGE_SIZE = 30
RECEIPT_KEY = "portal_receipt"  # the receipt waiting in the session to be shown once
SUBMITTED_FIELDS = (
    "kind",
    "product_class",
    "subject_name",
    "subject_address",
    "content",
    "anonymous",
    "reporter_name",
    "reporter_phone",
    "reporter_address",
)


def inspection_results_view(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:60]
    page = Paginator(published_results(q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/inspection_results.html",
        {
            "page_obj": page,
            "q": q,
            "querystring": request.GET.urlencode(),
            "bureau": bureau_contact(),
        },
    )


def _public_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render(request, template, {"bureau": bureau_contact(), **context}, status=status)
    add_never_cache_headers(response)  # a shared phone's back button shows nothing stale
    return response


@require_GET
def challenge_view(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(services.new_challenge())
    add_never_cache_headers(response)
    return response


def _status_of(form: PublicComplaintForm) -> int:
    too_large = any(
        error.code == AttachmentLimit.TOO_LARGE
        for error in form.errors.as_data().get("attachments", [])
    )
    return 413 if too_large else 400


@require_http_methods(["GET", "POST"])
def complaint_submit_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _public_page(request, "portal/complaint_form.html", {"form": PublicComplaintForm()})
    form = PublicComplaintForm(request.POST, request.FILES)
    try:
        services.check_rate(services.submit_limit(), client_ip(request))
        services.spend_challenge(request.POST.get("altcha", ""))
    except ValidationError as exc:
        form.is_valid()  # keep what the person typed, with the field errors if any
        add_service_errors(form, exc)
        status = 429 if services.is_rate_refusal(exc) else 400
        return _public_page(request, "portal/complaint_form.html", {"form": form}, status)
    if form.is_valid():
        try:
            receipt = submit_public_complaint(
                **{k: form.cleaned_data[k] for k in SUBMITTED_FIELDS},
                files=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session[RECEIPT_KEY] = {
                "number": receipt.number,
                "lookup_code": receipt.lookup_code,
            }
            return redirect("portal:complaint_receipt")
    return _public_page(request, "portal/complaint_form.html", {"form": form}, _status_of(form))


@require_GET
def complaint_receipt_view(request: HttpRequest) -> HttpResponse:
    """The receipt number and the lookup code, shown once: the session forgets them."""
    receipt = request.session.pop(RECEIPT_KEY, None)
    return _public_page(request, "portal/complaint_receipt.html", {"receipt": receipt})


@require_http_methods(["GET", "POST"])
def complaint_lookup_view(request: HttpRequest) -> HttpResponse:
    """By POST, so neither the number nor the code ends up in a URL or a log (S13). An
    unknown number and a wrong code get the same answer; every try counts towards the
    address's limit."""
    if request.method != "POST":
        return _public_page(request, "portal/complaint_lookup.html", {"form": LookupForm()})
    form = LookupForm(request.POST)
    context: dict[str, Any] = {"form": form}
    try:
        services.check_rate(services.lookup_limit(), client_ip(request))
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _public_page(request, "portal/complaint_lookup.html", context, 429)
    if form.is_valid():
        found = public_status(form.cleaned_data["number"], form.cleaned_data["lookup_code"])
        context.update(found=found, looked_up=True)
        if found is not None:
            context["form"] = LookupForm()
    return _public_page(request, "portal/complaint_lookup.html", context)
