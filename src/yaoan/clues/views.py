"""The clues pages: the inbox (filters, overdue, paged, a fixed number of queries however
many rows), one clue with the buttons of the steps the user may take now, a clue entered
by hand, a monitoring push, each step's form, and taking an intake item over. Views only
read and call services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaoan.clues import prompts, services
from yaoan.clues.enums import ClueStatus
from yaoan.clues.forms import (
    AssignForm,
    CloseForm,
    ClueFilterForm,
    ClueRegisterForm,
    FeedbackForm,
    FileCaseForm,
    PushForm,
    ReasonForm,
    ReassignForm,
    TransferForm,
    VerifyForm,
)
from yaoan.clues.models import Clue
from yaoan.clues.queries import assignable_officers, clues_visible_to, inbox, only_overdue
from yaoan.clues.rules import (
    READ_CLUES,
    RECORD_PUSH,
    REGISTER_CLUE,
    can_record_push,
    can_register_clue,
)
from yaoan.clues.workflow import CLUE, VERIFICATION
from yaoan.common.errors import INVALID, invalid
from yaoan.common.forms import add_service_errors
from yaoan.core.access import allowed_user, refusal, visible_or_404
from yaoan.core.deadlines import LIVE, current_deadline, deadlines_for
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import AuditEvent, OrgUnit, User
from yaoan.core.rules import can_manage_deadline
from yaoan.core.scoping import visible_to
from yaoan.core.transitions import allowed_actions
from yaoan.intake.queries import intake_visible_to
from yaoan.registry.models import Entity
from yaoan.registry.queries import entities_visible_to

PAGE_SIZE = 50
DENIED = "clues.access.denied"
# steps taken elsewhere: the push sends the prompt; the feedback form picks its outcome
HIDDEN_ACTIONS = ("send_prompt", "feedback_for_case")
HISTORY_LABELS = {
    "clues.clue.registered": gettext_lazy("登记"),
    **{f"{CLUE.name}.{t.verb or t.action}": t.label for t in CLUE.transitions},
}


def visible_clue(user: User, pk: int) -> Clue:
    return visible_or_404(
        clues_visible_to(user).select_related(
            "entity", "org_unit", "assignee", "verified_by", "decided_by", "created_by"
        ),
        pk,
        user=user,
        action=DENIED,
        object_type="clues.clue",
    )


def units_for(user: User, kinds: tuple[str, ...]) -> QuerySet[OrgUnit]:
    units = OrgUnit.objects.filter(kind__in=kinds).order_by("kind", "name")
    return visible_to(user, units, station="pk") if kinds == (OrgUnitKind.STATION,) else units


def _station_units(user: User) -> QuerySet[OrgUnit]:
    return units_for(user, (OrgUnitKind.STATION,))


def _handling_units(user: User) -> QuerySet[OrgUnit]:
    stations = _station_units(user)
    sections = OrgUnit.objects.filter(kind=OrgUnitKind.SECTION)
    return OrgUnit.objects.filter(Q(pk__in=stations) | Q(pk__in=sections)).order_by("kind", "name")


def filtered(user: User, data: Any) -> tuple[ClueFilterForm, QuerySet[Clue]]:
    form = ClueFilterForm(data, units=_station_units(user))
    qs = inbox(user)
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            qs = qs.filter(
                Q(number__icontains=d["q"])
                | Q(subject_name__icontains=d["q"])
                | Q(entity__name__icontains=d["q"])
            )
        for name in ("status", "source"):
            if d[name]:
                qs = qs.filter(**{name: d[name]})
        if d["station"]:
            qs = qs.filter(org_unit=d["station"])
        if d["mine"]:
            qs = qs.filter(assignee=user)
        if d["overdue"]:
            qs = only_overdue(qs)
    return form, qs.order_by("-received_on", "-id")


def clue_list_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_CLUES)
    form, qs = filtered(user, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "clues/clue_list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring": request.GET.urlencode(),
            "may_register": can_register_clue(user),
            "may_push": can_record_push(user),
        },
    )


def page_actions(clue: Clue, user: User) -> list[Any]:
    found = allowed_actions(CLUE, clue, user, guards=services.GUARDS)
    return [t for t in found if t.action not in HIDDEN_ACTIONS]


def clue_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_CLUES)
    clue = visible_clue(user, pk)
    verification = current_deadline(clue, VERIFICATION)
    history = AuditEvent.objects.filter(object_type="clues.clue", object_id=str(clue.pk))
    return render(
        request,
        "clues/clue_detail.html",
        {
            "clue": clue,
            "push": getattr(clue, "push", None),
            "deadlines": list(deadlines_for(clue).select_related("assignee").order_by("id")),
            "may_extend": verification is not None
            and verification.state in LIVE
            and can_manage_deadline(user, verification),
            "actions": page_actions(clue, user),
            "history": [
                (e, HISTORY_LABELS.get(e.action, e.action)) for e in history.order_by("seq")
            ],
        },
    )


def _entity(user: User, code: str) -> Entity | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    entity = entities_visible_to(user).filter(uscc=code).first()
    if entity is None:
        raise invalid(
            INVALID, _("没有统一社会信用代码为 %(c)s 的监管对象") % {"c": code}, field="entity_code"
        )
    return entity


def _form_page(
    request: HttpRequest, form: forms.Form, title: str, clue: Clue | None = None
) -> HttpResponse:
    return render(request, "clues/clue_form.html", {"form": form, "title": title, "clue": clue})


def clue_register_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, REGISTER_CLUE)
    form = ClueRegisterForm(request.POST or None, units=_handling_units(user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            clue = services.register_clue(
                actor=user,
                source=d["source"],
                source_label=d["source_label"],
                summary=d["summary"],
                received_on=d["received_on"],
                entity=_entity(user, d["entity_code"]),
                subject_name=d["subject_name"],
                org_unit=d["org_unit"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记线索 %(n)s") % {"n": clue.number})
            return redirect(clue)
    return _form_page(request, form, _("登记线索"))


def push_create_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, RECORD_PUSH)
    form = PushForm(request.POST or None, units=_station_units(user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            clue = prompts.record_online_push(
                actor=user,
                data=prompts.PushInput(
                    reference=d["reference"],
                    monitored_on=d["monitored_on"],
                    platform=d["platform"],
                    shop_name=d["shop_name"],
                    shop_url=d["shop_url"],
                    product=d["product"],
                    suspected_issue=d["suspected_issue"],
                    entity=_entity(user, d["entity_code"]),
                    station=d["station"],
                ),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已下发工作提示单：%(c)s") % {"c": clue})
            return redirect(clue)
    return _form_page(request, form, _("登记网络监测推送"))


def _officers(clue: Clue) -> dict[str, Any]:
    return {"officers": assignable_officers(clue)}


STEPS: dict[str, tuple[type[forms.Form], Callable[[Clue, User, dict[str, Any]], Any]]] = {
    "assign": (
        AssignForm,
        lambda c, u, d: services.assign_clue(c, actor=u, assignee=d["assignee"]),
    ),
    "reassign": (
        ReassignForm,
        lambda c, u, d: services.reassign_clue(
            c, actor=u, assignee=d["assignee"], reason=d["reason"]
        ),
    ),
    "verify": (
        VerifyForm,
        lambda c, u, d: services.verify_clue(
            c, actor=u, findings=d["findings"], violation_found=d["violation_found"]
        ),
    ),
    "reopen": (ReasonForm, lambda c, u, d: services.reopen_clue(c, actor=u, reason=d["reason"])),
    "close": (
        CloseForm,
        lambda c, u, d: services.close_clue(
            c, actor=u, closure_reason=d["closure_reason"], note=d["note"]
        ),
    ),
    "file_case": (FileCaseForm, lambda c, u, d: services.file_for_case(c, actor=u, note=d["note"])),
    "transfer": (
        TransferForm,
        lambda c, u, d: services.transfer_clue(
            c, actor=u, kind=d["kind"], to=d["to"], reason=d["reason"]
        ),
    ),
    "feedback": (
        FeedbackForm,
        lambda c, u, d: prompts.answer_prompt(
            c, actor=u, outcome=d["outcome"], feedback=d["feedback"]
        ),
    ),
    "extension": (
        ReasonForm,
        lambda c, u, d: services.request_verification_extension(c, actor=u, reason=d["reason"]),
    ),
}
TITLES = {"extension": gettext_lazy("申请延长核查期限（15个工作日）")}


def _step_form(action: str, clue: Clue, data: Any) -> forms.Form:
    form_class = STEPS[action][0]
    if issubclass(form_class, AssignForm):
        return form_class(data, **_officers(clue))
    return form_class(data)


def clue_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = allowed_user(request, READ_CLUES)
    clue = visible_clue(user, pk)
    if action not in STEPS:
        raise Http404
    transition = CLUE.transition(clue.status, action)
    if action != "extension":
        if transition is None:  # decided meanwhile: say so on the clue's page
            messages.error(
                request,
                _("该线索当前状态为“%(s)s”，不能再执行此操作") % {"s": clue.get_status_display()},
            )
            return redirect(clue)
        if not transition.permission(user, clue):
            raise refusal(request, user, DENIED, _("您无权执行“%(a)s”。") % {"a": transition.label})
    form = _step_form(action, clue, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            STEPS[action][1](clue, user, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("您无权执行此操作。"))
        else:
            messages.success(request, _("已处理"))
            return redirect(clue)
    title = TITLES.get(action) or (transition.label if transition else action)
    return _form_page(request, form, str(title), clue)


def accept_intake_view(request: HttpRequest, item_pk: int) -> HttpResponse:
    """Take an intake item of kind ``clue`` over (the button on intake's item page)."""
    user = allowed_user(request, READ_CLUES)
    item = visible_or_404(
        intake_visible_to(user), item_pk, user=user, action=DENIED, object_type="intake.intakeitem"
    )
    existing = Clue.objects.filter(intake_item=item).first()
    if existing is not None:
        return redirect(existing)
    probe = Clue(org_unit=item.org_unit or user.org_unit, status=ClueStatus.NEW)
    form = AssignForm(
        request.POST or None, officers=assignable_officers(probe) if probe.org_unit_id else []
    )
    form.fields["assignee"].required = False
    if request.method == "POST" and form.is_valid():
        try:
            clue = services.clue_from_intake(
                item, actor=user, assignee=form.cleaned_data["assignee"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            raise refusal(request, user, DENIED, str(exc)) from exc
        else:
            messages.success(request, _("已接收为线索 %(n)s") % {"n": clue.number})
            return redirect(clue)
    return render(
        request, "clues/accept_intake.html", {"form": form, "item": item, "title": _("接收为线索")}
    )
