"""Statutory deadlines: the configured rules (DeadlineRule rows) and the Deadline records
of each subject — opened, met, cancelled, suspended, resumed and extended here, and marked
overdue by the daily sweep (``yaoan.core.sweep``).

A due date is always recomputed from its parts: start + rule, + each approved extension
by its rule, + the days the clock stood still in the rule's unit. So a provisional date
(a year without an official holiday schedule) is simply recomputed when the schedule is
loaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.common.errors import APPROVER_IS_SUBMITTER, REASON_REQUIRED, invalid
from yaoan.core import audit
from yaoan.core.calendar import WorkingCalendar
from yaoan.core.enums import DeadlineState, DeadlineUnit, ExtensionStatus, NotificationKind
from yaoan.core.models import (
    Deadline,
    DeadlineExtension,
    DeadlineRule,
    DeadlineSuspension,
    OrgUnit,
    User,
)
from yaoan.core.notifications import notify, unit_chiefs
from yaoan.core.rules import can_approve_extension, can_manage_deadline
from yaoan.core.sweep import SweepResult, sweep_deadlines

__all__ = [
    "DEFAULT_RULES",
    "LIVE",
    "SweepResult",
    "UnknownDeadlineRuleError",
    "cancel_deadlines",
    "compute_deadline",
    "compute_due",
    "current_deadline",
    "deadlines_for",
    "decide_extension",
    "meet_deadlines",
    "open_deadline",
    "reassign_deadlines",
    "recompute_provisional",
    "request_extension",
    "resume_deadline",
    "subject_key",
    "suspend_deadline",
    "sweep_deadlines",
]

# Defaults from DESIGN.md "Rules with numbers"; a migration loads them, admins edit them.
DEFAULT_RULES: tuple[tuple[str, str, int, str, str], ...] = (
    (
        "complaint_acceptance",
        "投诉受理决定",
        7,
        DeadlineUnit.WORKING_DAYS,
        "市场监督管理投诉举报处理暂行办法：收到投诉之日起7个工作日内决定是否受理",
    ),
    (
        "report_verification",
        "举报核查处理",
        15,
        DeadlineUnit.WORKING_DAYS,
        "收到举报之日起15个工作日内核查并决定是否立案，可延长15个工作日",
    ),
    (
        "report_verification_extension",
        "举报核查延长",
        15,
        DeadlineUnit.WORKING_DAYS,
        "经批准可延长15个工作日",
    ),
    (
        "complaint_mediation",
        "投诉调解",
        45,
        DeadlineUnit.WORKING_DAYS,
        "市场监督管理投诉举报处理暂行办法：自投诉受理之日起45个工作日内终结调解",
    ),
    (
        "complaint_reply",
        "答复投诉举报人",
        5,
        DeadlineUnit.WORKING_DAYS,
        "调解终结或核查处理决定作出之日起5个工作日内告知投诉举报人",
    ),
    (
        "case_decision",
        "普通程序案件作出处罚决定",
        90,
        DeadlineUnit.CALENDAR_DAYS,
        "市场监督管理行政处罚程序规定：立案之日起90日内作出处理决定",
    ),
    ("case_decision_extension", "案件办理延长", 30, DeadlineUnit.CALENDAR_DAYS, "经批准可延长30日"),
    (
        "penalty_publication",
        "行政处罚信息公示",
        20,
        DeadlineUnit.WORKING_DAYS,
        "作出行政处罚决定之日起20个工作日内公示",
    ),
    (
        "random_inspection_publication",
        "双随机抽查结果公示",
        20,
        DeadlineUnit.WORKING_DAYS,
        "抽查检查结束之日起20个工作日内公示",
    ),
    (
        "adr_new_or_serious",
        "新的、严重药品不良反应报告",
        15,
        DeadlineUnit.CALENDAR_DAYS,
        "药品不良反应报告和监测管理办法：15日内报告",
    ),
    ("adr_death", "死亡病例报告", 0, DeadlineUnit.IMMEDIATE, "死亡病例须立即报告"),
    ("adr_other", "其他药品不良反应报告", 30, DeadlineUnit.CALENDAR_DAYS, "30日内报告"),
    (
        "rectification",
        "责令改正整改期限",
        15,
        DeadlineUnit.WORKING_DAYS,
        "责令改正通知书默认整改期限15个工作日（检查发现问题，依药品管理法、化妆品监督管理条例等责令限期改正）",
    ),
    (
        "statement_of_defence",
        "陈述申辩期限",
        5,
        DeadlineUnit.WORKING_DAYS,
        "行政处罚告知后5个工作日内提出陈述申辩",
    ),
)


class UnknownDeadlineRuleError(KeyError):
    pass


LIVE = (DeadlineState.OPEN, DeadlineState.SUSPENDED, DeadlineState.OVERDUE)


def _rule(code: str) -> DeadlineRule:
    rule = DeadlineRule.objects.filter(code=code).first()
    if rule is None:
        raise UnknownDeadlineRuleError(code)
    return rule


def _add(unit: str, start: dt.date, amount: int, calendar: WorkingCalendar) -> dt.date:
    if unit == DeadlineUnit.IMMEDIATE:
        return start
    if unit == DeadlineUnit.CALENDAR_DAYS:
        return start + dt.timedelta(days=amount)
    return calendar.add_working_days(start, amount)


def compute_deadline(code: str, start: dt.date, calendar: WorkingCalendar | None = None) -> dt.date:
    """The official due date; raises CalendarYearUnknownError for a year without a schedule."""
    rule = _rule(code)
    return _add(rule.unit, start, rule.amount, calendar or WorkingCalendar())


def compute_due(rule_code: str, start: dt.date) -> tuple[dt.date, bool]:
    """The due date and whether it is provisional (counted through a year whose official
    holiday schedule is not loaded). Never refuses for want of a calendar."""
    calendar = WorkingCalendar(provisional=True)
    rule = _rule(rule_code)
    return _add(rule.unit, start, rule.amount, calendar), calendar.provisional_used


def today() -> dt.date:
    return timezone.localdate()


def subject_key(subject: models.Model) -> tuple[str, str]:
    return f"{subject._meta.app_label}.{subject._meta.model_name}", str(subject.pk)


def _recalculate(deadline: Deadline, calendar: WorkingCalendar) -> None:
    """Set base_due_on, due_on and provisional from the deadline's parts."""
    due = _add(deadline.unit, deadline.started_on, deadline.amount, calendar)
    deadline.base_due_on = due
    approved = (
        DeadlineExtension.objects.filter(
            deadline=deadline, status=ExtensionStatus.APPROVED
        ).order_by("decided_at", "id")
        if deadline.pk
        else []
    )
    for extension in approved:
        due = _add(extension.unit, due, extension.amount, calendar)
    deadline.due_on = _add(deadline.unit, due, deadline.suspended_units, calendar)
    deadline.provisional = calendar.provisional_used


