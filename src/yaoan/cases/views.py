"""The staff pages of enforcement cases: the officer's case list (filters, overdue, capped
paging), the inbox of 移送立案 clues and opening a case from one, a case registered by
hand, and one case with its procedure line, its clock, the buttons the workflow allows the
reader, evidence, seized items and history. Each step's form is views_steps'; evidence and
seized items are views_evidence'. Views only read and call services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaoan.cases import queries, services
from yaoan.cases.enums import FILED_UNDECIDED, CaseStatus
from yaoan.cases.filtersets import CaseFilterSet
from yaoan.cases.forms import CaseOpenForm, OpenFromClueForm
from yaoan.cases.guards import GUARDS, PATH_GUARDS
from yaoan.cases.models import Case
from yaoan.cases.queries import (
    DENIED,
    assignable_officers,
    case_list,
    evidence_of,
    seized_items_of,
)
from yaoan.cases.rules import (
    OFFICER_ROLE,
    OPEN_CASE,
    READ_CASES,
    can_decide_case,
    can_handle_case,
    can_open_case,
)
from yaoan.cases.timeline import main_clock, stages
from yaoan.cases.views_supervision import beyond_section
from yaoan.cases.workflow import CASE
from yaoan.clues.models import Clue
from yaoan.clues.queries import clues_awaiting_case, clues_visible_to
from yaoan.common.errors import INVALID, invalid
from yaoan.common.forms import add_service_errors
from yaoan.common.paging import EXACT_COUNT_PARAM, capped_page, page_number
from yaoan.core.access import allowed_user, visible_or_404
from yaoan.core.attachments import may_see_attachment
from yaoan.core.audit_log import action_label
from yaoan.core.deadlines import deadlines_for
from yaoan.core.enums import DeadlineState, OrgUnitKind
from yaoan.core.models import AuditEvent, OrgUnit, RoleAssignment, User
from yaoan.core.rules import can_manage_deadline
from yaoan.core.scoping import visible_to
from yaoan.core.transitions import allowed_actions
from yaoan.registry.models import Entity
from yaoan.registry.queries import entities_visible_to

PAGE_SIZE = 50
OBJECT_TYPE = "cases.case"
# what the case page and its step pages show of the case, joined in one query
PAGE_RELATED = (
    "entity",
    "org_unit",
    "lead_officer",
    "co_officer",
    "clue",
    "created_by",
    "filed_by",
    "reviewed_by",
    "legal_reviewer",
    "decided_by",
    "closed_by",
)
HANDLING_UNIT_KINDS = (OrgUnitKind.SECTION, OrgUnitKind.ENFORCEMENT_TEAM)


def posted(request: HttpRequest) -> Any:
    """The form's data on a POST (even an empty one: a step with nothing to fill in),
    None otherwise."""
    return request.POST if request.method == "POST" else None


def visible_case(user: User, pk: int) -> Case:
    return queries.visible_case(user, pk, *PAGE_RELATED)


# --- the list ------------------------------------------------------------------------------


def filtered_cases(request: HttpRequest, user: User) -> tuple[CaseFilterSet, QuerySet[Case]]:
    """The list's rows, scoped and filtered, newest first."""
    qs = case_list(user)
    filterset = CaseFilterSet(request.GET, queryset=qs, request=request, user=user)
    rows = filterset.qs if filterset.is_valid() else qs.none()
    return filterset, rows.order_by("-created_at", "-id")


def case_list_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_CASES)
    filterset, rows = filtered_cases(request, user)
    exact = request.GET.get(EXACT_COUNT_PARAM) == "exact"
    page = capped_page(rows, page_number(request.GET.get("page")), PAGE_SIZE, exact=exact)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": filterset.form,
            "page_obj": page,
            "may_open": can_open_case(user),
            "waiting_clues": _awaiting(user).count() if can_open_case(user) else 0,
        },
    )


# --- opening a case --------------------------------------------------------------------------


def _awaiting(user: User) -> QuerySet[Clue]:
    """移送立案 clues in the user's scope not yet taken over."""
    return clues_visible_to(user).filter(pk__in=clues_awaiting_case().values("pk"))


def clue_inbox_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, OPEN_CASE)
    clues = _awaiting(user).select_related("entity", "org_unit", "assignee", "decided_by")
    return render(
        request,
        "cases/clue_inbox.html",
        {"clues": list(clues.order_by("decided_at", "id")[:200])},
    )


def _probe(unit: OrgUnit | None) -> Case:
    """A case of that unit, unsaved: whom the officer pickers may offer for it."""
    return Case(org_unit=unit, status=CaseStatus.PENDING_FILING)


def _all_officers() -> list[User]:
    return list(
        User.objects.people()
        .filter(
            is_active=True,
            pk__in=RoleAssignment.objects.filter(role=OFFICER_ROLE).values("user_id"),
        )
        .select_related("org_unit")
        .order_by("org_unit__name", "display_name")
    )


