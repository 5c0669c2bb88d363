"""Plan pages: plans by year, plan detail with filters and the station × quarter load
table, item edits with reasons, workflow, versions, history, exports (the frequency and
key-list rules' pages are in ``views_rules``).

Reading follows the data scope (a station sees its own items, S9); every change is the
section chief's and goes through plans.services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaoan.common import xlsx
from yaoan.common.forms import add_service_errors
from yaoan.common.labels import labelled_values, row_names
from yaoan.core.access import allowed_user, refusal, visible_or_404
from yaoan.core.models import User
from yaoan.core.rules import data_scope
from yaoan.core.scoping import visible_to
from yaoan.core.transitions import allowed_actions
from yaoan.plans import item_services, services
from yaoan.plans.documents import plan_document
from yaoan.plans.enums import PlanAction, PlanStatus
from yaoan.plans.exports import plan_workbook, quarter_text
from yaoan.plans.filtersets import PlanItemFilterSet
from yaoan.plans.forms import (
    MAX_YEAR,
    MIN_YEAR,
    CoverageYearForm,
    GeneratePlanForm,
    ItemAddForm,
    ItemEditForm,
    ReasonForm,
)
from yaoan.plans.models import AnnualPlan, PlanItem, PlanItemChange
from yaoan.plans.panels import coverage_context
from yaoan.plans.queries import (
    issuer_name,
    items_visible_to,
    load_totals,
    plan_title,
    plans_with_counts,
    station_loads,
    versions_with_diffs,
)
from yaoan.plans.rules import ACT_ON_PLAN, MANAGE_PLANS, READ_PLANS, can_manage_plans
from yaoan.plans.workflow import PLAN
from yaoan.registry.enums import CreditClass, EntityType, RiskGrade
from yaoan.registry.models import Entity

PAGE_SIZE = 50
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


DENIED = "plans.access.denied"


def _deny(request: HttpRequest, user: User) -> PermissionDenied:
    return refusal(request, user, DENIED)


def plan_actions_for(user: User, plan: AnnualPlan) -> list[str]:
    """The steps this user may take on this version (workflow.PLAN's permissions): a chief
    submits; the approver, never the version's author, approves or returns."""
    allowed = allowed_actions(PLAN, plan, user, guards=services.PLAN_GUARDS)
    return [t.action for t in allowed if t.action != PlanAction.SUPERSEDE]


def _error_message(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def visible_item(user: User, plan: AnnualPlan, item_pk: int) -> PlanItem:
    return visible_or_404(
        items_visible_to(user, plan).select_related("entity", "station", "plan"),
        item_pk,
        user=user,
        action=DENIED,
        object_type="plans.planitem",
    )


def _labels() -> dict[str, dict[str, str]]:
    return {
        "types": {k: str(v) for k, v in EntityType.choices},
        "risks": {k: str(v) for k, v in RiskGrade.choices},
        "credits": {k: str(v) for k, v in CreditClass.choices},
    }


# --- plans -----------------------------------------------------------------------------------


def plan_list_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_PLANS)
    plans = plans_with_counts(data_scope(user)).order_by("-year", "-version")
    years = sorted({p.year for p in plans}, reverse=True)
    by_year = [(year, [p for p in plans if p.year == year]) for year in years]
    return render(
        request,
        "plans/plan_list.html",
        {
            "by_year": by_year,
            "can_manage": can_manage_plans(user),
            "form": GeneratePlanForm(),
        },
    )


@require_POST
def plan_generate_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, MANAGE_PLANS)
    form = GeneratePlanForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("plans:plan_list")
    try:
        plan = services.generate_plan(
            year=form.cleaned_data["year"], actor=user, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        _error_message(request, exc)
        return redirect("plans:plan_list")
    messages.success(request, _("已生成 %(p)s 草稿。") % {"p": plan})
    return redirect(plan)


def plan_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_PLANS)
    plan = get_object_or_404(
        AnnualPlan.objects.select_related("approved_by", "submitted_by", "generated_by"), pk=pk
    )
    visible = items_visible_to(user, plan)
    filterset = PlanItemFilterSet(request.GET, queryset=visible)
    filtered = filterset.qs if filterset.is_valid() else visible.none()
    loads = station_loads(visible)
    page = Paginator(
        filtered.select_related("entity", "station").order_by(
            "station_id", "entity__name", "entity_id"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    labels = _labels()
    rows: list[Any] = list(page.object_list)
    page.object_list = rows  # labelled once, rendered from the same instances
    for item in rows:
        item.quarter_label = quarter_text(item)
        item.type_label = labels["types"].get(item.entity.entity_type, "")
        item.rating_label = f"{item.entity.risk_grade or '-'}/{item.entity.credit_class or '-'}"
    manager = can_manage_plans(user)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "title": plan_title(plan),
            "filterset": filterset,
            "page_obj": page,
            "loads": loads,
            "totals": load_totals(loads),
            "can_manage": manager,
            "actions": plan_actions_for(user, plan),
            "editable": manager and plan.status in (PlanStatus.DRAFT, PlanStatus.APPROVED),
            "reason_form": ReasonForm(),
            "scope_all": data_scope(user).everything,
        },
    )


