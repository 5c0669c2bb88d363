"""The API of 行刑衔接 and 挂牌督办: the transfer register and one transfer with the
``actions`` the caller may take, proposing a transfer and each of its steps; the
supervised cases, one supervision, recording one, its progress reports and steps. The
routes validate and delegate to transfer_services and supervision_services; a step out of
order answers 409 with the reason, another unit's record 404, bad input 422."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from yaoan.cases import supervision_services, transfer_services
from yaoan.cases.api.beyond_schemas import (
    CriminalTransferIn,
    SupervisionDetailOut,
    SupervisionIn,
    SupervisionPage,
    SupervisionStepIn,
    TransferDetailOut,
    TransferPage,
    TransferStepIn,
)
from yaoan.cases.beyond_enums import SupervisionStatus, TransferStatus
from yaoan.cases.beyond_queries import (
    DENIED,
    SUPERVISION_TYPE,
    TRANSFER_TYPE,
    supervision_list,
    supervisions_visible_to,
    transfer_register,
    transfers_visible_to,
)
from yaoan.cases.beyond_rules import READ_BEYOND
from yaoan.cases.beyond_workflow import CASE_SUPERVISION, CRIMINAL_TRANSFER
from yaoan.cases.models import CaseSupervision, CriminalTransfer
from yaoan.cases.queries import visible_case
from yaoan.common.api.paging import PageParams, page_of
from yaoan.common.api.schemas import DETAIL_ERRORS, READ_ERRORS, WRITE_ERRORS
from yaoan.common.errors import invalid
from yaoan.core.access import allowed_user, visible_or_404
from yaoan.core.models import User
from yaoan.core.transitions import allowed_actions, require_transition
from yaoan.core.workflow import Workflow

router = Router(tags=["行刑衔接与挂牌督办"])


def _actions(workflow: Workflow, obj: Any, user: User) -> list[dict[str, Any]]:
    return [
        {"action": t.action, "label": str(t.label), "reason_required": t.reason_required}
        for t in allowed_actions(workflow, obj, user)
    ]


def _transfer_row(t: CriminalTransfer) -> dict[str, Any]:
    fields = [
        "id",
        "case_id",
        "number",
        "status",
        "suspected_offence",
        "administrative_part",
        "police_unit",
        "proposed_at",
        "transferred_on",
        "police_decided_on",
        "police_reference",
        "outcome",
        "clock_suspended",
    ]
    return {**{f: getattr(t, f) for f in fields}, "case_number": t.case.number}


def _transfer_detail(t: CriminalTransfer, user: User) -> dict[str, Any]:
    return {
        **_transfer_row(t),
        "facts": t.facts,
        "investigation_report": t.investigation_report,
        "evidence_ids": sorted(t.evidence.values_list("pk", flat=True)),
        "seized_item_ids": sorted(t.seized_items.values_list("pk", flat=True)),
        "actions": _actions(CRIMINAL_TRANSFER, t, user),
    }


def _transfer(user: User, pk: int) -> CriminalTransfer:
    return visible_or_404(
        transfers_visible_to(user).select_related("case", "case__org_unit"),
        pk,
        user=user,
        action=DENIED,
        object_type=TRANSFER_TYPE,
    )


@router.get(
    "/transfers/", response={200: TransferPage, **READ_ERRORS}, summary="涉嫌犯罪案件移送登记"
)
def list_transfers(
    request: HttpRequest, params: Query[PageParams], status: TransferStatus | None = None
) -> dict[str, Any]:
    user = allowed_user(request, READ_BEYOND)
    qs = transfer_register(user)
    if status:
        qs = qs.filter(status=status)
    return page_of(qs.order_by("-proposed_at", "-id"), params, _transfer_row)


@router.get(
    "/transfers/{int:pk}", response={200: TransferDetailOut, **DETAIL_ERRORS}, summary="移送详情"
)
def get_transfer(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = allowed_user(request, READ_BEYOND)
    return _transfer_detail(_transfer(user, pk), user)


@router.post("/transfers/", response={201: TransferDetailOut, **WRITE_ERRORS}, summary="提出移送")
def propose_transfer(request: HttpRequest, payload: CriminalTransferIn) -> Status[dict[str, Any]]:
    user = allowed_user(request, READ_BEYOND)
    data = payload.dict()
    case = visible_case(user, data.pop("case_id"))
    transfer = transfer_services.propose_transfer(case, actor=user, **data)
    return Status(201, _transfer_detail(transfer, user))


def _required_date(p: TransferStepIn) -> Any:
    if p.on is None:
        raise invalid("required", "请填写日期", field="on")
    return p.on


TransferRunner = Callable[[CriminalTransfer, User, TransferStepIn], Any]
TRANSFER_STEPS: dict[str, TransferRunner] = {
    "approve": lambda t, u, p: transfer_services.approve_transfer(t, actor=u, reason=p.reason),
    "refuse": lambda t, u, p: transfer_services.refuse_transfer(t, actor=u, reason=p.reason),
    "transfer": lambda t, u, p: transfer_services.send_transfer(
        t, actor=u, transferred_on=_required_date(p), receipt_by=p.receipt_by
    ),
    "police_accept": lambda t, u, p: transfer_services.record_police_acceptance(
        t, actor=u, decided_on=_required_date(p), reference=p.reference
    ),
    "police_refuse": lambda t, u, p: transfer_services.record_police_refusal(
        t, actor=u, decided_on=_required_date(p), reference=p.reference, reason=p.reason
    ),
    "reconsider": lambda t, u, p: transfer_services.request_reconsideration(
        t, actor=u, channel=p.channel or "", requested_on=_required_date(p), reason=p.reason
    ),
    "uphold_refusal": lambda t, u, p: transfer_services.uphold_refusal(t, actor=u, reason=p.reason),
    "hand_over": lambda t, u, p: transfer_services.record_handover(
        t, actor=u, handed_over_on=_required_date(p), note=p.note
    ),
    "close": lambda t, u, p: transfer_services.close_transfer(
        t, actor=u, outcome=p.outcome or "", reason=p.reason
    ),
}


@router.post(
    "/transfers/{int:pk}/{action}",
    response={200: TransferDetailOut, **WRITE_ERRORS},
    summary="移送：执行操作",
)
def transfer_step(
    request: HttpRequest, pk: int, action: str, payload: TransferStepIn
) -> dict[str, Any]:
    user = allowed_user(request, READ_BEYOND)
    transfer = _transfer(user, pk)
    if action not in TRANSFER_STEPS:
        raise Http404
    # a skipped or reordered step is refused as such (409) before its input is checked
    require_transition(CRIMINAL_TRANSFER, transfer.status, action)
    TRANSFER_STEPS[action](transfer, user, payload)
    return _transfer_detail(_transfer(user, pk), user)


def _supervision_row(s: CaseSupervision) -> dict[str, Any]:
    fields = [
        "id",
        "case_id",
        "status",
        "level",
        "supervising_unit",
        "reference",
        "flagged_on",
        "due_on",
        "next_report_on",
    ]
    return {**{f: getattr(s, f) for f in fields}, "case_number": s.case.number}


def _supervision_detail(s: CaseSupervision, user: User) -> dict[str, Any]:
    return {
        **_supervision_row(s),
        "requirements": s.requirements,
        "actions": _actions(CASE_SUPERVISION, s, user),
    }


def _supervision(user: User, pk: int) -> CaseSupervision:
    return visible_or_404(
        supervisions_visible_to(user).select_related("case", "case__org_unit"),
        pk,
        user=user,
        action=DENIED,
        object_type=SUPERVISION_TYPE,
    )


@router.get(
    "/supervisions/", response={200: SupervisionPage, **READ_ERRORS}, summary="挂牌督办案件"
)
def list_supervisions(
    request: HttpRequest, params: Query[PageParams], status: SupervisionStatus | None = None
) -> dict[str, Any]:
    user = allowed_user(request, READ_BEYOND)
    qs = supervision_list(user)
    if status:
        qs = qs.filter(status=status)
    return page_of(qs.order_by("-flagged_on", "-id"), params, _supervision_row)


@router.get(
    "/supervisions/{int:pk}",
    response={200: SupervisionDetailOut, **DETAIL_ERRORS},
    summary="督办详情",
)
def get_supervision(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = allowed_user(request, READ_BEYOND)
    return _supervision_detail(_supervision(user, pk), user)


@router.post(
    "/supervisions/", response={201: SupervisionDetailOut, **WRITE_ERRORS}, summary="登记挂牌督办"
)
def flag_case(request: HttpRequest, payload: SupervisionIn) -> Status[dict[str, Any]]:
    user = allowed_user(request, READ_BEYOND)
    data = payload.dict()
    case = visible_case(user, data.pop("case_id"))
    sup = supervision_services.flag_case(case, actor=user, **data)
    return Status(201, _supervision_detail(sup, user))


def _report_day(p: SupervisionStepIn) -> Any:
    if p.reported_on is None:
        raise invalid("required", "请填写报送日期", field="reported_on")
    return p.reported_on


SupervisionRunner = Callable[[CaseSupervision, User, SupervisionStepIn], Any]
SUPERVISION_STEPS: dict[str, SupervisionRunner] = {
    "report": lambda s, u, p: supervision_services.report_progress(
        s, actor=u, reported_on=_report_day(p), content=p.content
    ),
    "report_final": lambda s, u, p: supervision_services.report_final(
        s, actor=u, reported_on=_report_day(p), content=p.content
    ),
    "lift": lambda s, u, p: supervision_services.lift_supervision(s, actor=u, reason=p.reason),
    "send_back": lambda s, u, p: supervision_services.send_back_supervision(
        s, actor=u, reason=p.reason, due_on=p.due_on
    ),
    "cancel": lambda s, u, p: supervision_services.cancel_supervision(s, actor=u, reason=p.reason),
}


@router.post(
    "/supervisions/{int:pk}/{action}",
    response={200: SupervisionDetailOut, **WRITE_ERRORS},
    summary="督办：报送进展或执行操作",
)
def supervision_step(
    request: HttpRequest, pk: int, action: str, payload: SupervisionStepIn
) -> dict[str, Any]:
    user = allowed_user(request, READ_BEYOND)
    sup = _supervision(user, pk)
    if action not in SUPERVISION_STEPS:
        raise Http404
    if action in CASE_SUPERVISION.actions():
        require_transition(CASE_SUPERVISION, sup.status, action)
    SUPERVISION_STEPS[action](sup, user, payload)
    return _supervision_detail(_supervision(user, pk), user)
