"""The intake inbox: the clues and candidate risks handed on by every module, filtered by
kind, state, source and station; one item with its evidence, its source and its history;
and the decisions staff take here (not accepted, merged, kept waiting). Accepting is the
receiving module's step (a clue, a case, a risk item): its page is offered as a button
(intake.receivers) and its service accepts the item."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaoan.common.errors import INVALID, invalid
from yaoan.core.access import allowed_user, visible_or_404
from yaoan.core.attachments import may_see_attachment
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import AuditEvent, OrgUnit, User
from yaoan.core.scoping import visible_to
from yaoan.core.step_pages import offered_step, submitted
from yaoan.core.transitions import allowed_actions
from yaoan.intake import services
from yaoan.intake.enums import IntakeStatus
from yaoan.intake.forms import IntakeFilterForm, MergeForm, ReasonForm
from yaoan.intake.models import IntakeItem
from yaoan.intake.queries import intake_visible_to
from yaoan.intake.receivers import receivers_for
from yaoan.intake.rules import READ_INTAKE, can_decide_item
from yaoan.intake.workflow import INTAKE

PAGE_SIZE = 50
DENIED = "intake.access.denied"
# the decisions taken on this page; "accept" belongs to the receiving module
PAGE_ACTIONS = ("reject", "merge", "keep")
# the history shows each audited step by its name on the buttons
HISTORY_LABELS = {
    "intake.intakeitem.submitted": gettext_lazy("移交"),
    **{f"{INTAKE.name}.{t.verb or t.action}": t.label for t in INTAKE.transitions},
}


def visible_item(user: User, pk: int) -> IntakeItem:
    return visible_or_404(
        intake_visible_to(user).select_related(
            "entity", "product", "org_unit", "submitted_by", "merged_into", "decided_by"
        ),
        pk,
        user=user,
        action=DENIED,
        object_type="intake.intakeitem",
    )


def page_actions(item: IntakeItem, user: User) -> list[Any]:
    return [t for t in allowed_actions(INTAKE, item, user) if t.action in PAGE_ACTIONS]


def receiver_buttons(item: IntakeItem, user: User) -> list[tuple[str, str]]:
    """(label, url) of the modules that may take this waiting item over."""
    if item.status != IntakeStatus.NEW or not can_decide_item(user, item):
        return []
    return [(str(r.label), reverse(r.url_name, args=[item.pk])) for r in receivers_for(item.kind)]


def _stations(user: User) -> QuerySet[OrgUnit]:
    stations = OrgUnit.objects.filter(kind=OrgUnitKind.STATION).order_by("name")
    return visible_to(user, stations, station="pk")


def filtered_items(user: User, data: Any) -> tuple[IntakeFilterForm, QuerySet[IntakeItem]]:
    form = IntakeFilterForm(data, stations=_stations(user))
    qs = intake_visible_to(user).select_related("entity", "org_unit")
    if form.is_valid():
        d = form.cleaned_data
        if d["kind"]:
            qs = qs.filter(kind=d["kind"])
        if d["status"]:
            qs = qs.filter(status=d["status"])
        if d["source_app"]:
            qs = qs.filter(source_app=d["source_app"])
        if d["station"]:
            qs = qs.filter(org_unit=d["station"])
    return form, qs.order_by("-submitted_at", "-id")


def item_list_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_INTAKE)
    form, qs = filtered_items(user, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "intake/item_list.html",
        {"form": form, "page_obj": page, "querystring": request.GET.urlencode()},
    )


def item_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_INTAKE)
    item = visible_item(user, pk)
    evidence = [a for a in item.evidence.all() if may_see_attachment(user, a)]
    history = AuditEvent.objects.filter(
        object_type="intake.intakeitem", object_id=str(item.pk)
    ).order_by("seq")
    return render(
        request,
        "intake/item_detail.html",
        {
            "item": item,
            "evidence": evidence,
            "merged_items": list(intake_visible_to(user).filter(merged_into=item)),
            "history": [(e, HISTORY_LABELS.get(e.action, e.action)) for e in history],
            "actions": page_actions(item, user),
            "receivers": receiver_buttons(item, user),
        },
    )


def _decide(item: IntakeItem, user: User, action: str, data: dict[str, Any]) -> None:
    if action == "reject":
        services.reject_intake(item, user, data["reason"])
    elif action == "keep":
        services.keep_waiting(item, user, data["reason"])
    else:
        into = intake_visible_to(user).filter(pk=data["into"]).first()
        if into is None:
            raise invalid(INVALID, _("没有编号为 %(n)s 的事项") % {"n": data["into"]}, field="into")
        services.merge_intake(item, into, user, data["reason"])


def item_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = allowed_user(request, READ_INTAKE)
    item = visible_item(user, pk)
    if action not in PAGE_ACTIONS:
        raise Http404
    transition = offered_step(
        request,
        INTAKE,
        item,
        action,
        user=user,
        denied_action=DENIED,
        stale=_("该事项当前状态为“%(s)s”，不能再处理"),
        denied=_("您无权处理该事项。"),
    )
    if isinstance(transition, HttpResponse):
        return transition
    form_class = MergeForm if action == "merge" else ReasonForm
    form = form_class(request.POST or None)
    done = _("已处理：%(a)s") % {"a": transition.label}
    if submitted(request, form, lambda data: _decide(item, user, action, data), done=done):
        return redirect(item)
    return render(
        request,
        "intake/item_action.html",
        {"form": form, "item": item, "title": transition.label},
    )
