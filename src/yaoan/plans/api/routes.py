"""Plans API: rules, generation, plans and their items, the workflow. Routes validate and
delegate to plans.services; reads are scoped like the pages (a station sees its items)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from yaoan.common.api.paging import PageParams, page_of
from yaoan.common.api.schemas import DETAIL_ERRORS, ErrorOut
from yaoan.common.errors import APPROVER_IS_SUBMITTER, ILLEGAL_TRANSITION
from yaoan.core.access import allowed_user
from yaoan.core.models import User
from yaoan.core.rules import data_scope
from yaoan.plans import keylist, rule_services, services
from yaoan.plans.api.schemas import (
    FrequencyRuleOut,
    FrequencyRulePatch,
    GenerateIn,
    KeyListRuleOut,
    KeyListRulePatch,
    PlanItemPage,
    PlanOut,
    PlanReasonIn,
)
from yaoan.plans.enums import PlanAction, PlanLock
from yaoan.plans.filtersets import PlanItemFilterSet
from yaoan.plans.models import AnnualPlan, FrequencyRule, KeyListRule
from yaoan.plans.queries import items_visible_to, plans_with_counts
from yaoan.plans.rules import MANAGE_PLANS, READ_PLANS

router = Router(tags=["年度检查清单"])
ERRORS = DETAIL_ERRORS
# an out-of-order step on a version is a 409 with one message and its code
WRITE_ERRORS = {**DETAIL_ERRORS, 409: ErrorOut}


# a version's step refused by its state: one message and one code (a failed guard keeps
# the general shape, a list of errors)
PLAN_STEP_CONFLICTS = frozenset({ILLEGAL_TRANSITION, APPROVER_IS_SUBMITTER})


def _is_plan_conflict(code: object) -> bool:
    return isinstance(code, PlanLock) or code in PLAN_STEP_CONFLICTS


def _conflict(exc: ValidationError) -> Status[dict[str, Any]] | None:
    """Out-of-order workflow steps are 409 (S19), other validation errors stay 422."""
    codes = [] if hasattr(exc, "error_dict") else [e.code for e in exc.error_list]
    conflicts = sorted(str(code) for code in codes if _is_plan_conflict(code))
    if conflicts:
        return Status(409, {"detail": "；".join(exc.messages), "code": conflicts[0]})
    return None


def _key_rule_out(rule: KeyListRule) -> dict[str, Any]:
    status = keylist.source_status(rule.code)
    return {
        "code": rule.code,
        "label": rule.label,
        "enabled": rule.enabled,
        "min_visits": rule.min_visits,
        "parameters": rule.parameters,
        "source": rule.source,
        "connected": status.connected,
        "source_status": status.text,
    }


def _plans_with_counts(user: User) -> QuerySet[AnnualPlan]:
    return plans_with_counts(data_scope(user))


# --- rules ----------------------------------------------------------------------------------


@router.get(
    "/frequency-rules", response={200: list[FrequencyRuleOut], **ERRORS}, summary="检查频次规则"
)
def list_frequency_rules(request: HttpRequest) -> QuerySet[FrequencyRule]:
    allowed_user(request, READ_PLANS)
    return FrequencyRule.objects.all()


@router.patch(
    "/frequency-rules/{rule_id}",
    response={200: FrequencyRuleOut, **ERRORS},
    summary="修改检查频次规则",
    description="仅股室负责人；须填写原因，修改前后记入审计。",
)
def patch_frequency_rule(
    request: HttpRequest, rule_id: int, payload: FrequencyRulePatch
) -> FrequencyRule:
    user = allowed_user(request, MANAGE_PLANS)
    rule = get_object_or_404(FrequencyRule, pk=rule_id)
    data = payload.model_dump(exclude_unset=True, exclude={"reason"}, exclude_none=True)
    return rule_services.update_frequency_rule(
        actor=user, rule=rule, data=data, reason=payload.reason
    )


@router.get(
    "/key-list-rules", response={200: list[KeyListRuleOut], **ERRORS}, summary="重点清单规则"
)
def list_key_list_rules(request: HttpRequest) -> list[dict[str, Any]]:
    allowed_user(request, READ_PLANS)
    return [_key_rule_out(r) for r in KeyListRule.objects.all()]


@router.patch(
    "/key-list-rules/{code}",
    response={200: KeyListRuleOut, **ERRORS},
    summary="修改重点清单规则",
    description="仅股室负责人；须填写原因，修改前后记入审计。",
)
def patch_key_list_rule(
    request: HttpRequest, code: str, payload: KeyListRulePatch
) -> dict[str, Any]:
    user = allowed_user(request, MANAGE_PLANS)
    rule = get_object_or_404(KeyListRule, code=code)
    data = payload.model_dump(exclude_unset=True, exclude={"reason"}, exclude_none=True)
    rule = rule_services.update_key_list_rule(
        actor=user, rule=rule, data=data, reason=payload.reason
    )
    return _key_rule_out(rule)


# --- plans ------------------------------------------------------------------------------------


@router.post(
    "/annual-plans/generate",
    response={201: PlanOut, **WRITE_ERRORS},
    summary="生成年度清单草稿",
    description="按现行规则生成；已有草稿则替换其内容，已提交的版本须先退回，已批准的版本不受影响。",
)
def generate(request: HttpRequest, payload: GenerateIn) -> Any:
    user = allowed_user(request, MANAGE_PLANS)
    try:
        plan = services.generate_plan(
            year=payload.year, actor=user, note=payload.note, source="api"
        )
    except ValidationError as exc:
        conflict = _conflict(exc)
        if conflict is None:
            raise
        return conflict
    return Status(201, _plans_with_counts(user).get(pk=plan.pk))


@router.get("/annual-plans", response={200: list[PlanOut], **ERRORS}, summary="年度清单（各版本）")
def list_plans(request: HttpRequest, year: int | None = None) -> QuerySet[AnnualPlan]:
    user = allowed_user(request, READ_PLANS)
    plans = _plans_with_counts(user).order_by("-year", "-version")
    return plans.filter(year=year) if year else plans


@router.get("/annual-plans/{plan_id}", response={200: PlanOut, **ERRORS}, summary="年度清单详情")
def get_plan(request: HttpRequest, plan_id: int) -> AnnualPlan:
    user = allowed_user(request, READ_PLANS)
    return get_object_or_404(_plans_with_counts(user), pk=plan_id)


@router.get(
    "/annual-plans/{plan_id}/items",
    response={200: PlanItemPage, **ERRORS},
    summary="清单对象",
    description="筛选条件与清单页面相同：station（所编号）、reason（理由代码）、quarter（1–4）、"
    "joint、q（名称/代码/拼音首字母）。仅返回本人管辖范围内的对象。",
)
def list_items(request: HttpRequest, plan_id: int, paging: Query[PageParams]) -> dict[str, Any]:
    user = allowed_user(request, READ_PLANS)
    plan = get_object_or_404(AnnualPlan, pk=plan_id)
    filterset = PlanItemFilterSet(request.GET, queryset=items_visible_to(user, plan))
    if not filterset.is_valid():
        raise ValidationError(filterset.errors.as_data())
    qs = filterset.qs.select_related("entity", "station").order_by("station_id", "entity_id")
    return page_of(qs, paging)


def _transition(request: HttpRequest, plan_id: int, action: str, reason: str) -> Any:
    # the service decides which step this user may take (submit: a chief; approve and
    # return: the configured approver, never the plan's author)
    user = allowed_user(request, READ_PLANS)
    plan = get_object_or_404(AnnualPlan, pk=plan_id)
    try:
        services.transition_plan(actor=user, plan=plan, action=action, reason=reason)
    except ValidationError as exc:
        conflict = _conflict(exc)
        if conflict is None:
            raise
        return conflict
    return _plans_with_counts(user).get(pk=plan.pk)


@router.post(
    "/annual-plans/{plan_id}/submit", response={200: PlanOut, **WRITE_ERRORS}, summary="提交审批"
)
def submit(request: HttpRequest, plan_id: int) -> Any:
    return _transition(request, plan_id, PlanAction.SUBMIT, "")


@router.post(
    "/annual-plans/{plan_id}/approve",
    response={200: PlanOut, **WRITE_ERRORS},
    summary="批准",
    description="批准后清单不可更改，并取得文号；同年度原已批准的版本被替代。",
)
def approve(request: HttpRequest, plan_id: int) -> Any:
    return _transition(request, plan_id, PlanAction.APPROVE, "")


@router.post(
    "/annual-plans/{plan_id}/return", response={200: PlanOut, **WRITE_ERRORS}, summary="退回修改"
)
def return_for_changes(request: HttpRequest, plan_id: int, payload: PlanReasonIn) -> Any:
    return _transition(request, plan_id, PlanAction.RETURN, payload.reason)
