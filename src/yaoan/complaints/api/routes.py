"""complaints API: the list (paged, filtered, a search by phone through the blind index),
one record with the ``actions`` the caller may take now, staff entry, a POST per step,
rewards, and the reveal of reporter data with a reason. The routes only validate and
delegate to complaints.services, like the pages; a step the table does not allow from
the current state answers 409, another unit's record 404, bad input 422 with a code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from yaoan.common.api.paging import PageParams, page_of
from yaoan.common.api.schemas import DETAIL_ERRORS, READ_ERRORS, WRITE_ERRORS, RowId
from yaoan.common.api_fields import QueryText
from yaoan.common.errors import invalid
from yaoan.complaints import reward_services, services
from yaoan.complaints.api import schemas as s
from yaoan.complaints.enums import ComplaintError, ComplaintKind, ComplaintStatus
from yaoan.complaints.models import Complaint, ComplaintReward
from yaoan.complaints.queries import (
    complaints_visible_to,
    overdue_complaints,
    rewards_visible_to,
    visible_complaint,
)
from yaoan.complaints.rules import GUARDS, READ_COMPLAINT, RECEIVE_COMPLAINT
from yaoan.complaints.workflow import COMPLAINT, REWARD
from yaoan.core.access import allowed_user, visible_or_404
from yaoan.core.deadlines import deadlines_for
from yaoan.core.models import OrgUnit, User
from yaoan.core.pii.fields import matches
from yaoan.core.pii.services import reveal
from yaoan.core.transitions import allowed_actions
from yaoan.registry.models import Entity

router = Router(tags=["投诉举报"])


class ComplaintFilters(Schema):
    status: ComplaintStatus | None = None
    kind: ComplaintKind | None = None
    overdue: bool = False
    phone: QueryText | None = None


def _actions(workflow: Any, obj: Any, user: User) -> list[dict[str, Any]]:
    return [
        {"action": t.action, "label": str(t.label), "reason_required": t.reason_required}
        for t in allowed_actions(workflow, obj, user, guards=GUARDS)
    ]


def _out(obj: Complaint, user: User) -> dict[str, Any]:
    return {
        "id": obj.pk,
        "number": obj.number,
        "kind": obj.kind,
        "channel": obj.channel,
        "product_class": obj.product_class,
        "status": obj.status,
        "subject_name": obj.subject_name,
        "entity_id": obj.entity_id,
        "org_unit_id": obj.org_unit_id,
        "anonymous": obj.anonymous,
        # masked: PersonalValue.masked; the empty value stays empty
        "reporter_name": getattr(obj.reporter_name, "masked", ""),
        "reporter_phone": getattr(obj.reporter_phone, "masked", ""),
        "received_at": obj.received_at,
        "actions": _actions(COMPLAINT, obj, user),
    }


def _reward_out(reward: ComplaintReward, user: User) -> dict[str, Any]:
    return {
        "id": reward.pk,
        "status": reward.status,
        "rule": reward.rule.code,
        "penalty_reference": reward.penalty_reference,
        "fine_amount": reward.fine_amount,
        "amount": reward.amount,
        "paid_on": reward.paid_on,
        "actions": _actions(REWARD, reward, user),
    }


def _detail(obj: Complaint, user: User) -> dict[str, Any]:
    deadlines = [
        {"rule": d.rule.code, "label": d.rule.label, "state": d.state, "due_on": d.due_on}
        for d in deadlines_for(obj).order_by("id")
    ]
    rewards = obj.rewards.select_related("rule", "complaint").order_by("id")
    return _out(obj, user) | {
        "content": obj.content,
        "subject_address": obj.subject_address,
        "external_number": obj.external_number,
        "reporter_id_number": getattr(obj.reporter_id_number, "masked", ""),
        "reporter_address": getattr(obj.reporter_address, "masked", ""),
        "transfer_to_id": obj.transfer_to_id,
        "not_accepted_reason": obj.not_accepted_reason,
        "findings": obj.findings,
        "violation_found": obj.violation_found,
        "mediation_outcome": obj.mediation_outcome,
        "clue_item_id": obj.clue_item_id,
        "reply_text": obj.reply_text,
        "replied_at": obj.replied_at,
        "evaluation": obj.evaluation,
        "deadlines": deadlines,
        "rewards": [_reward_out(r, user) for r in rewards],
    }


@router.get("/", response={200: s.ComplaintPage, **READ_ERRORS}, summary="投诉举报列表")
def list_complaints(
    request: HttpRequest, filters: Query[ComplaintFilters], params: Query[PageParams]
) -> dict[str, Any]:
    user = allowed_user(request, READ_COMPLAINT)
    records = overdue_complaints(user) if filters.overdue else complaints_visible_to(user)
    if filters.status:
        records = records.filter(status=filters.status)
    if filters.kind:
        records = records.filter(kind=filters.kind)
    if filters.phone:
        records = records.filter(matches(Complaint, "reporter_phone", filters.phone))
    ordered = records.order_by("-received_at", "-id")
    return page_of(ordered, params, lambda o: _out(o, user))


@router.get(
    "/{int:pk}", response={200: s.ComplaintDetailOut, **DETAIL_ERRORS}, summary="投诉举报详情"
)
def get_complaint(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = allowed_user(request, READ_COMPLAINT)
    return _detail(visible_complaint(user, pk), user)


def _entity(entity_id: int | None) -> Entity | None:
    if entity_id is None:
        return None
    found = Entity.objects.filter(pk=entity_id).select_related("subdistrict__station").first()
    if found is None:
        raise invalid(ComplaintError.BAD_CHOICE, _("监管对象不存在"), field="entity_id")
    return found


@router.post("/", response={201: s.ComplaintReceivedOut, **WRITE_ERRORS}, summary="登记投诉举报")
def receive(request: HttpRequest, payload: s.ComplaintIn) -> Status[dict[str, Any]]:
    user = allowed_user(request, RECEIVE_COMPLAINT)
    values = payload.model_dump(exclude={"entity_id", "org_unit_id"})
    unit = None
    if payload.org_unit_id is not None:
        unit = OrgUnit.objects.filter(pk=payload.org_unit_id, is_active=True).first()
        if unit is None:
            raise invalid(ComplaintError.NO_UNIT, _("承办单位不存在或已停用"), field="org_unit_id")
    data = services.ComplaintInput(**values, entity=_entity(payload.entity_id), org_unit=unit)
    complaint = services.receive_complaint(actor=user, data=data)
    body = _detail(complaint, user) | {"lookup_code": complaint.issued_lookup_code}  # type: ignore[attr-defined]
    return Status(201, body)


Step = Callable[[Complaint, User, Any], Complaint]

STEPS: dict[str, tuple[type[Schema], Step]] = {
    "accept": (s.NoteIn, lambda c, u, p: services.accept_complaint(c, actor=u, note=p.note)),
    "not_accept": (
        s.NotAcceptIn,
        lambda c, u, p: services.not_accept_complaint(
            c, actor=u, legal_reason=p.legal_reason, reason=p.reason
        ),
    ),
    "transfer": (
        s.TransferIn,
        lambda c, u, p: services.transfer_complaint(
            c, actor=u, to_unit_id=p.to_unit_id, reason=p.reason
        ),
    ),
    "confirm_transfer": (
        s.NoteIn,
        lambda c, u, p: services.confirm_transfer(c, actor=u, note=p.note),
    ),
    "refuse_transfer": (
        s.ComplaintReasonIn,
        lambda c, u, p: services.refuse_transfer(c, actor=u, reason=p.reason),
    ),
    "withdraw_transfer": (
        s.ComplaintReasonIn,
        lambda c, u, p: services.withdraw_transfer(c, actor=u, reason=p.reason),
    ),
    "confirm_handover": (
        s.ComplaintReasonIn,
        lambda c, u, p: services.confirm_handover(c, actor=u, reason=p.reason),
    ),
    "verify": (
        s.VerifyIn,
        lambda c, u, p: services.verify_complaint(
            c, actor=u, findings=p.findings, violation_found=p.violation_found
        ),
    ),
    "mediate": (
        s.MediateIn,
        lambda c, u, p: services.mediate_complaint(c, actor=u, outcome=p.outcome, note=p.note),
    ),
    "to_clue": (
        s.ComplaintClueIn,
        lambda c, u, p: services.send_to_clue(c, actor=u, summary=p.summary),
    ),
    "reply": (
        s.ReplyIn,
        lambda c, u, p: services.reply_complaint(c, actor=u, text=p.text, channel=p.channel),
    ),
    "evaluate": (
        s.EvaluateIn,
        lambda c, u, p: services.record_evaluation(
            c, actor=u, evaluation=p.evaluation, comment=p.comment
        ),
    ),
    "close": (
        s.ComplaintReasonIn,
        lambda c, u, p: services.close_complaint(c, actor=u, reason=p.reason),
    ),
}


def _step_route(action: str, schema: type[Schema], step: Step) -> None:
    label = next(str(t.label) for t in COMPLAINT.transitions if t.action == action)

    def route(request: HttpRequest, pk: int, payload: Any) -> dict[str, Any]:
        user = allowed_user(request, READ_COMPLAINT)
        # a record offered by a transfer is visible to the receiving unit too
        return _detail(step(visible_complaint(user, pk), user, payload), user)

    route.__annotations__ = {"request": HttpRequest, "pk": int, "payload": schema, "return": dict}
    route.__name__ = f"complaint_{action}"
    router.post(
        f"/{{int:pk}}/{action}",
        response={200: s.ComplaintDetailOut, **WRITE_ERRORS},
        summary=label,
        operation_id=f"complaints_{action}",
    )(route)


for _action, (_schema, _step) in STEPS.items():
    _step_route(_action, _schema, _step)


@router.post(
    "/{int:pk}/match", response={200: s.ComplaintDetailOut, **WRITE_ERRORS}, summary="匹配监管对象"
)
def match(request: HttpRequest, pk: int, payload: s.MatchIn) -> dict[str, Any]:
    user = allowed_user(request, READ_COMPLAINT)
    complaint = visible_complaint(user, pk)
    done = services.match_entity(complaint, actor=user, entity=_entity(payload.entity_id))
    return _detail(done, user)


@router.post(
    "/{int:pk}/extension", response={200: s.ComplaintDetailOut, **WRITE_ERRORS}, summary="申请延期"
)
def extension(request: HttpRequest, pk: int, payload: s.ExtensionIn) -> dict[str, Any]:
    user = allowed_user(request, READ_COMPLAINT)
    complaint = visible_complaint(user, pk)
    services.request_complaint_extension(
        complaint, actor=user, rule_code=payload.rule_code, reason=payload.reason
    )
    return _detail(complaint, user)


@router.post(
    "/{int:pk}/reveal", response={200: s.RevealOut, **WRITE_ERRORS}, summary="查看完整个人信息"
)
def reveal_field(request: HttpRequest, pk: int, payload: s.RevealIn) -> dict[str, Any]:
    user = allowed_user(request, READ_COMPLAINT)
    complaint = visible_complaint(user, pk)
    value = reveal(actor=user, obj=complaint, field=payload.field, reason=payload.reason)
    return {"field": payload.field, "value": value}


@router.post(
    "/{int:pk}/rewards", response={201: s.RewardOut, **WRITE_ERRORS}, summary="申请举报奖励"
)
def propose_reward(request: HttpRequest, pk: int, payload: s.RewardIn) -> Status[dict[str, Any]]:
    user = allowed_user(request, READ_COMPLAINT)
    reward = reward_services.propose_reward(
        visible_complaint(user, pk),
        actor=user,
        rule_code=payload.rule_code,
        penalty_reference=payload.penalty_reference,
        fine_amount=payload.fine_amount,
        reason=payload.reason,
    )
    return Status(201, _reward_out(reward, user))


def _reward(user: User, pk: RowId) -> ComplaintReward:
    return visible_or_404(
        rewards_visible_to(user).select_related("rule", "complaint"),
        pk,
        user=user,
        action="complaints.access.denied",
        object_type="complaints.complaintreward",
    )


@router.post(
    "/rewards/{int:pk}/approve", response={200: s.RewardOut, **WRITE_ERRORS}, summary="批准奖励"
)
def approve_reward(request: HttpRequest, pk: int, payload: s.ComplaintReasonIn) -> dict[str, Any]:
    user = allowed_user(request, READ_COMPLAINT)
    done = reward_services.approve_reward(_reward(user, pk), actor=user, reason=payload.reason)
    return _reward_out(done, user)


@router.post(
    "/rewards/{int:pk}/reject", response={200: s.RewardOut, **WRITE_ERRORS}, summary="不予奖励"
)
def reject_reward(request: HttpRequest, pk: int, payload: s.ComplaintReasonIn) -> dict[str, Any]:
    user = allowed_user(request, READ_COMPLAINT)
    done = reward_services.reject_reward(_reward(user, pk), actor=user, reason=payload.reason)
    return _reward_out(done, user)


@router.post(
    "/rewards/{int:pk}/pay", response={200: s.RewardOut, **WRITE_ERRORS}, summary="登记发放"
)
def pay_reward(request: HttpRequest, pk: int, payload: s.PaymentIn) -> dict[str, Any]:
    user = allowed_user(request, READ_COMPLAINT)
    done = reward_services.record_reward_payment(
        _reward(user, pk),
        actor=user,
        paid_on=payload.paid_on,
        payment_reference=payload.payment_reference,
    )
    return _reward_out(done, user)