def open_from_clue_view(request: HttpRequest, clue_pk: int) -> HttpResponse:
    user = allowed_user(request, OPEN_CASE)
    clue = visible_or_404(
        clues_visible_to(user).select_related("entity", "org_unit", "assignee"),
        clue_pk,
        user=user,
        action=DENIED,
        object_type="clues.clue",
    )
    taken = Case.objects.filter(clue=clue).first()
    if taken is not None:
        messages.info(request, _("该线索已立案：%(n)s") % {"n": taken.number})
        return redirect(taken)
    initial = {"lead_officer": clue.assignee_id}
    form = OpenFromClueForm(
        posted(request), officers=assignable_officers(_probe(clue.org_unit)), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.open_case_from_clue(
                clue,
                actor=user,
                lead_officer=d["lead_officer"],
                co_officer=d["co_officer"],
                title=d["title"],
                product_class=d["product_class"],
                is_serious=d["is_serious"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("您无权执行此操作。"))
        else:
            messages.success(request, _("已立案登记 %(n)s，待立案审批") % {"n": case.number})
            return redirect(case)
    return render(
        request,
        "cases/case_form.html",
        {"form": form, "title": _("线索立案登记"), "clue": clue},
    )


def _handling_units(user: User) -> QuerySet[OrgUnit]:
    stations = visible_to(user, OrgUnit.objects.filter(kind=OrgUnitKind.STATION), station="pk")
    others = OrgUnit.objects.filter(kind__in=HANDLING_UNIT_KINDS)
    units = OrgUnit.objects.filter(Q(pk__in=stations) | Q(pk__in=others), is_active=True)
    return units.order_by("kind", "name")


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


def case_open_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, OPEN_CASE)
    form = CaseOpenForm(posted(request), units=_handling_units(user), officers=_all_officers())
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        try:
            d["entity"] = _entity(user, d.pop("entity_code"))
            case = services.open_case(actor=user, data=services.CaseInput(**d))
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("您无权执行此操作。"))
        else:
            messages.success(request, _("已立案登记 %(n)s，待立案审批") % {"n": case.number})
            return redirect(case)
    return render(request, "cases/case_form.html", {"form": form, "title": _("立案登记")})


# --- one case ---------------------------------------------------------------------------------


def side_links(case: Case, user: User) -> list[tuple[str, Any]]:
    """The records beside the steps the reader may make now (the pages refuse the rest)."""
    links: list[tuple[str, Any]] = []
    handles = can_handle_case(user, case)
    status = CaseStatus(case.status)
    if handles and status in (CaseStatus.NOTICE_SERVED, CaseStatus.HEARING, CaseStatus.HEARD):
        links.append(("statement", gettext_lazy("登记陈述申辩")))
    notice_states = (CaseStatus.PENDING_NOTICE, CaseStatus.NOTICE_SERVED, CaseStatus.HEARD)
    if case.is_serious and can_decide_case(user, case) and status in notice_states:
        links.append(("collective", gettext_lazy("登记集体讨论")))
    if handles and status in FILED_UNDECIDED:
        clock = services.decision_clock(case)
        if clock is not None and clock.state == DeadlineState.SUSPENDED:
            links.append(("resume", gettext_lazy("恢复计时")))
        elif clock is not None and clock.is_live:
            links.append(("suspend", gettext_lazy("中止计时（检验、鉴定、公告）")))
    if handles and (status in FILED_UNDECIDED or status == CaseStatus.PENDING_FILING):
        links.append(("extension", gettext_lazy("申请延长办案期限")))
    return links


def case_events(case: Case, evidence: list[Any], seized: list[Any]) -> list[AuditEvent]:
    """The case's history with its evidence and seized items' in one line, in order."""
    found = Q(object_type=OBJECT_TYPE, object_id=str(case.pk))
    if evidence:
        found |= Q(object_type="cases.evidence", object_id__in=[str(e.pk) for e in evidence])
    if seized:
        found |= Q(object_type="cases.seizeditem", object_id__in=[str(i.pk) for i in seized])
    return list(AuditEvent.objects.filter(found).order_by("seq"))


def _held_steps(case: Case, user: User) -> list[tuple[str, str, str]]:
    """The steps this user could take but a guard refuses now, with the guard's reason
    (action, label, reason), shown in place of their buttons so the officer sees what is
    missing (e.g. the discretion proposal before the notice)."""
    held = []
    for t in CASE.actions_from(case.status):
        if not t.permission(user, case) or PATH_GUARDS.intersection(t.guards):
            continue
        reason = next((r for name in t.guards if (r := GUARDS[name](case))), None)
        if reason:
            held.append((t.action, str(t.label), str(reason)))
    return held


def case_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_CASES)
    case = visible_case(user, pk)
    deadlines = list(deadlines_for(case).select_related("rule").order_by("id"))
    evidence = list(evidence_of(case))
    seized = list(seized_items_of(case))
    events = case_events(case, evidence, seized)
    handles = can_handle_case(user, case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "stages": stages(case, events),
            "clock": main_clock(case, deadlines),
            "deadlines": [(d, can_manage_deadline(user, d)) for d in deadlines],
            "actions": allowed_actions(CASE, case, user, guards=GUARDS),
            "held_steps": _held_steps(case, user),
            "side_links": side_links(case, user),
            "evidence": [
                (
                    e,
                    e.attachment
                    if e.attachment and may_see_attachment(user, e.attachment)
                    else None,
                )
                for e in evidence
            ],
            "seized_items": seized,
            "may_gather": handles,
            # the discretion part's record (penalty): shown to the reviewers with its reason
            "assessment": getattr(case, "assessment", None),
            "history": [(e, action_label(e.action)) for e in events],
            # 行刑衔接, 挂牌督办, 提级办理 (views_supervision)
            **beyond_section(user, case),
        },
    )
