"""cases API: the case list (filters, overdue), one case with its clocks, evidence, seized
items and the ``actions`` the caller may take now, a case registered by hand or from a
移送立案 clue, evidence with its file, seized items and their disposal, and each step of
the procedure. The routes only validate and delegate to cases.services and
cases.evidence_services; a step the table does not allow from the current state, or one
whose condition is unmet (the statement period still running), answers 409 with the
reason; a case outside the caller's scope 404; bad input 422; a file too large 413."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from yaoan.cases import evidence_services, services
from yaoan.cases.api.schemas import (
    CaseDetailOut,
    CaseDisposalIn,
    CaseEvidenceOut,
    CaseFromClueIn,
    CaseIn,
    CasePage,
    CaseSeizedItemIn,
    CaseSeizedItemOut,
    CaseStepIn,
)
from yaoan.cases.enums import OPEN_STATUSES, CaseError, CaseStatus, EvidenceKind, Procedure
from yaoan.cases.guards import GUARDS
from yaoan.cases.models import Case, Evidence, SeizedItem
from yaoan.cases.queries import case_list, evidence_of, only_overdue, seized_items_of, visible_case
from yaoan.cases.rules import OPEN_CASE, READ_CASES
from yaoan.cases.workflow import CASE
from yaoan.clues.queries import clues_visible_to
from yaoan.common.api.paging import PageParams, page_of
from yaoan.common.api.schemas import DETAIL_ERRORS, READ_ERRORS, WRITE_ERRORS, choices_text
from yaoan.common.errors import invalid
from yaoan.core.access import allowed_user, visible_or_404
from yaoan.core.attachments import read_upload
from yaoan.core.deadlines import deadlines_for
from yaoan.core.models import OrgUnit, User
from yaoan.core.scoping import visible_to
from yaoan.core.transitions import allowed_actions
from yaoan.registry.queries import chosen_entity

router = Router(tags=["案件"])
DENIED = "cases.access.denied"


def _visible(user: User, pk: int) -> Case:
    return visible_case(user, pk)


def _actions(case: Case, user: User) -> list[dict[str, Any]]:
    return [
        {"action": t.action, "label": str(t.label), "reason_required": t.reason_required}
        for t in allowed_actions(CASE, case, user, guards=GUARDS)
    ]


PLAIN = (
    "id",
    "number",
    "procedure",
    "status",
    "title",
    "product_class",
    "entity_id",
    "party_name",
    "org_unit_id",
    "lead_officer_id",
    "co_officer_id",
    "clue_id",
    "source",
    "is_serious",
    "filed_at",
    "statement_due_on",
    "outcome",
    "decided_at",
    "closed_at",
)
DETAIL = (
    "facts",
    "investigation_report",
    "proposed_action",
    "review_opinion",
    "legal_opinion",
    "decision_summary",
)


def _out(case: Case, user: User) -> dict[str, Any]:
    return {
        **{name: getattr(case, name) for name in PLAIN},
        "due_on": getattr(case, "due_on", None),
        "overdue": bool(getattr(case, "overdue", False)),
        "actions": _actions(case, user),
    }


def _evidence(item: Evidence) -> dict[str, Any]:
    return {
        "id": item.pk,
        "kind": item.kind,
        "title": item.title,
        "description": item.description,
        "collected_on": item.collected_on,
        "place": item.place,
        "attachment_id": item.attachment_id,
        "sm3": item.attachment.sm3 if item.attachment else None,
        "withdrawn": item.withdrawn_at is not None,
    }


def _detail(case: Case, user: User) -> dict[str, Any]:
    clocks = [
        {
            "rule": d.rule.code,
            "label": str(d.rule.label),
            "state": d.state,
            "started_on": d.started_on,
            "due_on": d.due_on,
            "suspended_days": d.suspended_units,
            "provisional": d.provisional,
        }
        for d in deadlines_for(case).order_by("id")
    ]
    return {
        **_out(case, user),
        **{name: getattr(case, name) for name in DETAIL},
        "clocks": clocks,
        "evidence": [_evidence(e) for e in evidence_of(case)],
        "seized_items": list(seized_items_of(case)),
    }


@router.get("/", response={200: CasePage, **READ_ERRORS}, summary="案件列表")
def list_cases(
    request: HttpRequest,
    params: Query[PageParams],
    status: CaseStatus | None = None,
    procedure: Procedure | None = None,
    open_only: bool = False,
    mine: bool = False,
    overdue: bool = False,
) -> dict[str, Any]:
    user = allowed_user(request, READ_CASES)
    qs = case_list(user)
    if status:
        qs = qs.filter(status=status)
    if procedure:
        qs = qs.filter(procedure=procedure)
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if mine:
        qs = qs.filter(lead_officer=user) | qs.filter(co_officer=user)
    if overdue:
        qs = only_overdue(qs)
    return page_of(qs.order_by("-created_at", "-id"), params, lambda c: _out(c, user))


@router.get("/{int:pk}", response={200: CaseDetailOut, **DETAIL_ERRORS}, summary="案件详情")
def get_case(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = allowed_user(request, READ_CASES)
    return _detail(_visible(user, pk), user)


def _unit(user: User, pk: int | None) -> OrgUnit | None:
    if pk is None:
        return None
    found = visible_to(user, OrgUnit.objects.all(), station="pk").filter(pk=pk).first()
    if found is None:
        raise invalid(CaseError.NO_UNIT, field="org_unit_id")
    return found


def _person(pk: int | None, field: str) -> User | None:
    if pk is None:
        return None
    found = User.objects.people().filter(pk=pk, is_active=True).first()
    if found is None:
        raise invalid(CaseError.BAD_OFFICER, field=field)
    return found


@router.post("/", response={201: CaseDetailOut, **WRITE_ERRORS}, summary="立案登记")
def open_case(request: HttpRequest, payload: CaseIn) -> Status[dict[str, Any]]:
    user = allowed_user(request, OPEN_CASE)
    data = services.CaseInput(
        procedure=payload.procedure,
        title=payload.title,
        facts=payload.facts,
        source=payload.source,
        source_label=payload.source_label,
        product_class=payload.product_class,
        entity=chosen_entity(user, payload.entity_id),
        party_name=payload.party_name,
        party_is_person=payload.party_is_person,
        person_id_number=payload.person_id_number,
        person_address=payload.person_address,
        org_unit=_unit(user, payload.org_unit_id),
        lead_officer=_person(payload.lead_officer_id, "lead_officer_id") or user,
        co_officer=_person(payload.co_officer_id, "co_officer_id"),
        discovered_on=payload.discovered_on,
        is_serious=payload.is_serious,
    )
    case = services.open_case(actor=user, data=data)
    return Status(201, _detail(_visible(user, case.pk), user))


@router.post(
    "/from-clue/{int:clue_id}",
    response={201: CaseDetailOut, **WRITE_ERRORS},
    summary="由移送立案的线索立案登记",
)
def from_clue(
    request: HttpRequest, clue_id: int, payload: CaseFromClueIn
) -> Status[dict[str, Any]]:
    user = allowed_user(request, OPEN_CASE)
    clue = visible_or_404(
        clues_visible_to(user), clue_id, user=user, action=DENIED, object_type="clues.clue"
    )
    case = services.open_case_from_clue(
        clue,
        actor=user,
        lead_officer=_person(payload.lead_officer_id, "lead_officer_id"),
        co_officer=_person(payload.co_officer_id, "co_officer_id"),
        title=payload.title,
        product_class=payload.product_class,
        is_serious=payload.is_serious,
    )
    return Status(201, _detail(_visible(user, case.pk), user))


class CaseEvidenceIn(Schema):
    kind: EvidenceKind = Field(description=choices_text("证据种类", EvidenceKind))
    title: str = Field(min_length=1, max_length=200, description="证据名称")
    description: str = Field("", max_length=4000, description="证明对象")
    place: str = Field("", max_length=200, description="取证地点")
    collected_on: str = Field("", max_length=10, description="取证日期（YYYY-MM-DD），默认今天")


@router.post(
    "/{int:pk}/evidence",
    response={201: CaseEvidenceOut, **WRITE_ERRORS},
    summary="登记证据（可附文件）",
)
def add_evidence(
    request: HttpRequest,
    pk: int,
    payload: Form[CaseEvidenceIn],
    file: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Status[dict[str, Any]]:
    user = allowed_user(request, READ_CASES)
    case = _visible(user, pk)
    upload = None
    if file is not None:
        name = file.name or "file"
        policy = evidence_services.evidence_policy(payload.kind, name)
        upload = evidence_services.EvidenceFile(name, read_upload(file, policy))
    evidence = evidence_services.record_evidence(
        case,
        actor=user,
        kind=payload.kind,
        title=payload.title,
        description=payload.description,
        place=payload.place,
        collected_on=_date(payload.collected_on, "collected_on"),
        file=upload,
    )
    return Status(201, _evidence(evidence))


def _date(raw: str, field: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise invalid(CaseError.BAD_DATE, field=field) from None


def _evidence_item(case: Case, eid: int) -> Evidence:
    found = case.evidence.filter(pk=eid).first()
    if found is None:
        raise Http404
    return found


@router.post(
    "/{int:pk}/evidence/{int:eid}/withdraw",
    response={200: CaseEvidenceOut, **WRITE_ERRORS},
    summary="撤回证据",
)
def withdraw_evidence(
    request: HttpRequest, pk: int, eid: int, payload: CaseStepIn
) -> dict[str, Any]:
    user = allowed_user(request, READ_CASES)
    item = _evidence_item(_visible(user, pk), eid)
    return _evidence(evidence_services.withdraw_evidence(item, actor=user, reason=payload.reason))


@router.post(
    "/{int:pk}/seized-items",
    response={201: CaseSeizedItemOut, **WRITE_ERRORS},
    summary="登记查封扣押物品",
)
def add_seized_item(request: HttpRequest, pk: int, payload: CaseSeizedItemIn) -> Status[SeizedItem]:
    user = allowed_user(request, READ_CASES)
    item = evidence_services.record_seized_item(_visible(user, pk), actor=user, **payload.dict())
    return Status(201, item)


@router.post(
    "/{int:pk}/seized-items/{int:iid}/dispose",
    response={200: CaseSeizedItemOut, **WRITE_ERRORS},
    summary="登记涉案物品处置",
)
def dispose_seized_item(
    request: HttpRequest, pk: int, iid: int, payload: CaseDisposalIn
) -> SeizedItem:
    user = allowed_user(request, READ_CASES)
    item = _visible(user, pk).seized_items.filter(pk=iid).first()
    if item is None:
        raise Http404
    return evidence_services.dispose_seized_item(item, actor=user, **payload.dict())


STEPS: dict[str, Callable[[Case, User, CaseStepIn], Any]] = {
    "approve_filing": lambda c, u, p: services.approve_filing(c, actor=u, note=p.note),
    "refuse_filing": lambda c, u, p: services.refuse_filing(
        c, actor=u, end_reason=p.end_reason, reason=p.reason
    ),
    "decide_on_spot": lambda c, u, p: services.decide_on_spot(
        c, actor=u, summary=p.summary, fine=p.fine, delivered_on=p.on
    ),
    "finish_investigation": lambda c, u, p: services.finish_investigation(
        c, actor=u, report=p.report, proposal=p.proposal
    ),
    "review": lambda c, u, p: services.review(c, actor=u, opinion=p.opinion),
    "return_for_investigation": lambda c, u, p: services.return_for_investigation(
        c, actor=u, reason=p.reason
    ),
    "legal_review": lambda c, u, p: services.legal_review(c, actor=u, opinion=p.opinion),
    "legal_return": lambda c, u, p: services.legal_return(c, actor=u, reason=p.reason),
    "serve_notice": lambda c, u, p: services.serve_notice(
        c, actor=u, served_on=p.on, method=p.method or "direct"
    ),
    "statement": lambda c, u, p: services.record_statement(
        c, actor=u, statement=p.statement, waived=p.waived
    ),
    "request_hearing": lambda c, u, p: services.request_hearing(c, actor=u, requested_on=p.on),
    "record_hearing": lambda c, u, p: services.record_hearing(
        c, actor=u, summary=p.summary, held_on=p.on
    ),
    "collective_discussion": lambda c, u, p: services.record_collective_discussion(
        c, actor=u, summary=p.summary, held_on=p.on
    ),
    "decide": lambda c, u, p: services.decide(
        c,
        actor=u,
        outcome=p.outcome,
        summary=p.summary,
        fine_total=p.fine,
        execution_required=p.execution_required,
    ),
    "record_delivery": lambda c, u, p: services.record_delivery(
        c, actor=u, delivered_on=p.on, method=p.method or "direct", note=p.note
    ),
    "record_execution": lambda c, u, p: services.record_execution(
        c, actor=u, method=p.method, note=p.note, executed_on=p.on
    ),
    "close_case": lambda c, u, p: services.close_case(c, actor=u, note=p.note),
    "revoke_filing": lambda c, u, p: services.revoke_filing(
        c, actor=u, end_reason=p.end_reason, reason=p.reason
    ),
    "terminate": lambda c, u, p: services.terminate(
        c, actor=u, end_reason=p.end_reason, reason=p.reason
    ),
    "transfer_to_authority": lambda c, u, p: services.transfer_to_authority(
        c, actor=u, to=p.to, reason=p.reason
    ),
    "suspend_clock": lambda c, u, p: services.suspend_clock(
        c, actor=u, kind=p.kind, reason=p.reason, start=p.on
    ),
    "resume_clock": lambda c, u, p: services.resume_clock(c, actor=u, end=p.on),
    "extension": lambda c, u, p: services.request_extension(c, actor=u, reason=p.reason),
}


@router.post(
    "/{int:pk}/{action}", response={200: CaseDetailOut, **WRITE_ERRORS}, summary="执行操作"
)
def take_step(request: HttpRequest, pk: int, action: str, payload: CaseStepIn) -> dict[str, Any]:
    user = allowed_user(request, READ_CASES)
    case = _visible(user, pk)
    if action not in STEPS:
        raise Http404
    STEPS[action](case, user, payload)
    return _detail(_visible(user, pk), user)
