"""clues API: the inbox (filters, overdue), one clue with the ``actions`` the caller may
take now, a clue entered by hand, a monitoring push, taking an intake item over, and a
step. The routes only validate and delegate to clues.services / clues.prompts, like the
pages; a step the table does not allow from the current state answers 409, a clue
outside the caller's scope 404, bad input 422."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from yaoan.clues import prompts, services
from yaoan.clues.api.schemas import ClueIn, ClueOut, CluePage, FromIntakeIn, PushIn, StepIn
from yaoan.clues.enums import ClueError, ClueSource, ClueStatus
from yaoan.clues.models import Clue
from yaoan.clues.queries import assignable_officers, inbox, only_overdue
from yaoan.clues.rules import READ_CLUES, RECORD_PUSH, REGISTER_CLUE
from yaoan.clues.workflow import CLUE
from yaoan.common.api.paging import PageParams, page_of
from yaoan.common.api.schemas import DETAIL_ERRORS, READ_ERRORS, WRITE_ERRORS
from yaoan.common.errors import invalid
from yaoan.core.access import allowed_user, visible_or_404
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit, User
from yaoan.core.scoping import visible_to
from yaoan.core.transitions import allowed_actions
from yaoan.intake.queries import intake_visible_to
from yaoan.registry.queries import chosen_entity

router = Router(tags=["线索"])
DENIED = "clues.access.denied"
HIDDEN_ACTIONS = ("send_prompt", "feedback_for_case")


def _visible(user: User, pk: int) -> Clue:
    return visible_or_404(inbox(user), pk, user=user, action=DENIED, object_type="clues.clue")


def _push(clue: Clue) -> dict[str, Any] | None:
    push = getattr(clue, "push", None)
    if push is None:
        return None
    fields = (
        "reference",
        "monitored_on",
        "platform",
        "shop_name",
        "shop_url",
        "product",
        "suspected_issue",
        "prompt_number",
        "feedback_outcome",
        "feedback",
    )
    return {name: getattr(push, name) for name in fields}


def _out(clue: Clue, user: User) -> dict[str, Any]:
    plain = (
        "id",
        "number",
        "status",
        "source",
        "source_label",
        "entity_id",
        "subject_name",
        "summary",
        "received_on",
        "org_unit_id",
        "assignee_id",
        "findings",
        "violation_found",
        "closure_reason",
        "transfer_kind",
        "transferred_to",
        "decision_note",
    )
    return {
        **{name: getattr(clue, name) for name in plain},
        "due_on": getattr(clue, "due_on", None),
        "overdue": bool(getattr(clue, "overdue", False)),
        "push": _push(clue),
        "actions": [
            {"action": t.action, "label": str(t.label), "reason_required": t.reason_required}
            for t in allowed_actions(CLUE, clue, user, guards=services.GUARDS)
            if t.action not in HIDDEN_ACTIONS
        ],
    }


@router.get("/", response={200: CluePage, **READ_ERRORS}, summary="线索列表")
def list_clues(
    request: HttpRequest,
    params: Query[PageParams],
    status: ClueStatus | None = None,
    source: ClueSource | None = None,
    station_id: int | None = None,
    mine: bool = False,
    overdue: bool = False,
) -> dict[str, Any]:
    user = allowed_user(request, READ_CLUES)
    qs = inbox(user)
    if status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    if station_id:
        qs = qs.filter(org_unit_id=station_id)
    if mine:
        qs = qs.filter(assignee=user)
    if overdue:
        qs = only_overdue(qs)
    return page_of(qs.order_by("-received_on", "-id"), params, lambda c: _out(c, user))


@router.get("/{int:pk}", response={200: ClueOut, **DETAIL_ERRORS}, summary="线索详情")
def get_clue(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = allowed_user(request, READ_CLUES)
    return _out(_visible(user, pk), user)


def _unit(user: User, pk: int | None, field: str, stations_only: bool) -> OrgUnit | None:
    if pk is None:
        return None
    stations = visible_to(user, OrgUnit.objects.filter(kind=OrgUnitKind.STATION), station="pk")
    units = stations if stations_only else OrgUnit.objects.filter(kind=OrgUnitKind.SECTION)
    found = units.filter(pk=pk).first() or (
        stations.filter(pk=pk).first() if not stations_only else None
    )
    if found is None:
        raise invalid(ClueError.BAD_UNIT, field=field)
    return found


@router.post("/", response={201: ClueOut, **WRITE_ERRORS}, summary="登记线索（移送、交办等）")
def register_clue(request: HttpRequest, payload: ClueIn) -> Status[dict[str, Any]]:
    user = allowed_user(request, REGISTER_CLUE)
    clue = services.register_clue(
        actor=user,
        source=payload.source,
        source_label=payload.source_label,
        summary=payload.summary,
        received_on=payload.received_on,
        entity=chosen_entity(user, payload.entity_id),
        subject_name=payload.subject_name,
        org_unit=_unit(user, payload.org_unit_id, "org_unit_id", stations_only=False),
    )
    return Status(201, _out(_visible(user, clue.pk), user))


@router.post(
    "/pushes", response={201: ClueOut, **WRITE_ERRORS}, summary="登记网络监测推送（下发工作提示单）"
)
def record_push(request: HttpRequest, payload: PushIn) -> Status[dict[str, Any]]:
    user = allowed_user(request, RECORD_PUSH)
    data = prompts.PushInput(
        reference=payload.reference,
        monitored_on=payload.monitored_on,
        platform=payload.platform,
        shop_name=payload.shop_name,
        shop_url=payload.shop_url,
        product=payload.product,
        suspected_issue=payload.suspected_issue,
        entity=chosen_entity(user, payload.entity_id),
        station=_unit(user, payload.station_id, "station_id", stations_only=True),
    )
    clue = prompts.record_online_push(actor=user, data=data)
    return Status(201, _out(_visible(user, clue.pk), user))


def _assignee(clue: Clue, pk: int | None) -> User:
    found = next((u for u in assignable_officers(clue) if u.pk == pk), None)
    if found is None:
        raise invalid(ClueError.BAD_ASSIGNEE, field="assignee_id")
    return found


@router.post(
    "/from-intake/{int:item_id}",
    response={201: ClueOut, **WRITE_ERRORS},
    summary="接收移交事项为线索",
)
def from_intake(
    request: HttpRequest, item_id: int, payload: FromIntakeIn
) -> Status[dict[str, Any]]:
    user = allowed_user(request, READ_CLUES)
    item = visible_or_404(
        intake_visible_to(user), item_id, user=user, action=DENIED, object_type="intake.intakeitem"
    )
    assignee = None
    if payload.assignee_id is not None:
        probe = Clue(org_unit=item.org_unit or user.org_unit)
        assignee = _assignee(probe, payload.assignee_id)
    clue = services.clue_from_intake(item, actor=user, assignee=assignee)
    return Status(201, _out(_visible(user, clue.pk), user))


STEPS: dict[str, Callable[[Clue, User, StepIn], Any]] = {
    "assign": lambda c, u, p: services.assign_clue(
        c, actor=u, assignee=_assignee(c, p.assignee_id)
    ),
    "reassign": lambda c, u, p: services.reassign_clue(
        c, actor=u, assignee=_assignee(c, p.assignee_id), reason=p.reason
    ),
    "verify": lambda c, u, p: services.verify_clue(
        c, actor=u, findings=p.findings, violation_found=p.violation_found
    ),
    "reopen": lambda c, u, p: services.reopen_clue(c, actor=u, reason=p.reason),
    "close": lambda c, u, p: services.close_clue(
        c, actor=u, closure_reason=p.closure_reason, note=p.note
    ),
    "file_case": lambda c, u, p: services.file_for_case(c, actor=u, note=p.note),
    "transfer": lambda c, u, p: services.transfer_clue(
        c, actor=u, kind=p.transfer_kind, to=p.transferred_to, reason=p.reason
    ),
    "feedback": lambda c, u, p: prompts.answer_prompt(
        c, actor=u, outcome=p.outcome, feedback=p.feedback
    ),
    "extension": lambda c, u, p: services.request_verification_extension(
        c, actor=u, reason=p.reason
    ),
}


@router.post("/{int:pk}/{action}", response={200: ClueOut, **WRITE_ERRORS}, summary="执行操作")
def take_step(request: HttpRequest, pk: int, action: str, payload: StepIn) -> dict[str, Any]:
    user = allowed_user(request, READ_CLUES)
    clue = _visible(user, pk)
    if action not in STEPS:
        raise Http404
    STEPS[action](clue, user, payload)
    return _out(_visible(user, pk), user)
