"""Public pages (一公开, no sign-in): every draw with its commitment; once drawn, its seed,
the drawn entities (name and credit code) and inspectors by their per-draw codes only, the
downloadable document, and the verification outcome stored when the draw was executed.

Nothing here reads a person's name, badge number or any personal data, and an anonymous
visit neither loads the frozen pools nor re-derives the draw: the rows come from the
assignments (with the entity names frozen in the inputs) and the outcome from the draw.
Live re-verification is for ``yaoan draw verify`` and staff; anyone can do the same from
the downloaded document."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from yaoan.draws.messages import describe_problem
from yaoan.draws.models import Draw
from yaoan.draws.queries import published_document, published_draws, stored_report

PAGE_SIZE = 30
ROWS_PAGE_SIZE = 100
# the detail page shows the seed once drawn, so only the pools and the person map stay out
DETAIL_DEFERRED = ("inputs", "inspector_refs")


def _draw(pk: int, deferred: tuple[str, ...] = ()) -> Draw:
    draw = published_draws().defer(*deferred).filter(pk=pk).first()
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
    draw = _draw(pk, DETAIL_DEFERRED)
    # "draw" too: the related manager reads it on every row to link the row to this draw
    rows = draw.assignments.order_by("rank").only(
        "draw", "rank", "entity_key", "entity_name", "inspector_codes"
    )
    page = Paginator(rows, ROWS_PAGE_SIZE).get_page(request.GET.get("page"))
    report = stored_report(draw) if draw.is_drawn else None
    return render(
        request,
        "draws/public_detail.html",
        {
            "draw": draw,
            "seed": draw.seed if draw.is_drawn else None,
            "page_obj": page,
            "report": report,
            "problem": describe_problem(report.first) if report and report.first else "",
            "redrawn_as": Draw.objects.filter(redraw_of=draw).only("pk", "title").first(),
        },
    )


def public_draw_document_view(request: HttpRequest, pk: int) -> HttpResponse:
    draw = _draw(pk)
    body = json.dumps(published_document(draw), ensure_ascii=False, sort_keys=True, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draw-{draw.pk}.json"'
    return response