def _mark_open_or_overdue(deadline: Deadline) -> None:
    deadline.state = DeadlineState.OVERDUE if deadline.due_on < today() else DeadlineState.OPEN


def _facts(deadline: Deadline) -> dict[str, object]:
    return audit.snapshot(deadline, ["rule_id", "state", "due_on", "provisional", "closed_on"])


@transaction.atomic
def open_deadline(
    *,
    actor: User,
    subject: models.Model,
    rule_code: str,
    org_unit: OrgUnit | None,
    assignee: User | None,
    start: dt.date | None = None,
    label: str = "",
    url: str = "",
    due_on: dt.date | None = None,
) -> Deadline:
    """``due_on``: a date an official set instead of the rule's count (e.g. 重新限期整改).
    ``actor``: whose action opens it (the audit row names them)."""
    subject_type, subject_id = subject_key(subject)
    rule = _rule(rule_code)
    deadline = Deadline(
        subject_type=subject_type,
        subject_id=subject_id,
        rule=rule,
        amount=rule.amount,
        unit=rule.unit,
        org_unit=org_unit,
        assignee=assignee,
        started_on=start or today(),
        label=(label or str(subject))[:200],
        url=url[:300],
    )
    if due_on is not None:
        # kept as calendar days from the start, so a recalculation (a suspension, a
        # provisional year loaded) starts from the official's date, not the rule's count
        deadline.amount = max(0, (due_on - deadline.started_on).days)
        deadline.unit = DeadlineUnit.CALENDAR_DAYS
    _recalculate(deadline, WorkingCalendar(provisional=True))
    _mark_open_or_overdue(deadline)
    deadline.save()
    audit.record("core.deadline.opened", actor=actor, obj=deadline, after=_facts(deadline))
    return deadline


