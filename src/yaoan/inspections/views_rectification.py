"""Rectification order pages: the list of orders in the user's grid and an order's page,
where the business's response and the re-inspection are recorded (S9 scoping as in
``views``)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.core.access import allowed_user
from yaoan.core.transitions import allowed_actions
from yaoan.inspections import rectification
from yaoan.inspections.enums import (
    RectificationStatus,
)
from yaoan.inspections.forms import (
    ReinspectionForm,
    ResponseForm,
)
from yaoan.inspections.queries import (
    overdue_rectifications,
    rectifications_visible_to,
)
from yaoan.inspections.rules import READ_INSPECTIONS
from yaoan.inspections.views import PAGE_SIZE, _post_action, visible_order
from yaoan.inspections.workflow import RECTIFICATION


def rectification_list_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_INSPECTIONS)
    today = timezone.localdate()
    qs = rectifications_visible_to(user).select_related("entity", "station", "inspection")
    status = request.GET.get("status", "")
    if request.GET.get("overdue"):
        qs = overdue_rectifications(qs, today)
    elif status in RectificationStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("status", "due_on", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "inspections/rectification_list.html",
        {
            "page_obj": page,
            "today": today,
            "status": status,
            "overdue": bool(request.GET.get("overdue")),
            "statuses": RectificationStatus.choices,
            "querystring": request.GET.urlencode(),
        },
    )


def rectification_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_INSPECTIONS)
    order = visible_order(user, pk)
    actions = {t.action for t in allowed_actions(RECTIFICATION, order, user)}
    data = request.POST if request.method == "POST" else None
    response_form = ResponseForm(data if data and "respond" in data else None)
    reinspection_form = ReinspectionForm(data if data and "reinspect" in data else None)
    if data and "respond" in data:
        done = _post_action(
            request,
            response_form,
            lambda d: rectification.record_rectification_response(
                actor=user, order=order, response=d["response"]
            ),
            _("已登记整改回复"),
            order,
        )
        if done:
            return done
    if data and "reinspect" in data:
        done = _post_action(
            request,
            reinspection_form,
            lambda d: rectification.record_reinspection(
                actor=user,
                order=order,
                passed=d["passed"],
                note=d["note"],
                new_deadline=None if d["passed"] else d["new_deadline"],
                working_days=None if d["passed"] else d["working_days"],
            ),
            _("已记录复查结果"),
            order,
        )
        if done:
            return done
    return render(
        request,
        "inspections/rectification_detail.html",
        {
            "order": order,
            "findings": list(order.inspection.findings.all()),
            "today": timezone.localdate(),
            "response_form": response_form,
            "reinspection_form": reinspection_form,
            "can_respond": "respond" in actions,
            "can_reinspect": "reinspect_passed" in actions,
            "due": order.due,
        },
    )
