"""Staff pages of 挂牌督办 and 提级办理: the list of supervised cases (running, overdue),
recording a higher unit's supervision on a case, one supervision with its clocks and
reports and the buttons its workflow allows (final report, 销号, send back, cancel), the
progress report form, and taking a case up to the bureau. Every write is
supervision_services'."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaoan.cases import supervision_services as services
from yaoan.cases.beyond_enums import SupervisionStatus
from yaoan.cases.beyond_forms import (
    EscalationForm,
    NoteForm,
    ReasonForm,
    SendBackForm,
    SupervisionFilterForm,
    SupervisionForm,
    SupervisionReportForm,
)
from yaoan.cases.beyond_queries import (
    DENIED,
    SUPERVISION_TYPE,
    only_overdue,
    supervision_list,
    supervisions_visible_to,
)
from yaoan.cases.beyond_rules import (
    READ_BEYOND,
    can_escalate_case,
    can_handle_case_beyond,
    can_report_supervision,
    can_supervise_case,
)
from yaoan.cases.beyond_workflow import CASE_SUPERVISION
from yaoan.cases.models import Case, CaseSupervision
from yaoan.cases.queries import visible_case
from yaoan.common.forms import add_service_errors
from yaoan.common.paging import EXACT_COUNT_PARAM, capped_page, page_number
from yaoan.core.access import allowed_user, refusal, visible_or_404
from yaoan.core.deadlines import deadlines_for
from yaoan.core.models import AuditEvent, OrgUnit, User
from yaoan.core.step_pages import offered_step, submitted
from yaoan.core.transitions import allowed_actions

PAGE_SIZE = 50
HISTORY_LABELS = {
    "cases.casesupervision.flagged": gettext_lazy("挂牌督办"),
    "cases.casesupervision.progress_reported": gettext_lazy("报送进展"),
    **{
        f"{CASE_SUPERVISION.name}.{t.verb or t.action}": t.label
        for t in CASE_SUPERVISION.transitions
    },
}


def visible_supervision(user: User, pk: int) -> CaseSupervision:
    return visible_or_404(
        supervisions_visible_to(user).select_related(
            "case", "case__org_unit", "case__lead_officer", "registered_by"
        ),
        pk,
        user=user,
        action=DENIED,
        object_type=SUPERVISION_TYPE,
    )


def supervision_list_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_BEYOND)
    form = SupervisionFilterForm(request.GET)
    rows = supervision_list(user)
    if not form.is_valid():
        rows = rows.none()
    else:
        if form.cleaned_data["status"]:
            rows = rows.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["overdue"]:
            rows = only_overdue(rows)
    exact = request.GET.get(EXACT_COUNT_PARAM) == "exact"
    page = capped_page(
        rows.order_by("-flagged_on", "-id"),
        page_number(request.GET.get("page")),
        PAGE_SIZE,
        exact=exact,
    )
    return render(request, "cases/supervision/list.html", {"form": form, "page_obj": page})


def supervision_create_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    user = allowed_user(request, READ_BEYOND)
    case = visible_case(user, case_pk, "org_unit", "entity")
    if not can_supervise_case(user, case):
        raise refusal(request, user, DENIED, _("您无权登记挂牌督办。"))
    form = SupervisionForm(request.POST or None, initial={"flagged_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            sup = services.flag_case(case, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("您无权执行此操作。"))
        else:
            messages.success(request, _("已登记挂牌督办"))
            return redirect(sup)
    return render(
        request,
        "cases/supervision/form.html",
        {"form": form, "case": case, "title": _("登记挂牌督办")},
    )


def supervision_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_BEYOND)
    sup = visible_supervision(user, pk)
    history = AuditEvent.objects.filter(
        object_type=SUPERVISION_TYPE, object_id=str(sup.pk), action__in=list(HISTORY_LABELS)
    ).order_by("seq")
    return render(
        request,
        "cases/supervision/detail.html",
        {
            "sup": sup,
            "case": sup.case,
            "reports": sup.reports.select_related("reported_by"),
            "deadlines": deadlines_for(sup).order_by("id"),
            "actions": allowed_actions(CASE_SUPERVISION, sup, user),
            "may_report": sup.status == SupervisionStatus.ACTIVE
            and can_report_supervision(user, sup),
            "history": [(e, HISTORY_LABELS.get(e.action, e.action)) for e in history],
        },
    )


def supervision_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    """报送进展 (a progress report; the final report is the workflow's step)."""
    user = allowed_user(request, READ_BEYOND)
    sup = visible_supervision(user, pk)
    if not can_report_supervision(user, sup):
        raise refusal(request, user, DENIED, _("您无权报送该案件的督办情况。"))
    form = SupervisionReportForm(
        request.POST or None, initial={"reported_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_progress(sup, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("您无权执行此操作。"))
        else:
            messages.success(request, _("已报送进展"))
            return redirect(sup)
    return render(
        request,
        "cases/supervision/form.html",
        {"form": form, "case": sup.case, "sup": sup, "title": _("报送进展")},
    )


Runner = Callable[[CaseSupervision, User, dict[str, Any]], Any]


@dataclass(frozen=True)
class Step:
    form: type[forms.Form]
    run: Runner


STEPS: dict[str, Step] = {
    "report_final": Step(
        SupervisionReportForm, lambda s, u, d: services.report_final(s, actor=u, **d)
    ),
    "lift": Step(NoteForm, lambda s, u, d: services.lift_supervision(s, actor=u, **d)),
    "send_back": Step(
        SendBackForm, lambda s, u, d: services.send_back_supervision(s, actor=u, **d)
    ),
    "cancel": Step(ReasonForm, lambda s, u, d: services.cancel_supervision(s, actor=u, **d)),
}


def supervision_step_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = allowed_user(request, READ_BEYOND)
    sup = visible_supervision(user, pk)
    step = STEPS.get(action)
    if step is None:
        raise Http404
    transition = offered_step(
        request,
        CASE_SUPERVISION,
        sup,
        action,
        user=user,
        denied_action=DENIED,
        stale=_("该督办当前状态为“%(s)s”，不能办理此步骤"),
        denied=_("您无权办理该督办的此步骤。"),
    )
    if isinstance(transition, HttpResponse):
        return transition
    form = step.form(request.POST if request.method == "POST" else None)
    done = _("已办理：%(a)s") % {"a": transition.label}
    if submitted(request, form, lambda data: step.run(sup, user, data), done=done):
        return redirect(sup)
    return render(
        request,
        "cases/supervision/form.html",
        {"form": form, "case": sup.case, "sup": sup, "title": transition.label},
    )


def _escalation_choices() -> tuple[Any, Any]:
    units = OrgUnit.objects.filter(is_active=True, kind__in=services.BUREAU_KINDS).order_by(
        "kind", "name"
    )
    people = User.objects.people().filter(is_active=True).select_related("org_unit")
    officers = [u.pk for u in people if services.may_handle_escalated_anywhere(u)]
    return units, people.filter(pk__in=officers).order_by("display_name")


def case_escalate_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    """提级办理: a bureau chief or leader takes a station's case up to the bureau."""
    user = allowed_user(request, READ_BEYOND)
    case: Case = visible_case(user, case_pk, "org_unit", "entity")
    if not can_escalate_case(user, case):
        raise refusal(request, user, DENIED, _("您无权决定提级办理。"))
    units, officers = _escalation_choices()
    form = EscalationForm(request.POST or None, units=units, officers=officers)
    if request.method == "POST" and form.is_valid():
        try:
            services.escalate_case(case, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("您无权执行此操作。"))
        else:
            messages.success(request, _("已提级办理"))
            return redirect(case)
    return render(
        request,
        "cases/supervision/form.html",
        {
            "form": form,
            "case": case,
            "title": _("提级办理"),
            "escalations": case.escalations.select_related("from_unit", "to_unit", "decided_by"),
        },
    )


def beyond_section(user: User, case: Case) -> dict[str, Any]:
    """The "移送与督办" section of a case's page (cases/transfer/_case_section.html): its
    transfers, supervisions and escalations, and the links the reader may follow."""
    return {
        "beyond": {
            "transfers": list(case.criminal_transfers.order_by("-proposed_at", "-id")),
            "supervisions": list(case.supervisions.order_by("-flagged_on", "-id")),
            "escalations": list(
                case.escalations.select_related("from_unit", "to_unit").order_by("-decided_at")
            ),
            "may_transfer": can_handle_case_beyond(user, case),
            "may_supervise": can_supervise_case(user, case),
            "may_escalate": can_escalate_case(user, case),
        }
    }
