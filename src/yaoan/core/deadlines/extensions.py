"""Extending a deadline (延期): the assignee or a chief asks with a reason, another person
with the right approves or refuses it; an approval moves the due date by the extension
rule. Atomic and audited, the chiefs and the requester notified."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.common.errors import APPROVER_IS_SUBMITTER, invalid
from yaoan.core import audit
from yaoan.core.calendar import WorkingCalendar
from yaoan.core.deadlines.dates import _mark_open_or_overdue, _recalculate
from yaoan.core.deadlines.records import _facts, _locked, _need_reason
from yaoan.core.enums import DeadlineState, ExtensionStatus, NotificationKind
from yaoan.core.models import Deadline, DeadlineExtension, DeadlineRule, User
from yaoan.core.notifications import notify, unit_chiefs
from yaoan.core.rules import can_approve_extension, can_manage_deadline


def _extension_rule(deadline: Deadline, rule_code: str | None) -> DeadlineRule:
    code = rule_code or f"{deadline.rule.code}_extension"
    rule = DeadlineRule.objects.filter(code=code).first()
    if rule is None:
        raise ValidationError(
            _("“%(rule)s”没有可用的延长规则") % {"rule": deadline.rule.label},
            code="no_extension_rule",
        )
    return rule


@transaction.atomic
def request_extension(
    deadline: Deadline, *, actor: User, reason: str, rule_code: str | None = None
) -> DeadlineExtension:
    reason = _need_reason(reason)
    deadline = _locked(deadline)
    if not can_manage_deadline(actor, deadline):
        raise PermissionDenied(_("您不是该期限的承办人或负责人，不能申请延期"))
    if deadline.state not in (DeadlineState.OPEN, DeadlineState.OVERDUE):
        raise ValidationError(
            _("期限处于“%(state)s”状态，不能申请延期") % {"state": deadline.get_state_display()},
            code="not_open",
        )
    rule = _extension_rule(deadline, rule_code)
    if deadline.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise ValidationError(_("该期限已有待审批的延期申请"), code="extension_pending")
    if deadline.extensions.filter(status=ExtensionStatus.APPROVED, rule=rule).exists():
        raise ValidationError(
            _("该期限已按“%(rule)s”延长过一次") % {"rule": rule.label}, code="already_extended"
        )
    extension = DeadlineExtension.objects.create(
        deadline=deadline,
        rule=rule,
        amount=rule.amount,
        unit=rule.unit,
        reason=reason,
        requested_by=actor,
        due_before=deadline.due_on,
    )
    audit.record(
        "core.deadline.extension_requested",
        actor=actor,
        obj=deadline,
        after={"extension": extension.pk, "rule": rule.code, "due_on": deadline.due_on},
        reason=reason,
    )
    for chief in unit_chiefs(deadline.org_unit_id):
        if chief.pk != actor.pk:
            notify(
                chief,
                NotificationKind.EXTENSION_REQUESTED,
                _("延期申请待审批：%(label)s") % {"label": deadline.label},
                link=deadline.url,
                subject=deadline,
            )
    return extension


@transaction.atomic
def decide_extension(
    extension: DeadlineExtension, *, actor: User, approve: bool, reason: str = ""
) -> DeadlineExtension:
    extension = DeadlineExtension.objects.select_for_update().get(pk=extension.pk)
    deadline = _locked(extension.deadline)
    if extension.status != ExtensionStatus.PENDING:
        raise ValidationError(_("该延期申请已审批"), code="already_decided")
    if extension.requested_by_id == actor.pk:
        raise invalid(
            APPROVER_IS_SUBMITTER, _("审批人不能是申请人本人，请由另一位有审批权限的人员审批")
        )
    if not can_approve_extension(actor, deadline):
        raise PermissionDenied(_("您没有审批该期限延期的权限"))
    if not approve:
        _need_reason(reason, "decision_reason")
    before = _facts(deadline)
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    extension.decided_by, extension.decided_at = actor, timezone.now()
    extension.decision_reason = (reason or "").strip()
    extension.due_before = deadline.due_on
    if approve:
        extension.save()  # approved first, so the recalculation counts it
        deadline.extended_units += extension.amount
        _recalculate(deadline, WorkingCalendar(provisional=True))
        if deadline.state == DeadlineState.OVERDUE:
            _mark_open_or_overdue(deadline)
        deadline.reminded_for = None
        deadline.save(
            update_fields=[
                "extended_units",
                "base_due_on",
                "due_on",
                "provisional",
                "state",
                "reminded_for",
            ]
        )
    extension.due_after = deadline.due_on
    extension.save()
    audit.record(
        f"core.deadline.extension_{extension.status}",
        actor=actor,
        obj=deadline,
        before=before,
        after={**_facts(deadline), "extension": extension.pk},
        reason=extension.decision_reason,
    )
    notify(
        extension.requested_by,
        NotificationKind.EXTENSION_DECIDED,
        (
            _("延期申请已批准：%(label)s，期限延至 %(due)s")
            if approve
            else _("延期申请未获批准：%(label)s")
        )
        % {"label": deadline.label, "due": deadline.due_on},
        link=deadline.url,
        subject=deadline,
    )
    return extension