def deadlines_for(subject: models.Model) -> QuerySet[Deadline]:
    subject_type, subject_id = subject_key(subject)
    return Deadline.objects.filter(subject_type=subject_type, subject_id=subject_id).select_related(
        "rule"
    )


def current_deadline(subject: models.Model, code: str) -> Deadline | None:
    """The latest deadline of this rule on the subject, whatever its state."""
    return deadlines_for(subject).filter(rule__code=code).order_by("-id").first()


def _live(subject: models.Model, codes: Iterable[str] | None) -> QuerySet[Deadline]:
    found = deadlines_for(subject).filter(state__in=LIVE)
    wanted = None if codes is None else set(codes)
    if wanted is not None and "*" not in wanted:
        found = found.filter(rule__code__in=wanted)
    return found.select_for_update()


def _close(
    actor: User, subject: models.Model, codes: Iterable[str] | None, state: str, on: dt.date
) -> int:
    closed = 0
    for deadline in _live(subject, codes):
        before = _facts(deadline)
        deadline.met_late = state == DeadlineState.MET and (
            on > deadline.due_on or deadline.state == DeadlineState.OVERDUE
        )
        deadline.state, deadline.closed_on = state, on
        deadline.save(update_fields=["state", "closed_on", "met_late"])
        deadline.suspensions.filter(ended_on__isnull=True).update(ended_on=on)
        audit.record(
            f"core.deadline.{state}",
            actor=actor,
            obj=deadline,
            before=before,
            after=_facts(deadline),
        )
        closed += 1
    return closed


@transaction.atomic
def meet_deadlines(
    subject: models.Model,
    codes: Iterable[str] | None = None,
    *,
    actor: User,
    on: dt.date | None = None,
) -> int:
    """Mark the subject's running deadlines (of these rules; None or "*" = all) met."""
    return _close(actor, subject, codes, DeadlineState.MET, on or today())


@transaction.atomic
def cancel_deadlines(
    subject: models.Model, codes: Iterable[str] | None = None, *, actor: User
) -> int:
    return _close(actor, subject, codes, DeadlineState.CANCELLED, today())


def _need_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise invalid(REASON_REQUIRED, _("请填写理由"), field=field)
    return reason


def _locked(deadline: Deadline) -> Deadline:
    return Deadline.objects.select_for_update().select_related("rule").get(pk=deadline.pk)


@transaction.atomic
def suspend_deadline(
    deadline: Deadline, *, actor: User, reason: str, start: dt.date | None = None
) -> DeadlineSuspension:
    """Stop the clock from ``start`` (default today) until resumed."""
    reason = _need_reason(reason)
    deadline = _locked(deadline)
    start = start or today()
    if deadline.state != DeadlineState.OPEN:
        raise ValidationError(
            _("期限处于“%(state)s”状态，不能中止计时") % {"state": deadline.get_state_display()},
            code="not_open",
        )
    if start < deadline.started_on or start > deadline.due_on:
        raise invalid("out_of_range", _("中止日须在起算日与期限之间"), field="start")
    if deadline.suspensions.filter(ended_on__gt=start).exists():
        raise invalid("overlap", _("中止期间与已有的中止期间重叠"), field="start")
    suspension = DeadlineSuspension.objects.create(
        deadline=deadline, reason=reason, started_on=start, started_by=actor
    )
    before = _facts(deadline)
    deadline.state = DeadlineState.SUSPENDED
    deadline.save(update_fields=["state"])
    audit.record(
        "core.deadline.suspended",
        actor=actor,
        obj=deadline,
        before=before,
        after={**_facts(deadline), "suspended_from": start},
        reason=reason,
    )
    return suspension


