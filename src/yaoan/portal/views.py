"""Public pages (群众): the published results of random inspections (一公开). Nothing here
needs a sign-in, and nothing shows an inspector or any other person's data."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yaoan.inspections.queries import published_results

PAGE_SIZE = 30


def inspection_results_view(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:60]
    page = Paginator(published_results(q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/inspection_results.html",
        {"page_obj": page, "q": q, "querystring": request.GET.urlencode()},
    )
