"""Public pages of 行政处罚信息公示: the list of published penalty information (search by
the party's name, credit code or 文号) and one publication's summary. Only what staff
published and is within its term; withdrawn information answers 404 like a missing one.
Nothing about a person beyond the masked name of a natural-person party."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from yaoan.cases.publication_queries import public_penalties, public_penalty
from yaoan.portal.queries import bureau_contact

PAGE_SIZE = 30


@require_GET
def penalty_list_view(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:60]
    rows = public_penalties(q, today=timezone.localdate())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/penalty_list.html",
        {
            "page_obj": page,
            "q": q,
            "querystring": request.GET.urlencode(),
            "bureau": bureau_contact(),
        },
    )


@require_GET
def penalty_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    publication = public_penalty(pk, today=timezone.localdate())
    if publication is None:
        raise Http404
    return render(
        request,
        "portal/penalty_detail.html",
        {"p": publication, "bureau": bureau_contact()},
    )