def _units_between(unit: str, start: dt.date, end: dt.date, calendar: WorkingCalendar) -> int:
    """Days in [start, end) counted in the rule's unit: the clock stood still on them."""
    if unit == DeadlineUnit.IMMEDIATE or end <= start:
        return 0
    if unit == DeadlineUnit.CALENDAR_DAYS:
        return (end - start).days
    one = dt.timedelta(days=1)
    return calendar.working_days_between(start - one, end - one)


@transaction.atomic
def resume_deadline(deadline: Deadline, *, actor: User, end: dt.date | None = None) -> Deadline:
    """Restart the clock on ``end`` (default today); the due date moves by the days the
    clock stood still, counted in the rule's unit."""
    deadline = _locked(deadline)
    suspension = deadline.suspensions.filter(ended_on__isnull=True).first()
    if deadline.state != DeadlineState.SUSPENDED or suspension is None:
        raise ValidationError(_("该期限未在中止计时中"), code="not_suspended")
    end = end or today()
    if end < suspension.started_on:
        raise invalid("out_of_range", _("恢复日不能早于中止日"), field="end")
    calendar = WorkingCalendar(provisional=True)
    before = _facts(deadline)
    suspension.units = _units_between(deadline.unit, suspension.started_on, end, calendar)
    suspension.ended_on, suspension.ended_by = end, actor
    suspension.save(update_fields=["units", "ended_on", "ended_by"])
    deadline.suspended_units += suspension.units
    _recalculate(deadline, calendar)
    _mark_open_or_overdue(deadline)
    deadline.save(
        update_fields=["suspended_units", "base_due_on", "due_on", "provisional", "state"]
    )
    audit.record(
        "core.deadline.resumed",
        actor=actor,
        obj=deadline,
        before=before,
        after={**_facts(deadline), "suspended_units": suspension.units},
    )
    return deadline


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


def recompute_provisional(*, actor: User) -> int:
    """Recompute every live provisional deadline (after an official schedule is loaded);
    returns how many changed. Call inside the loading transaction."""
    calendar = WorkingCalendar(provisional=True)
    changed = 0
    found = Deadline.objects.filter(provisional=True, state__in=LIVE).select_related("rule")
    for deadline in found.select_for_update().iterator(chunk_size=500):
        before = _facts(deadline)
        calendar.provisional_used = False
        _recalculate(deadline, calendar)
        if deadline.state != DeadlineState.SUSPENDED:
            _mark_open_or_overdue(deadline)
        if deadline.due_on != before["due_on"] or not deadline.provisional:
            deadline.reminded_for = None
        deadline.save(
            update_fields=["base_due_on", "due_on", "provisional", "state", "reminded_for"]
        )
        audit.record(
            "core.deadline.recomputed",
            actor=actor,
            obj=deadline,
            before=before,
            after=_facts(deadline),
        )
        changed += 1
    return changed


@transaction.atomic
def reassign_deadlines(
    subject: models.Model, *, org_unit: OrgUnit | None, assignee: User | None, actor: User
) -> int:
    """The subject's live deadlines follow it to another unit (a transfer the receiving
    unit confirmed): the overdue lists and reminders go to the new unit. Audited."""
    moved = 0
    for deadline in _live(subject, None).select_for_update():
        before = audit.snapshot(deadline, ["org_unit_id", "assignee_id"])
        deadline.org_unit, deadline.assignee = org_unit, assignee
        deadline.save(update_fields=["org_unit", "assignee"])
        audit.record(
            "core.deadline.reassigned",
            actor=actor,
            obj=deadline,
            before=before,
            after=audit.snapshot(deadline, ["org_unit_id", "assignee_id"]),
        )
        moved += 1
    return moved
