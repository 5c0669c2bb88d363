"""Staff pages of 举报奖励: the rewards section of a report's page with the proposal form,
the proposal page (the amount the grade gives is shown before saving), one reward with the
buttons its workflow allows (approve, reject with a reason, record the payment) and its
history, the list of rewards in scope, and the district's reward measures for whoever may
change them. Every write is reward_services'. Nothing here shows the reporter beyond the
masked value (core.pii's ``personal_value``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaoan.common.forms import add_service_errors
from yaoan.common.paging import MAX_PAGE
from yaoan.complaints import reward_services
from yaoan.complaints.enums import ComplaintKind, RewardStatus
from yaoan.complaints.forms_rewards import (
    RewardFilterForm,
    RewardNoteForm,
    RewardPaymentForm,
    RewardProposalForm,
    RewardRejectForm,
    RewardRuleForm,
)
from yaoan.complaints.models import Complaint, ComplaintReward, RewardRule
from yaoan.complaints.queries import DENIED, rewards_visible_to, visible_complaint
from yaoan.complaints.reward_services import RULE_FIELDS, can_set_reward_rules
from yaoan.complaints.rules import READ_COMPLAINT, can_approve_reward, can_handle_complaint
from yaoan.complaints.workflow import REWARD
from yaoan.core.access import allowed_user, refusal, visible_or_404
from yaoan.core.models import AuditEvent, User
from yaoan.core.rules import Gate
from yaoan.core.step_pages import offered_step, submitted
from yaoan.core.transitions import allowed_actions

PAGE_SIZE = 50
OBJECT_TYPE = "complaints.complaintreward"
DETAIL_RELATED = (
    "rule",
    "complaint",
    "complaint__org_unit",
    "complaint__entity",
    "proposed_by",
    "decided_by",
)
HISTORY_LABELS = {
    "complaints.complaintreward.proposed": gettext_lazy("申请奖励"),
    **{f"{REWARD.name}.{t.verb or t.action}": t.label for t in REWARD.transitions},
}
SET_RULES = Gate(
    can_set_reward_rules, "complaints.access.denied", gettext_lazy("您无权修改举报奖励标准。")
)


def visible_reward(user: User, pk: int) -> ComplaintReward:
    """A reward of a record in the user's scope; another unit's answers 404 (audited)."""
    return visible_or_404(
        rewards_visible_to(user).select_related(*DETAIL_RELATED),
        pk,
        user=user,
        action=DENIED,
        object_type=OBJECT_TYPE,
    )


def _rewardable(complaint: Complaint) -> bool:
    """What propose_reward requires of the report (it says so again on submit)."""
    return (
        complaint.kind == ComplaintKind.REPORT
        and complaint.clue_item_id is not None
        and not complaint.anonymous
    )


def reward_section(user: User, complaint: Complaint) -> dict[str, Any]:
    """The "奖励" section of a report's page: its rewards, and the proposal form for a
    handler while the report is rewardable and has no live reward. Nothing for a 投诉."""
    if complaint.kind != ComplaintKind.REPORT:
        return {}
    rewards = list(complaint.rewards.select_related("rule").order_by("-proposed_at", "-id"))
    live = any(r.status != RewardStatus.REJECTED for r in rewards)
    may_propose = _rewardable(complaint) and not live and can_handle_complaint(user, complaint)
    return {
        "reward_section": {
            "rewards": rewards,
            "form": RewardProposalForm() if may_propose else None,
            "rewardable": _rewardable(complaint),
        }
    }


def reward_propose_view(request: HttpRequest, pk: int) -> HttpResponse:
    """申请奖励; the "计算" button shows the amount the grade gives without saving."""
    user = allowed_user(request, READ_COMPLAINT)
    complaint = visible_complaint(user, pk)
    if not can_handle_complaint(user, complaint):
        raise refusal(request, user, READ_COMPLAINT.action, _("您无权为该举报申请奖励。"))
    form = RewardProposalForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            preview = reward_services.reward_amount(data["rule"], data["fine_amount"])
        else:
            try:
                reward = reward_services.propose_reward(
                    complaint,
                    actor=user,
                    rule_code=data["rule"].code,
                    penalty_reference=data["penalty_reference"],
                    fine_amount=data["fine_amount"],
                    reason=data.get("reason", ""),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or _("您无权执行此操作。"))
            else:
                messages.success(request, _("已申请奖励，待股室负责人审批"))
                return redirect("complaints:reward_detail", reward.pk)
    return render(
        request,
        "complaints/reward_propose.html",
        {"form": form, "complaint": complaint, "preview": preview},
    )


def reward_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_COMPLAINT)
    reward = visible_reward(user, pk)
    # the reward's own steps, not the refusals of others recorded against its id
    history = AuditEvent.objects.filter(
        object_type=OBJECT_TYPE, object_id=str(reward.pk), action__in=list(HISTORY_LABELS)
    )
    waiting = reward.status == RewardStatus.PROPOSED
    return render(
        request,
        "complaints/reward_detail.html",
        {
            "reward": reward,
            "complaint": reward.complaint,
            "actions": allowed_actions(REWARD, reward, user),
            # the proposer who is a chief sees why there is no approve button
            "own_proposal": waiting
            and reward.proposed_by_id == user.pk
            and can_approve_reward(user, reward),
            "history": [
                (e, HISTORY_LABELS.get(e.action, e.action)) for e in history.order_by("seq")
            ],
        },
    )


FormFactory = Callable[[Any], forms.Form]
Runner = Callable[[ComplaintReward, User, dict[str, Any]], Any]


@dataclass(frozen=True)
class RewardStep:
    form: FormFactory
    run: Runner


STEPS: dict[str, RewardStep] = {
    "approve": RewardStep(
        RewardNoteForm,
        lambda r, user, d: reward_services.approve_reward(
            r, actor=user, reason=d.get("reason", "")
        ),
    ),
    "reject": RewardStep(
        RewardRejectForm,
        lambda r, user, d: reward_services.reject_reward(r, actor=user, reason=d["reason"]),
    ),
    "pay": RewardStep(
        RewardPaymentForm,
        lambda r, user, d: reward_services.record_reward_payment(
            r, actor=user, paid_on=d["paid_on"], payment_reference=d["payment_reference"]
        ),
    ),
}


def reward_step_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = allowed_user(request, READ_COMPLAINT)
    reward = visible_reward(user, pk)
    step = STEPS.get(action)
    if step is None:
        raise Http404
    back = reverse("complaints:reward_detail", args=[reward.pk])
    transition = offered_step(
        request,
        REWARD,
        reward,
        action,
        user=user,
        denied_action=READ_COMPLAINT.action,
        stale=_("该奖励当前状态为“%(s)s”，不能再办理此步骤"),
        denied=_("您无权办理该奖励的此步骤。"),
        back=back,
    )
    if isinstance(transition, HttpResponse):
        return transition
    if transition.approval and reward.proposed_by_id == user.pk:
        messages.error(request, _("申请人不能审批本人的奖励申请，须由另一位股室负责人审批。"))
        return redirect(back)
    form = step.form(request.POST if request.method == "POST" else None)
    done = _("已办理：%(a)s") % {"a": transition.label}
    if submitted(request, form, lambda data: step.run(reward, user, data), done=done):
        return redirect(back)
    return render(
        request,
        "complaints/reward_step.html",
        {"form": form, "reward": reward, "title": transition.label},
    )


def reward_list_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_COMPLAINT)
    form = RewardFilterForm(request.GET)
    rows = rewards_visible_to(user).select_related(
        "rule", "complaint", "complaint__org_unit", "complaint__entity"
    )
    if not form.is_valid():
        rows = rows.none()
    elif form.cleaned_data["status"]:
        rows = rows.filter(status=form.cleaned_data["status"])
    raw = request.GET.get("page", "1")
    number = int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_PAGE else 1
    page = Paginator(rows.order_by("-proposed_at", "-id"), PAGE_SIZE).get_page(number)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/reward_list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring": query.urlencode(),
            "may_set_rules": can_set_reward_rules(user),
        },
    )


def reward_rule_list_view(request: HttpRequest) -> HttpResponse:
    allowed_user(request, SET_RULES)
    return render(
        request, "complaints/reward_rules.html", {"rules": list(RewardRule.objects.all())}
    )


def reward_rule_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    """Change one grade through set_reward_rule (audited with before and after); only the
    fields changed are passed, so an unchanged save writes nothing."""
    user = allowed_user(request, SET_RULES)
    rule = get_object_or_404(RewardRule, code=code)
    initial = {name: getattr(rule, name) for name in RULE_FIELDS}
    form = RewardRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changed:
            messages.info(request, _("奖励标准未作修改"))
            return redirect("complaints:reward_rules")
        try:
            reward_services.set_reward_rule(actor=user, code=rule.code, **changed)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("您无权执行此操作。"))
        else:
            messages.success(
                request, _("已保存奖励标准：%(l)s") % {"l": form.cleaned_data["label"]}
            )
            return redirect("complaints:reward_rules")
    return render(request, "complaints/reward_rule_form.html", {"form": form, "rule": rule})
