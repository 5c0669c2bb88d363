"""Scheduling pages: one inspection of an entity, the visits of an executed draw, and a
station's quarter of the approved annual plan (scoped as in ``views``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaoan.common.forms import add_service_errors
from yaoan.core.access import allowed_user
from yaoan.core.models import User
from yaoan.draws.rules import MANAGE_DRAWS
from yaoan.draws.views import visible_draw
from yaoan.inspections import plan_visits, scheduling
from yaoan.inspections.forms import FromPlanForm, ScheduleForm, row_id
from yaoan.inspections.queries import active_inspectors
from yaoan.inspections.rules import (
    JOINABLE_UNIT_KINDS,
    READ_INSPECTIONS,
    can_schedule_inspections,
    can_supervise_inspections,
)
from yaoan.inspections.views import _deny, _message_of
from yaoan.registry.models import Entity
from yaoan.registry.queries import entities_visible_to


def _schedulable_inspectors(entity: Entity) -> QuerySet[User]:
    """Inspectors of the entity's station and of district-wide units."""
    return (
        active_inspectors()
        .filter(Q(org_unit=entity.subdistrict.station) | Q(org_unit__kind__in=JOINABLE_UNIT_KINDS))
        .select_related("org_unit")
        .order_by("org_unit__code", "username")
    )


def inspection_create_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_INSPECTIONS)
    if not can_schedule_inspections(user):
        raise _deny(request, user)
    entity_id = request.GET.get("entity") or request.POST.get("entity")
    entity = (
        entities_visible_to(user)
        .select_related("subdistrict__station")
        .filter(pk=row_id(entity_id) or 0)
        .first()
    )
    if entity is None:
        messages.error(request, _("请先在监管对象页面选择要检查的对象"))
        return redirect("registry:entity_list")
    form = ScheduleForm(request.POST or None, inspectors=_schedulable_inspectors(entity))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = scheduling.schedule_inspection(
                actor=user,
                entity=entity,
                kind=data["kind"],
                scheduled_for=data["scheduled_for"],
                inspectors=list(data["inspectors"]),
                reason=data["reason"],
                campaign=data["campaign"],
                joint_department=data["joint_department"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(request, _("已安排检查：%(e)s") % {"e": entity.name})
            return redirect(inspection)
    return render(request, "inspections/inspection_create.html", {"form": form, "entity": entity})


@require_POST
def draw_execute_view(request: HttpRequest, pk: int) -> HttpResponse:
    """执行抽取 on the draw's page: publish the result and schedule the drawn visits."""
    user = allowed_user(request, MANAGE_DRAWS)
    draw = visible_draw(user, pk)
    try:
        draw = scheduling.execute_draw(actor=user, draw=draw)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("已抽取并公布种子和结果，已安排 %(n)d 次检查。") % {"n": draw.inspections.count()},
        )
    return redirect(draw)


def from_plan_view(request: HttpRequest) -> HttpResponse:
    """The chief turns a station's quarter of the approved annual plan into inspections."""
    user = allowed_user(request, READ_INSPECTIONS)
    if not can_supervise_inspections(user):
        raise _deny(request, user)
    form = FromPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = plan_visits.schedule_from_plan(
                actor=user,
                year=data["year"],
                quarter=data["quarter"],
                station=data["station"],
                joint_department=data["joint_department"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(
                request,
                _("已按年度重点检查清单安排 %(n)d 次检查（%(s)s，第%(q)d季度）")
                % {"n": done.scheduled, "s": data["station"].name, "q": data["quarter"]},
            )
            if done.skipped:
                messages.warning(
                    request,
                    _("以下对象已删除或已注销，未安排检查，请在年度清单中调整：%(names)s")
                    % {"names": "、".join(done.skipped)},
                )
            return redirect("inspections:inspection_list")
    return render(
        request,
        "inspections/confirm_form.html",
        {"form": form, "title": _("按年度清单安排检查"), "subject": "", "back": None},
    )
