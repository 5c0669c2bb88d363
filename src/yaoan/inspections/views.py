"""Inspection pages: the list with today's work, an inspection's page, what follows the
submission (cancel, amendments, escalation), publication of random-inspection results, and
the checklists themselves; the access helpers the other inspection pages share. Scheduling
is in ``views_scheduling``, the checklist on a phone (autosaved, offline-tolerant, photos,
submission with a second inspector's confirmation) in ``views_record``, rectification
follow-up in ``views_rectification``. Every queryset is scoped to the user's grid (S9)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaoan.common.forms import add_service_errors
from yaoan.core.access import allowed_user, refusal, visible_or_404
from yaoan.core.models import AuditEvent, User
from yaoan.core.transitions import allowed_actions
from yaoan.inspections import amendments, escalation, grading, photos, publication, scheduling
from yaoan.inspections.enums import AmendmentStatus, InspectionStatus, Severity
from yaoan.inspections.forms import (
    AmendForm,
    EscalateForm,
    InspectionFilterForm,
    ReasonForm,
    row_ids,
)
from yaoan.inspections.models import (
    Checklist,
    Finding,
    Inspection,
    InspectionAmendment,
    RectificationOrder,
)
from yaoan.inspections.queries import (
    due_today_for,
    inspections_visible_to,
    rectifications_visible_to,
    unpublished_results,
)
from yaoan.inspections.rules import READ_INSPECTIONS, can_inspect, can_supervise_inspections
from yaoan.inspections.workflow import INSPECTION
from yaoan.intake.models import IntakeItem
from yaoan.registry.queries import entities_visible_to

PAGE_SIZE = 50


DENIED = "inspections.access.denied"


def _deny(request: HttpRequest, user: User) -> PermissionDenied:
    return refusal(request, user, DENIED)


def visible_inspection(user: User, pk: int) -> Inspection:
    return visible_or_404(
        inspections_visible_to(user).select_related(
            "entity__subdistrict", "station", "checklist", "joint_department"
        ),
        pk,
        user=user,
        action=DENIED,
        object_type="inspections.inspection",
    )


def visible_order(user: User, pk: int) -> RectificationOrder:
    return visible_or_404(
        rectifications_visible_to(user).select_related("entity", "inspection", "station"),
        pk,
        user=user,
        action=DENIED,
        object_type="inspections.rectification",
    )


def _message_of(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, PermissionDenied):
        return str(exc) or _("您无权执行此操作。")
    return "；".join(exc.messages)


# --- list ---------------------------------------------------------------------------------


def inspection_list_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_INSPECTIONS)
    form = InspectionFilterForm(request.GET or None)
    qs = inspections_visible_to(user).select_related("entity", "station")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(Q(entity__name__icontains=data["q"]) | Q(number__icontains=data["q"]))
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["mine"]:
            qs = qs.filter(team__inspector=user)
    page = Paginator(qs.order_by("-scheduled_for", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "form": form,
            "page_obj": page,
            "due_today": list(due_today_for(user, today)) if can_inspect(user) else [],
            "can_supervise": can_supervise_inspections(user),
            "querystring": request.GET.urlencode(),
        },
    )


# --- detail --------------------------------------------------------------------------------


AMENDMENT_EVENTS = (
    "inspections.inspection.amended",
    "inspections.inspection.amendment_proposed",
    "inspections.inspection.amendment_approved",
    "inspections.inspection.amendment_rejected",
)


def _history(inspection: Inspection) -> QuerySet[AuditEvent]:
    """Changes after submission with their reasons (S17), for everyone who sees the record."""
    return AuditEvent.objects.filter(
        object_type="inspections.inspection",
        object_id=str(inspection.pk),
        action__in=AMENDMENT_EVENTS,
    ).order_by("seq")


def _findings_with_intake(inspection: Inspection) -> list[Finding]:
    """The findings, each with ``handed_on``: the intake items it became."""
    findings = list(inspection.findings.select_related("item"))
    items = IntakeItem.objects.filter(
        source_app="inspections", source_kind="finding", source_id__in=[str(f.pk) for f in findings]
    ).order_by("id")
    by_finding: dict[str, list[IntakeItem]] = {}
    for item in items:
        by_finding.setdefault(item.source_id, []).append(item)
    for finding in findings:
        finding.handed_on = by_finding.get(str(finding.pk), [])  # type: ignore[attr-defined]
    return findings


def inspection_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_INSPECTIONS)
    inspection = visible_inspection(user, pk)
    team = list(inspection.team.select_related("inspector__org_unit"))
    on_team = any(m.inspector_id == user.pk for m in team)
    records = {r.item_id: r for r in inspection.records.all()}
    items = [(i, records.get(i.pk)) for i in inspection.checklist.items.all()]
    allowed = allowed_actions(INSPECTION, inspection, user)
    actions = {t.action for t in allowed}
    pending = (
        inspection.amendments.filter(status=AmendmentStatus.PENDING)
        .select_related("proposed_by")
        .first()
    )
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "team": team,
            "items": items,
            "findings": _findings_with_intake(inspection),
            "photos": list(photos.photos_of(inspection)),
            "order": RectificationOrder.objects.filter(inspection=inspection).first(),
            "history": list(_history(inspection)),
            "pending": pending,
            "can_decide": pending is not None
            and can_supervise_inspections(user)
            and pending.proposed_by_id != user.pk,
            # start and submit are the record page's actions (workflow.INSPECTION)
            "can_record": bool(actions & {"start", "submit"}),
            "can_amend": inspection.status == InspectionStatus.SUBMITTED
            and (on_team or can_supervise_inspections(user)),
            "can_supervise": can_supervise_inspections(user),
            "can_cancel": "cancel" in actions,
            "actions": allowed,
            "serious": Severity.CRITICAL,
        },
    )


# --- after submission ----------------------------------------------------------------------


def _post_action(request: HttpRequest, form: Any, action: Any, done: str, back: Any) -> Any:
    """Run a service from a posted form; on success a message and a redirect."""
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(request, done)
            return redirect(back)
    return None


def inspection_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_INSPECTIONS)
    inspection = visible_inspection(user, pk)
    if not can_supervise_inspections(user):
        raise _deny(request, user)
    form = ReasonForm(request.POST or None)
    done = _post_action(
        request,
        form,
        lambda d: scheduling.cancel_inspection(
            actor=user, inspection=inspection, reason=d["reason"]
        ),
        _("检查已取消"),
        inspection,
    )
    return done or render(
        request,
        "inspections/confirm_form.html",
        {"form": form, "title": _("取消检查"), "subject": inspection, "back": inspection},
    )


def inspection_amend_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_INSPECTIONS)
    inspection = visible_inspection(user, pk)
    form = AmendForm(request.POST or None, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            amendment = amendments.amend_inspection(
                actor=user,
                inspection=inspection,
                reason=data["reason"],
                summary=data["summary"],
                severities=form.severities(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(request, _amended_message(amendment))
            return redirect(inspection)
    return render(
        request,
        "inspections/confirm_form.html",
        {"form": form, "title": _("提交后修改"), "subject": inspection, "back": inspection},
    )


def _amended_message(amendment: InspectionAmendment | None) -> str:
    if amendment is None:
        return _("修改已保存，原值和原因已记录")
    return _("更正已提交，待股室负责人审批后生效")


@require_POST
def amendment_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The chief approves or rejects a pending amendment from the inspection's page."""
    user = allowed_user(request, READ_INSPECTIONS)
    amendment = get_object_or_404(InspectionAmendment, pk=pk)
    inspection = visible_inspection(user, amendment.inspection_id)
    approve = request.POST.get("approve") == "1"
    try:
        amendments.decide_amendment(
            actor=user, amendment=amendment, approve=approve, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, _message_of(exc))
    else:
        messages.success(request, _("已批准更正") if approve else _("已驳回更正"))
    return redirect(inspection)