@require_POST
def plan_transition_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = allowed_user(request, ACT_ON_PLAN)
    plan = get_object_or_404(AnnualPlan, pk=pk)
    if action not in (PlanAction.SUBMIT, PlanAction.APPROVE, PlanAction.RETURN):
        raise Http404
    try:
        services.transition_plan(
            actor=user, plan=plan, action=action, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        _error_message(request, exc)
    else:
        messages.success(request, _("已%(a)s。") % {"a": PlanAction(action).label})
    return redirect(plan)


@require_POST
def plan_revise_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, MANAGE_PLANS)
    plan = get_object_or_404(AnnualPlan, pk=pk)
    try:
        draft = services.start_revision(
            actor=user, plan=plan, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        _error_message(request, exc)
        return redirect(plan)
    messages.success(request, _("已创建修订草稿：%(p)s") % {"p": draft})
    return redirect(draft)


def _item_done(request: HttpRequest, plan: AnnualPlan, result_plan: AnnualPlan) -> HttpResponse:
    if result_plan.pk != plan.pk:
        messages.info(
            request,
            _("已批准的清单不能直接修改，已创建第%(v)s版草稿并在其中修改。")
            % {"v": result_plan.version},
        )
    else:
        messages.success(request, _("已保存。"))
    return redirect(result_plan)


def item_edit_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user = allowed_user(request, MANAGE_PLANS)
    plan = get_object_or_404(AnnualPlan, pk=pk)
    item = visible_item(user, plan, item_pk)
    initial = {
        "required_count": item.required_count,
        "q1": item.q1,
        "q2": item.q2,
        "q3": item.q3,
        "q4": item.q4,
        "station": item.station_id,
        "joint": item.joint,
    }
    form = ItemEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            edited = item_services.edit_item(
                actor=user,
                item=item,
                reason=form.cleaned_data["reason"],
                required_count=form.cleaned_data["required_count"],
                quarters=form.quarters(),
                station=form.cleaned_data["station"],
                joint=form.cleaned_data["joint"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _item_done(request, plan, edited.plan)
    return render(request, "plans/item_form.html", {"form": form, "plan": plan, "item": item})


def item_remove_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user = allowed_user(request, MANAGE_PLANS)
    plan = get_object_or_404(AnnualPlan, pk=pk)
    item = visible_item(user, plan, item_pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = item_services.remove_item(
                actor=user, item=item, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _item_done(request, plan, result)
    return render(
        request,
        "plans/confirm.html",
        {
            "form": form,
            "title": _("移出清单"),
            "subject": item.entity.name,
            "back_url": plan.get_absolute_url(),
        },
    )


def item_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, MANAGE_PLANS)
    plan = get_object_or_404(AnnualPlan, pk=pk)
    form = ItemAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entity = Entity.objects.filter(uscc=form.cleaned_data["uscc"], is_deleted=False).first()
        if entity is None:
            form.add_error("uscc", _("没有找到该统一社会信用代码的监管对象。"))
        else:
            try:
                item = item_services.add_item(
                    actor=user,
                    plan=plan,
                    entity=entity,
                    reason=form.cleaned_data["reason"],
                    required_count=form.cleaned_data["required_count"],
                    joint=form.cleaned_data["joint"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                if form.errors.get("entity"):
                    form.add_error("uscc", form.errors.pop("entity"))
            else:
                return _item_done(request, plan, item.plan)
    return render(request, "plans/item_add.html", {"form": form, "plan": plan})


def plan_versions_view(request: HttpRequest, year: int) -> HttpResponse:
    user = allowed_user(request, READ_PLANS)
    versions = versions_with_diffs(year, data_scope(user))
    if not versions:
        raise Http404
    return render(request, "plans/plan_versions.html", {"year": year, "versions": versions})


HISTORY_TYPE = "plans.planitem"  # the history's before/after hold a plan item's fields


def _dict_or_none(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def plan_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_PLANS)
    plan = get_object_or_404(AnnualPlan, pk=pk)
    changes = PlanItemChange.objects.filter(plan__year=plan.year).select_related(
        "entity__subdistrict", "changed_by", "plan"
    )
    changes = visible_to(user, changes, station="entity__subdistrict__station")
    page = Paginator(changes, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [(c, _dict_or_none(c.before), _dict_or_none(c.after)) for c in page]
    # the stations the changes name, read once for the page
    names = row_names(HISTORY_TYPE, [d for _c, b, a in shown for d in (b, a)])
    rows = [
        (
            c,
            labelled_values("plans.planitem", b, names),
            labelled_values("plans.planitem", a, names),
        )
        for c, b, a in shown
    ]
    return render(
        request, "plans/plan_history.html", {"plan": plan, "page_obj": page, "rows": rows}
    )


def coverage_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_PLANS)
    year, status = timezone.localdate().year, 200
    if request.GET.get("year"):
        form = CoverageYearForm(request.GET)
        if form.is_valid():
            year = form.cleaned_data["year"]
        else:
            # this year's page, with the reason the year asked for is not shown
            status = 400
            messages.error(
                request,
                _("年度须为 %(min)d～%(max)d 之间的整数，以下为本年度的覆盖情况。")
                % {"min": MIN_YEAR, "max": MAX_YEAR},
            )
    return render(request, "plans/coverage.html", coverage_context(user, year), status=status)


# --- exports ----------------------------------------------------------------------------------


def _export(
    request: HttpRequest,
    pk: int,
    file_format: str,
    build: Callable[[AnnualPlan, Any], HttpResponseBase],
) -> HttpResponseBase:
    user = allowed_user(request, READ_PLANS)
    plan = get_object_or_404(AnnualPlan, pk=pk)
    items = items_visible_to(user, plan)
    services.record_export(actor=user, plan=plan, file_format=file_format, items=items.count())
    return build(plan, items)


def plan_export_xlsx_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    def build(plan: AnnualPlan, items: Any) -> HttpResponseBase:
        title = plan_title(plan)
        handle = plan_workbook(plan, title, items, station_loads(items), creator=str(request.user))
        return xlsx.xlsx_response(handle, f"{title}-v{plan.version}.xlsx")

    return _export(request, pk, "xlsx", build)


def plan_export_docx_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    def build(plan: AnnualPlan, items: Any) -> HttpResponseBase:
        title = plan_title(plan)
        loads = station_loads(items)
        content = plan_document(plan, title, issuer_name(), items, loads, load_totals(loads))
        response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
        response["Content-Disposition"] = _attachment(f"{title}-v{plan.version}.docx")
        return response

    return _export(request, pk, "docx", build)


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(filename)}"
