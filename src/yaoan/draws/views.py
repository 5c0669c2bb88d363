"""Staff pages of draws: list, new, detail, execute, redraw, re-verify (inspector profiles
and conflicts are the staff app's pages). Every queryset is scoped to the user's org unit
(S9); changes go through draws.services. Staff see inspectors' names and badge numbers
next to the per-draw codes the public sees."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaoan.common.forms import add_service_errors
from yaoan.core.access import allowed_user, visible_or_404
from yaoan.core.models import User
from yaoan.core.transitions import allowed_actions
from yaoan.draws import services
from yaoan.draws.enums import DrawStatus
from yaoan.draws.extensions import last_inspectors_provider
from yaoan.draws.forms import DrawForm, RedrawForm, pool_filters_from, pool_filterset
from yaoan.draws.messages import describe_problem
from yaoan.draws.models import Draw
from yaoan.draws.queries import LIST_DEFERRED, assignment_rows, draws_visible_to, stored_report
from yaoan.draws.rules import MANAGE_DRAWS, READ_DRAWS, can_manage_draws
from yaoan.draws.specs import DrawSpec
from yaoan.draws.workflow import DRAW

PAGE_SIZE = 50
ASSIGNMENT_PAGE_SIZE = 100


DENIED = "draws.access.denied"


def visible_draw(user: User, pk: int, deferred: tuple[str, ...] = ()) -> Draw:
    """The draw if the user's scope covers it; a 404 (and an audit row) otherwise."""
    return visible_or_404(
        draws_visible_to(user)
        .select_related("partner_unit", "created_by", "drawn_by")
        .defer(*deferred),
        pk,
        user=user,
        action=DENIED,
        object_type="draws.draw",
    )


# --- draws ------------------------------------------------------------------------------------


def draw_list_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_DRAWS)
    qs = draws_visible_to(user).select_related("created_by", "partner_unit").defer(*LIST_DEFERRED)
    status = request.GET.get("status", "")
    if status in DrawStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "draws/draw_list.html",
        {
            "page_obj": page,
            "statuses": DrawStatus.choices,
            "status": status,
            "can_manage": can_manage_draws(user),
        },
    )


def draw_create_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, MANAGE_DRAWS)
    posted = request.method == "POST"
    form = DrawForm(request.POST if posted else None)
    filterset = pool_filterset(request.POST if posted else None)
    if posted and form.is_valid() and filterset.form.is_valid():
        data = form.cleaned_data
        spec = DrawSpec(
            title=data["title"],
            kind=data["kind"],
            selection_mode=data["selection_mode"],
            selection_value=data["selection_value"],
            inspector_units=list(data["inspector_units"]),
            pool_filters=pool_filters_from(filterset),
            inspectors_per_entity=data["inspectors_per_entity"],
            partner_unit=data["partner_unit"],
            rules=frozenset(data["rules"]),
            visits_from=data["visits_from"],
            visits_until=data["visits_until"],
        )
        try:
            draw = services.commit_draw(actor=user, spec=spec)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已冻结对象库并公示承诺值。"))
            return redirect(draw)
    return render(
        request,
        "draws/draw_form.html",
        {
            "form": form,
            "pool_form": filterset.form,
            "has_last_inspection_data": last_inspectors_provider() is not None,
        },
    )


def _staff_rows(draw: Draw, rows: Any) -> list[dict[str, Any]]:
    """Each row's inspectors in the published order: code, name and badge number."""
    people = {}
    for row in rows:
        for person in row.inspectors.all():
            people[person.pk] = person
    refs = draw.inspector_refs
    return [
        {
            "row": row,
            "inspectors": [
                {"code": code, "user": people.get(refs.get(code, 0))}
                for code in row.inspector_codes
            ],
        }
        for row in rows
    ]


def draw_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_DRAWS)
    draw = visible_draw(user, pk, deferred=("inputs",))
    rows = assignment_rows(draw).prefetch_related("inspectors__inspector_profile")
    page = Paginator(rows, ASSIGNMENT_PAGE_SIZE).get_page(request.GET.get("page"))
    report = stored_report(draw) if draw.is_drawn else None
    return render(
        request,
        "draws/draw_detail.html",
        {
            "draw": draw,
            "page_obj": page,
            "rows": _staff_rows(draw, list(page.object_list)),
            "report": report,
            "problem": describe_problem(report.first) if report and report.first else "",
            "can_manage": can_manage_draws(user),
            "actions": {
                t.action for t in allowed_actions(DRAW, draw, user, guards=services.DRAW_GUARDS)
            },
            "redrawn_as": Draw.objects.filter(redraw_of=draw).first(),
            "inspector_units": draw.inspector_units.all(),
        },
    )


@require_POST
def draw_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff's explicit re-verification: re-derive the draw now and store the outcome."""
    user = allowed_user(request, READ_DRAWS)
    draw = visible_draw(user, pk, deferred=("inputs",))
    try:
        report = services.reverify_draw(actor=user, draw=draw)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if report.ok:
            messages.success(request, _("已重新复核：结果与承诺值一致。"))
        else:
            assert report.first is not None
            messages.error(
                request,
                _("重新复核未通过：%(problem)s") % {"problem": describe_problem(report.first)},
            )
    return redirect(draw)


def draw_redraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, MANAGE_DRAWS)
    draw = visible_draw(user, pk)
    form = RedrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.redraw(actor=user, draw=draw, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已发起重新抽取，原抽取保留并标记为已取代。"))
            return redirect(new)
    return render(request, "draws/draw_redraw.html", {"draw": draw, "form": form})
