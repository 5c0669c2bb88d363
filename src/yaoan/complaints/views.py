"""The complaints pages, minimal (cmpui owns the full pages): the list of the records in
the reader's scope and one record. Views only read and call services."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yaoan.complaints.forms import ComplaintFilterForm
from yaoan.complaints.models import Complaint
from yaoan.complaints.queries import complaints_visible_to
from yaoan.complaints.rules import GUARDS, READ_COMPLAINT
from yaoan.complaints.workflow import COMPLAINT
from yaoan.core.access import allowed_user, visible_or_404
from yaoan.core.models import User
from yaoan.core.transitions import allowed_actions

PAGE_SIZE = 50
DENIED = "complaints.access.denied"


def visible_complaint(user: User, pk: int) -> Complaint:
    return visible_or_404(
        complaints_visible_to(user).select_related("org_unit", "created_by", "entity"),
        pk,
        user=user,
        action=DENIED,
        object_type="complaints.complaint",
    )


def complaint_list_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_COMPLAINT)
    form = ComplaintFilterForm(request.GET)
    # every column the page shows is joined here: the query count does not grow with rows
    records = complaints_visible_to(user).select_related("org_unit", "created_by")
    if form.is_valid() and form.cleaned_data["status"]:
        records = records.filter(status=form.cleaned_data["status"])
    page = Paginator(records.order_by("-received_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "complaints/complaint_list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring": request.GET.urlencode(),
        },
    )


def complaint_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_COMPLAINT)
    obj = visible_complaint(user, pk)
    return render(
        request,
        "complaints/complaint_detail.html",
        {"object": obj, "actions": allowed_actions(COMPLAINT, obj, user, guards=GUARDS)},
    )