def finding_escalate_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_INSPECTIONS)
    finding = get_object_or_404(Finding.objects.select_related("inspection"), pk=pk)
    inspection = visible_inspection(user, finding.inspection_id)
    if not can_supervise_inspections(user):
        raise _deny(request, user)
    form = EscalateForm(request.POST or None, initial={"summary": finding.description})
    done = _post_action(
        request,
        form,
        lambda d: escalation.escalate_finding(
            actor=user, finding=finding, targets=d["targets"], summary=d["summary"]
        ),
        _("已移交"),
        inspection,
    )
    return done or render(
        request,
        "inspections/confirm_form.html",
        {"form": form, "title": _("移交问题"), "subject": finding, "back": inspection},
    )


# --- publication (一公开) -------------------------------------------------------------------


def publication_list_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_INSPECTIONS)
    today = timezone.localdate()
    pending = unpublished_results(inspections_visible_to(user)).select_related("entity", "station")
    if request.method == "POST":
        if not can_supervise_inspections(user):
            raise _deny(request, user)
        chosen = pending.filter(pk__in=row_ids(request.POST.getlist("inspection")))
        try:
            count = publication.publish_results(actor=user, inspections=list(chosen))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _message_of(exc))
        else:
            messages.success(request, _("已公示 %(n)d 条抽查结果") % {"n": count})
        return redirect("inspections:publication_list")
    rows: list[Any] = list(pending.order_by("due_on", "id"))
    return render(
        request,
        "inspections/publication_list.html",
        {
            "rows": rows,
            "today": today,
            "overdue": sum(bool(r.due_on and r.due_on < today) for r in rows),
            "can_publish": can_supervise_inspections(user),
        },
    )


# --- checklists and risk -------------------------------------------------------------------


def checklist_list_view(request: HttpRequest) -> HttpResponse:
    allowed_user(request, READ_INSPECTIONS)
    checklists = Checklist.objects.filter(is_current=True).prefetch_related("items")
    return render(request, "inspections/checklist_list.html", {"checklists": checklists})


@require_POST
def entity_risk_recompute_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_INSPECTIONS)
    entity = visible_or_404(
        entities_visible_to(user), pk, user=user, action=DENIED, object_type="registry.entity"
    )
    try:
        grade, _basis = grading.recompute_risk_grade(actor=user, entity=entity)
    except PermissionDenied as exc:
        messages.error(request, _message_of(exc))
    else:
        if grade is None:
            messages.info(request, _("近期无已完成的检查，风险等级未变"))
        else:
            messages.success(request, _("按检查记录评定为 %(g)s 级") % {"g": grade})
    return redirect(entity)
