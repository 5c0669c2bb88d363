"""Public pages (一公开, no sign-in): every draw with its commitment; once drawn, its seed,
the drawn entities (name and credit code) and inspectors by public code only, the
downloadable document, and the result of re-deriving it. Nothing here reads a person's
name or any personal data: all of it comes from the published document."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from yaoan.draws.messages import describe_problem
from yaoan.draws.models import Draw
from yaoan.draws.queries import published_document, published_draws, verify_draw

PAGE_SIZE = 30
ROWS_PAGE_SIZE = 100


def _draw(pk: int) -> Draw:
    draw = published_draws().filter(pk=pk).first()
    if draw is None:
        raise Http404
    return draw


def public_draw_list_view(request: HttpRequest) -> HttpResponse:
    qs = published_draws().only(
        "pk",
        "title",
        "kind",
        "status",
        "commitment",
        "created_at",
        "drawn_at",
        "pool_size",
        "sample_size",
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "draws/public_list.html", {"page_obj": page})


def public_draw_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    draw = _draw(pk)
    document = published_document(draw)
    names = {e["key"]: e["name"] for e in document["inputs"]["entities"]}
    rows = [
        {
            "rank": n,
            "key": row["key"],
            "name": names.get(row["key"], ""),
            "codes": row["inspectors"],
        }
        for n, row in enumerate((document["result"] or {}).get("entities", []), start=1)
    ]
    page = Paginator(rows, ROWS_PAGE_SIZE).get_page(request.GET.get("page"))
    report = verify_draw(draw) if draw.is_drawn else None
    return render(
        request,
        "draws/public_detail.html",
        {
            "draw": draw,
            "document": document,
            "page_obj": page,
            "report": report,
            "problem": describe_problem(report.first) if report and report.first else "",
            "redrawn_as": Draw.objects.filter(redraw_of=draw).only("pk", "title").first(),
            "rules": document["inputs"]["rules"],
            "inspector_count": len(document["inputs"]["inspectors"]),
        },
    )


def public_draw_document_view(request: HttpRequest, pk: int) -> HttpResponse:
    draw = _draw(pk)
    body = json.dumps(published_document(draw), ensure_ascii=False, sort_keys=True, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draw-{draw.pk}.json"'
    return response
