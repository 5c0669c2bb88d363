"""举报奖励: the amount by the district's configured rule, the proposal, the approval by
another person (a section chief), the payment record, and the notice the reporter reads
through the lookup code. The only writers of rewards and reward rules."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.common.errors import invalid
from yaoan.complaints.enums import ComplaintConflict, ComplaintError, RewardStatus
from yaoan.complaints.models import Complaint, ComplaintReward, RewardRule
from yaoan.complaints.rules import APPROVERS, can_handle_complaint
from yaoan.complaints.workflow import REWARD
from yaoan.core import audit
from yaoan.core.models import User
from yaoan.core.rules import data_scope
from yaoan.core.transitions import take

CENT = Decimal("0.01")
RULE_FIELDS = ["label", "percent", "minimum", "maximum", "no_fine_amount", "basis", "is_active"]


def _amount(field: str, value: Any) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise invalid(ComplaintError.BAD_AMOUNT, field=field) from None
    if amount < 0 or not amount.is_finite():
        raise invalid(ComplaintError.BAD_AMOUNT, field=field)
    return amount


def reward_amount(rule: RewardRule, fine_amount: Decimal) -> Decimal:
    """The rule's share of the fines and confiscations, within its floor and ceiling; the
    rule's fixed sum when there was no fine."""
    if fine_amount <= 0:
        return rule.no_fine_amount.quantize(CENT)
    share = (fine_amount * rule.percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return min(max(share, rule.minimum), rule.maximum)


def _active_rule(code: str) -> RewardRule:
    rule = RewardRule.objects.filter(code=code, is_active=True).first()
    if rule is None:
        raise invalid(ComplaintError.NO_REWARD_RULE, field="rule")
    return rule


@transaction.atomic
def propose_reward(
    complaint: Complaint,
    *,
    actor: User,
    rule_code: str,
    penalty_reference: str,
    fine_amount: Any,
    reason: str = "",
) -> ComplaintReward:
    """A handler proposes a reward for a report that was found true and handed on as a
    clue, citing the penalty decision it led to."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not can_handle_complaint(actor, complaint):
        raise PermissionDenied(_("您无权为该举报申请奖励"))
    if complaint.kind != "report" or complaint.clue_item_id is None or complaint.anonymous:
        raise invalid(ComplaintError.NOT_REWARDABLE, field="complaint")
    reference = (penalty_reference or "").strip()[:100]
    if not reference:
        raise invalid("required", _("请填写处罚决定书文号"), field="penalty_reference")
    rule = _active_rule(rule_code)
    fine = _amount("fine_amount", fine_amount)
    if complaint.rewards.exclude(status=RewardStatus.REJECTED).exists():
        raise invalid(ComplaintConflict.REWARD_EXISTS, field="complaint")
    reward = ComplaintReward.objects.create(
        complaint=complaint,
        rule=rule,
        penalty_reference=reference,
        fine_amount=fine,
        amount=reward_amount(rule, fine),
        proposed_by=actor,
        proposed_at=timezone.now(),
    )
    audit.record(
        "complaints.complaintreward.proposed",
        actor=actor,
        obj=reward,
        after=audit.snapshot(reward, ["complaint_id", "rule_id", "fine_amount", "amount"]),
        reason=reason,
    )
    return reward


def _take(
    reward: ComplaintReward, action: str, *, actor: User, reason: str, values: dict[str, Any]
) -> ComplaintReward:
    def update(obj: Model) -> list[str]:
        for name, value in values.items():
            setattr(obj, name, value)
        return list(values)

    taken = take(REWARD, reward, action, actor=actor, reason=reason, update=update)
    assert isinstance(taken, ComplaintReward)
    return taken


def approve_reward(reward: ComplaintReward, *, actor: User, reason: str = "") -> ComplaintReward:
    """A section chief, not the proposer, approves; the reporter is told through the lookup."""
    notice = _(
        "您的举报（受理编号 %(n)s）经查属实，经批准给予举报奖励人民币 %(a)s 元，发放后将另行告知。"
    ) % {
        "n": reward.complaint.number,
        "a": reward.amount,
    }
    values = {
        "decided_by": actor,
        "decided_at": timezone.now(),
        "notice_text": notice,
        "notified_at": timezone.now(),
    }
    return _take(reward, "approve", actor=actor, reason=reason, values=values)


def reject_reward(reward: ComplaintReward, *, actor: User, reason: str) -> ComplaintReward:
    values = {"decided_by": actor, "decided_at": timezone.now()}
    return _take(reward, "reject", actor=actor, reason=(reason or "").strip(), values=values)


def record_reward_payment(
    reward: ComplaintReward, *, actor: User, paid_on: dt.date, payment_reference: str
) -> ComplaintReward:
    """The payment record (date and voucher); the reporter's notice says it was paid."""
    reference = (payment_reference or "").strip()[:100]
    if not reference:
        raise invalid("required", _("请填写发放凭证号"), field="payment_reference")
    if paid_on > timezone.localdate():
        raise invalid(ComplaintError.BAD_AMOUNT, _("发放日期不能晚于今天"), field="paid_on")
    notice = _(
        "您的举报（受理编号 %(n)s）奖励人民币 %(a)s 元已于 %(d)s 发放。"
        "感谢您对药品安全监管工作的支持。"
    ) % {
        "n": reward.complaint.number,
        "a": reward.amount,
        "d": paid_on.isoformat(),
    }
    values = {
        "paid_on": paid_on,
        "payment_reference": reference,
        "notice_text": notice,
        "notified_at": timezone.now(),
    }
    return _take(reward, "pay", actor=actor, reason="", values=values)


def can_set_reward_rules(user: User) -> bool:
    return user.is_authenticated and user.has_role(*APPROVERS) and data_scope(user).everything


@transaction.atomic
def set_reward_rule(*, actor: User, code: str, **values: Any) -> RewardRule:
    """Change a grade of the district's reward measures (a district-wide section chief);
    proposals already made keep their amount."""
    if not can_set_reward_rules(actor):
        raise PermissionDenied(_("您无权修改举报奖励标准"))
    rule = RewardRule.objects.select_for_update().filter(code=code).first()
    if rule is None:
        raise invalid(ComplaintError.NO_REWARD_RULE, field="code")
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise invalid(ComplaintError.BAD_CHOICE, field=sorted(unknown)[0])
    before = audit.snapshot(rule, RULE_FIELDS)
    for name, value in values.items():
        if name in ("percent", "minimum", "maximum", "no_fine_amount"):
            value = _amount(name, value)
        setattr(rule, name, value)
    if rule.minimum > rule.maximum:
        raise invalid(ComplaintError.BAD_AMOUNT, _("最低金额不能高于最高金额"), field="minimum")
    rule.save()
    audit.record(
        "complaints.rewardrule.changed",
        actor=actor,
        obj=rule,
        before=before,
        after=audit.snapshot(rule, RULE_FIELDS),
    )
    return rule
