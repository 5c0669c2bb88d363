"""The discretion API, mounted under /api/penalties/ (cases/{pk}/…, dishonesty-list): a
case's assessment (the suggestion for given facts, the proposal saved), a person's penalty
(处罚到人), and the 严重失信主体名单 with its steps. The routes only validate and delegate
to the services; refusals answer as everywhere (409 a step the state does not allow, 422
bad input, 403, 404 outside the scope)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from yaoan.cases import listing_services, penalty_services
from yaoan.cases.api.penalty_schemas import (
    PenaltyAssessmentIn,
    PenaltyAssessmentOut,
    PenaltyFactsIn,
    PenaltyListingIn,
    PenaltyListingOut,
    PenaltyListingPage,
    PenaltyPersonIn,
    PenaltyReasonIn,
    PenaltyRowOut,
    PenaltySuggestionOut,
)
from yaoan.cases.discretion import Suggestion
from yaoan.cases.models import Assessment, Case, Circumstance, DishonestyListing, Penalty, Violation
from yaoan.cases.penalty_enums import PenaltyError
from yaoan.cases.penalty_queries import listings_visible_to, penalties_of
from yaoan.cases.penalty_rules import READ_LISTINGS
from yaoan.cases.penalty_workflow import LISTING
from yaoan.cases.queries import cases_visible_to
from yaoan.cases.rules import READ_CASES
from yaoan.common.api.paging import PageParams, page_of
from yaoan.common.api.schemas import DETAIL_ERRORS, READ_ERRORS, WRITE_ERRORS
from yaoan.common.errors import invalid
from yaoan.common.masking import mask_personal
from yaoan.core.access import allowed_user, visible_or_404
from yaoan.core.models import User
from yaoan.core.transitions import allowed_actions
from yaoan.registry.models import Licence

router = Router(tags=["处罚裁量与失信名单"])
DENIED = "cases.access.denied"


def _case(user: User, pk: int) -> Case:
    return visible_or_404(
        cases_visible_to(user), pk, user=user, action=DENIED, object_type="cases.case"
    )


def _suggestion(s: Suggestion) -> dict[str, Any]:
    return {
        "band": s.band,
        "kinds": list(s.kinds),
        "legal_minimum": s.legal_minimum,
        "legal_maximum": s.legal_maximum,
        "band_minimum": s.band_minimum,
        "band_maximum": s.band_maximum,
        "fine": s.fine,
        "notes": list(s.notes),
    }


def _penalty(p: Penalty) -> dict[str, Any]:
    return {
        "id": p.pk,
        "target": p.target,
        "kind": p.kind,
        "amount": p.amount,
        "goods": p.goods,
        "licence_id": p.licence_id,
        "term_months": p.term_months,
        "for_life": p.for_life,
        "person_name": mask_personal("name", str(p.person_name or "")),
        "person_role": p.person_role,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
    }


def _assessment(case: Case) -> dict[str, Any]:
    found = Assessment.objects.filter(case=case).select_related("violation").first()
    penalties = [_penalty(p) for p in penalties_of(case.pk)]
    if found is None:
        return {
            "violation": None, "circumstances": [], "goods_value": None, "illegal_income": None,
            "suggestion": None, "departs": False, "departure_reason": "", "penalties": penalties,
        }  # fmt: skip
    return {
        "violation": found.violation.code,
        "circumstances": sorted(found.circumstances.values_list("code", flat=True)),
        "goods_value": found.goods_value,
        "illegal_income": found.illegal_income,
        "suggestion": _suggestion(penalty_services.stored_suggestion(found)),
        "departs": found.departs,
        "departure_reason": found.departure_reason,
        "penalties": penalties,
    }


def _facts(payload: PenaltyFactsIn) -> tuple[Violation, list[Circumstance]]:
    violation = Violation.objects.filter(code=payload.violation, is_active=True).first()
    if violation is None:
        raise invalid(PenaltyError.CIRCUMSTANCE_NOT_APPLICABLE, "没有该违法行为编码", "violation")
    codes = set(payload.circumstances)
    found = list(Circumstance.objects.filter(code__in=codes))
    if len(found) != len(codes):
        raise invalid(PenaltyError.CIRCUMSTANCE_NOT_APPLICABLE, field="circumstances")
    return violation, found


@router.get(
    "/cases/{int:pk}/assessment",
    response={200: PenaltyAssessmentOut, **DETAIL_ERRORS},
    summary="处罚裁量",
)
def get_assessment(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = allowed_user(request, READ_CASES)
    return _assessment(_case(user, pk))


@router.post(
    "/cases/{int:pk}/assessment/suggestion",
    response={200: PenaltySuggestionOut, **WRITE_ERRORS},
    summary="计算裁量建议（不保存）",
)
def suggest(request: HttpRequest, pk: int, payload: PenaltyFactsIn) -> dict[str, Any]:
    user = allowed_user(request, READ_CASES)
    _case(user, pk)
    violation, ticked = _facts(payload)
    return _suggestion(
        penalty_services.suggestion_for(
            violation,
            [c.effect for c in ticked],
            goods_value=payload.goods_value,
            illegal_income=payload.illegal_income,
        )
    )


@router.post(
    "/cases/{int:pk}/assessment",
    response={200: PenaltyAssessmentOut, **WRITE_ERRORS},
    summary="保存处罚意见",
)
def save_assessment(request: HttpRequest, pk: int, payload: PenaltyAssessmentIn) -> dict[str, Any]:
    user = allowed_user(request, READ_CASES)
    case = _case(user, pk)
    violation, ticked = _facts(payload)
    licence = None
    if payload.licence_id is not None:
        licence = Licence.objects.filter(pk=payload.licence_id).first()
        if licence is None:
            raise invalid(PenaltyError.KIND_NOT_FOR_TARGET, "没有该许可证件", "licence_id")
    penalty_services.assess_case(
        case,
        actor=user,
        violation=violation,
        circumstance_ids=[c.pk for c in ticked],
        goods_value=payload.goods_value,
        illegal_income=payload.illegal_income,
        proposal=penalty_services.Proposal(
            kinds=tuple(str(k) for k in payload.kinds),
            fine=payload.fine,
            confiscated_income=payload.confiscated_income,
            confiscated_goods=payload.confiscated_goods,
            suspension_months=payload.suspension_months,
            licence=licence,
            reason=payload.departure_reason,
        ),
    )
    return _assessment(case)


@router.post(
    "/cases/{int:pk}/persons", response={201: PenaltyRowOut, **WRITE_ERRORS}, summary="处罚到人"
)
def add_person(request: HttpRequest, pk: int, payload: PenaltyPersonIn) -> Status[dict[str, Any]]:
    user = allowed_user(request, READ_CASES)
    row = penalty_services.add_person_penalty(
        _case(user, pk),
        actor=user,
        kind=payload.kind,
        name=payload.name,
        id_number=payload.id_number,
        role=payload.role,
        amount=payload.amount,
        term_months=payload.term_months,
        for_life=payload.for_life,
    )
    return Status(201, _penalty(row))


def _listing(listing: DishonestyListing, user: User) -> dict[str, Any]:
    return {
        "id": listing.pk,
        "entity_id": listing.entity_id,
        "entity_name": listing.entity.name,
        "case_id": listing.case_id,
        "case_number": listing.case.number,
        "status": listing.status,
        "grounds": listing.grounds,
        "basis": listing.basis,
        "proposed_at": listing.proposed_at,
        "listed_on": listing.listed_on,
        "repaired_at": listing.repaired_at,
        "actions": [
            {"action": t.action, "label": str(t.label), "reason_required": t.reason_required}
            for t in allowed_actions(LISTING, listing, user)
        ],
    }


@router.get(
    "/dishonesty-list",
    response={200: PenaltyListingPage, **READ_ERRORS},
    summary="严重失信主体名单",
)
def list_listings(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    user = allowed_user(request, READ_LISTINGS)
    qs = listings_visible_to(user).order_by("-proposed_at", "-id")
    return page_of(qs, params, lambda row: _listing(row, user))


@router.post(
    "/cases/{int:pk}/listing",
    response={201: PenaltyListingOut, **WRITE_ERRORS},
    summary="提出列入严重失信主体名单",
)
def propose(request: HttpRequest, pk: int, payload: PenaltyListingIn) -> Status[dict[str, Any]]:
    user = allowed_user(request, READ_CASES)
    listing = listing_services.propose_listing(
        _case(user, pk), actor=user, grounds=payload.grounds, basis=payload.basis
    )
    return Status(201, _listing(listing, user))


STEPS = {
    "approve": listing_services.approve_listing,
    "refuse": listing_services.refuse_listing,
    "repair": listing_services.repair_listing,
}


@router.post(
    "/dishonesty-list/{int:pk}/{action}",
    response={200: PenaltyListingOut, **WRITE_ERRORS},
    summary="名单审批：approve 批准列入、refuse 不予列入、repair 信用修复",
)
def listing_step(
    request: HttpRequest, pk: int, action: str, payload: PenaltyReasonIn
) -> dict[str, Any]:
    user = allowed_user(request, READ_LISTINGS)
    if action not in STEPS:
        raise Http404
    listing = visible_or_404(
        listings_visible_to(user),
        pk,
        user=user,
        action=DENIED,
        object_type="cases.dishonestylisting",
    )
    done = STEPS[action](listing, actor=user, reason=payload.reason)
    return _listing(done, user)
