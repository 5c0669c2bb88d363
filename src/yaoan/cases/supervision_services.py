"""The only writers of 挂牌督办 and 提级办理 (yaohai 8: 落实提级办理、挂牌督办; yeji: 完善
重大案件挂牌督办制度). A supervision records the higher unit's notice with its completion
deadline and the interval of progress reports (each a deadline record: the sweep reminds
the case's officer and flags it overdue); progress reports meet the running report clock
and open the next; the final report meets every clock and waits for the bureau to lift
(销号) or send it back. 提级办理 moves a station's case to a bureau unit with new
officers; its running clocks follow (core.deadlines.reassign_deadlines)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.cases.beyond_enums import (
    BeyondConflict,
    BeyondError,
    ReportKind,
    SupervisionLevel,
    SupervisionStatus,
)
from yaoan.cases.beyond_rules import (
    can_escalate_case,
    can_report_supervision,
    can_supervise_case,
)
from yaoan.cases.beyond_workflow import CASE_SUPERVISION, SUPERVISION_DUE, SUPERVISION_REPORT
from yaoan.cases.enums import OPEN_STATUSES
from yaoan.cases.models import Case, CaseEscalation, CaseSupervision, SupervisionReport
from yaoan.common.errors import INVALID, invalid
from yaoan.core import audit
from yaoan.core.deadlines import meet_deadlines, open_deadline, reassign_deadlines
from yaoan.core.enums import NotificationKind, OrgUnitKind, Role
from yaoan.core.models import OrgUnit, User
from yaoan.core.notifications import notify
from yaoan.core.rules import data_scope
from yaoan.core.transitions import take

MAX_INTERVAL = 90
TEXT_MAX = 4000
# a case taken up goes to the bureau's own level
BUREAU_KINDS = (OrgUnitKind.BUREAU, OrgUnitKind.SECTION, OrgUnitKind.ENFORCEMENT_TEAM)
LIVE_SUPERVISION = (SupervisionStatus.ACTIVE, SupervisionStatus.REPORTED)


def _text(field: str, value: str, message: str, limit: int = TEXT_MAX) -> str:
    text = (value or "").strip()
    if not text:
        raise invalid("required", message, field=field)
    if len(text) > limit:
        raise invalid("max_length", _("不能超过 %(n)d 个字符") % {"n": limit}, field=field)
    return text


def _past_day(field: str, value: dt.date | None, not_before: dt.date | None = None) -> dt.date:
    if value is None:
        raise invalid("required", _("请填写日期"), field=field)
    if value > timezone.localdate():
        raise invalid(BeyondError.BAD_DATE, _("日期不能晚于今天"), field=field)
    if not_before and value < not_before:
        raise invalid(
            BeyondError.BAD_DATE,
            _("日期不能早于 %(d)s") % {"d": not_before.isoformat()},
            field=field,
        )
    return value


def _require_open_case(case: Case) -> None:
    if case.status not in OPEN_STATUSES:
        raise invalid(
            BeyondConflict.CASE_NOT_OPEN,
            _("案件当前状态为“%(s)s”，不能办理此事项") % {"s": case.get_status_display()},
            field="case",
        )


def _open_report_clock(sup: CaseSupervision, actor: User, start: dt.date) -> dt.date | None:
    """The next progress report, when one falls before the completion deadline."""
    if not sup.report_every_days:
        return None
    due = start + dt.timedelta(days=sup.report_every_days)
    if due >= sup.due_on:
        return None
    open_deadline(
        actor=actor,
        subject=sup,
        rule_code=SUPERVISION_REPORT,
        org_unit=sup.case.org_unit,
        assignee=sup.case.lead_officer,
        start=start,
        due_on=due,
        label=_("督办进展报告：%(c)s") % {"c": sup.case.number},
        url=sup.get_absolute_url(),
    )
    return due


def _open_due_clock(sup: CaseSupervision, actor: User, start: dt.date) -> None:
    open_deadline(
        actor=actor,
        subject=sup,
        rule_code=SUPERVISION_DUE,
        org_unit=sup.case.org_unit,
        assignee=sup.case.lead_officer,
        start=start,
        due_on=sup.due_on,
        label=_("挂牌督办办结：%(c)s") % {"c": sup.case.number},
        url=sup.get_absolute_url(),
    )


@transaction.atomic
def flag_case(
    case: Case,
    *,
    actor: User,
    level: str,
    supervising_unit: str,
    reference: str,
    requirements: str,
    flagged_on: dt.date,
    due_on: dt.date,
    report_every_days: int = 30,
) -> CaseSupervision:
    """Record a higher unit's 挂牌督办 notice on a case; the lead officer is told."""
    case = Case.objects.select_for_update().select_related("org_unit").get(pk=case.pk)
    if not can_supervise_case(actor, case):
        raise PermissionDenied(_("您无权登记挂牌督办"))
    _require_open_case(case)
    if case.supervisions.filter(status__in=LIVE_SUPERVISION).exists():
        raise invalid(BeyondConflict.SUPERVISION_OPEN, field="case")
    if level not in SupervisionLevel.values:
        raise invalid(INVALID, _("请选择督办层级"), field="level")
    flagged = _past_day("flagged_on", flagged_on)
    if due_on is None or due_on <= flagged:
        raise invalid(BeyondError.BAD_DATE, _("办结期限须晚于挂牌日期"), field="due_on")
    if report_every_days is None or not 0 <= report_every_days <= MAX_INTERVAL:
        raise invalid(BeyondError.BAD_INTERVAL, field="report_every_days")
    sup = CaseSupervision(
        case=case,
        level=level,
        supervising_unit=_text("supervising_unit", supervising_unit, _("请填写督办单位"), 100),
        reference=_text("reference", reference, _("请填写督办文号"), 60),
        requirements=_text("requirements", requirements, _("请填写督办要求")),
        flagged_on=flagged,
        due_on=due_on,
        report_every_days=report_every_days,
        registered_by=actor,
        registered_at=timezone.now(),
    )
    sup.save()
    _open_due_clock(sup, actor, flagged)
    sup.next_report_on = _open_report_clock(sup, actor, flagged)
    sup.save(update_fields=["next_report_on"])
    audit.record(
        "cases.casesupervision.flagged",
        actor=actor,
        obj=sup,
        after=audit.snapshot(
            sup,
            ["case_id", "level", "supervising_unit", "reference", "flagged_on", "due_on"],
        ),
        reason=sup.requirements[:200],
    )
    if case.lead_officer_id:
        notify(
            case.lead_officer,
            NotificationKind.INFO,
            _("案件 %(c)s 被%(u)s挂牌督办，办结期限 %(d)s")
            % {"c": case.number, "u": sup.supervising_unit, "d": sup.due_on.isoformat()},
            link=sup.get_absolute_url(),
            subject=sup,
        )
    return sup


def _locked_active(sup: CaseSupervision, actor: User) -> CaseSupervision:
    sup = CaseSupervision.objects.select_for_update().select_related("case").get(pk=sup.pk)
    if not can_report_supervision(actor, sup):
        raise PermissionDenied(_("您无权报送该案件的督办情况"))
    if sup.status != SupervisionStatus.ACTIVE:
        raise invalid(BeyondConflict.NOT_ACTIVE, field="supervision")
    return sup


def _report(sup: CaseSupervision, actor: User, kind: str, day: Any, content: str) -> Any:
    return SupervisionReport.objects.create(
        supervision=sup,
        kind=kind,
        reported_on=_past_day("reported_on", day, sup.flagged_on),
        content=_text("content", content, _("请填写报告内容")),
        reported_by=actor,
        reported_at=timezone.now(),
    )


@transaction.atomic
def report_progress(
    sup: CaseSupervision, *, actor: User, reported_on: dt.date, content: str
) -> SupervisionReport:
    """A progress report: meets the running report clock and opens the next one."""
    sup = _locked_active(sup, actor)
    report = _report(sup, actor, ReportKind.PROGRESS, reported_on, content)
    meet_deadlines(sup, [SUPERVISION_REPORT], actor=actor, on=report.reported_on)
    sup.next_report_on = _open_report_clock(sup, actor, report.reported_on)
    sup.save(update_fields=["next_report_on"])
    audit.record(
        "cases.casesupervision.progress_reported",
        actor=actor,
        obj=sup,
        after={"report": report.pk, "reported_on": report.reported_on},
        reason=report.content[:200],
    )
    return report


@transaction.atomic
def report_final(
    sup: CaseSupervision, *, actor: User, reported_on: dt.date, content: str
) -> CaseSupervision:
    """The final report (办结情况): every clock met; the bureau lifts or sends it back."""
    sup = _locked_active(sup, actor)
    report = _report(sup, actor, ReportKind.FINAL, reported_on, content)
    taken = take(
        CASE_SUPERVISION,
        sup,
        "report_final",
        actor=actor,
        update=lambda obj: _set(obj, next_report_on=None),
        details={"report": report.pk},
    )
    assert isinstance(taken, CaseSupervision)
    return taken


def _set(obj: Model, **values: Any) -> list[str]:
    for name, value in values.items():
        setattr(obj, name, value)
    return list(values)


def lift_supervision(sup: CaseSupervision, *, actor: User, reason: str = "") -> CaseSupervision:
    """销号: the bureau accepts the final report."""
    taken = take(
        CASE_SUPERVISION,
        sup,
        "lift",
        actor=actor,
        reason=reason,
        update=lambda obj: _set(obj, closed_by=actor, closed_at=timezone.now()),
    )
    assert isinstance(taken, CaseSupervision)
    return taken


@transaction.atomic
def send_back_supervision(
    sup: CaseSupervision, *, actor: User, reason: str, due_on: dt.date | None = None
) -> CaseSupervision:
    """The final report is not enough: supervision runs again to the same or a new date."""
    new_due = due_on or sup.due_on
    if new_due <= timezone.localdate():
        raise invalid(BeyondError.BAD_DATE, _("新的办结期限须晚于今天"), field="due_on")
    taken = take(
        CASE_SUPERVISION,
        sup,
        "send_back",
        actor=actor,
        reason=reason,
        update=lambda obj: _set(obj, due_on=new_due),
    )
    assert isinstance(taken, CaseSupervision)
    today = timezone.localdate()
    _open_due_clock(taken, actor, today)
    taken.next_report_on = _open_report_clock(taken, actor, today)
    taken.save(update_fields=["next_report_on"])
    return taken


def cancel_supervision(sup: CaseSupervision, *, actor: User, reason: str) -> CaseSupervision:
    taken = take(
        CASE_SUPERVISION,
        sup,
        "cancel",
        actor=actor,
        reason=reason,
        update=lambda obj: _set(
            obj, closed_by=actor, closed_at=timezone.now(), next_report_on=None
        ),
    )
    assert isinstance(taken, CaseSupervision)
    return taken


def may_handle_escalated_anywhere(user: User) -> bool:
    """A case officer of the bureau's level (scope over the whole district)."""
    return user.is_active and user.has_role(Role.CASE_OFFICER) and data_scope(user).everything


def may_handle_escalated(user: User, unit: OrgUnit) -> bool:
    """Who may handle a case taken up to ``unit`` (a bureau unit)."""
    return unit.kind in BUREAU_KINDS and may_handle_escalated_anywhere(user)


@transaction.atomic
def escalate_case(
    case: Case,
    *,
    actor: User,
    to_unit: OrgUnit,
    reason: str,
    lead_officer: User,
    co_officer: User,
) -> CaseEscalation:
    """提级办理: the case now belongs to a bureau unit and two of its officers; every
    running clock of the case follows them."""
    case = Case.objects.select_for_update().select_related("org_unit").get(pk=case.pk)
    if not can_escalate_case(actor, case):
        raise PermissionDenied(_("您无权决定提级办理"))
    _require_open_case(case)
    if to_unit is None or to_unit.kind not in BUREAU_KINDS or not to_unit.is_active:
        raise invalid(BeyondError.BAD_UNIT, field="to_unit")
    if to_unit.pk == case.org_unit_id:
        raise invalid(BeyondError.SAME_UNIT, field="to_unit")
    for field, officer in (("lead_officer", lead_officer), ("co_officer", co_officer)):
        if officer is None or not may_handle_escalated(officer, to_unit):
            raise invalid(BeyondError.BAD_OFFICER, field=field)
    if lead_officer.pk == co_officer.pk:
        raise invalid(BeyondError.BAD_OFFICER, field="co_officer")
    reason = _text("reason", reason, _("请填写提级理由"))
    fields = ["org_unit_id", "lead_officer_id", "co_officer_id"]
    before = audit.snapshot(case, fields)
    escalation = CaseEscalation.objects.create(
        case=case,
        from_unit=case.org_unit,
        to_unit=to_unit,
        reason=reason,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    case.org_unit, case.lead_officer, case.co_officer = to_unit, lead_officer, co_officer
    case.save(update_fields=["org_unit", "lead_officer", "co_officer"])
    reassign_deadlines(case, actor=actor, assignee=lead_officer, org_unit=to_unit)
    audit.record(
        "cases.case.escalated",
        actor=actor,
        obj=case,
        before=before,
        after={**audit.snapshot(case, fields), "escalation": escalation.pk},
        reason=reason,
    )
    for officer in (lead_officer, co_officer):
        notify(
            officer,
            NotificationKind.ASSIGNED,
            _("案件 %(c)s 已提级由%(u)s办理") % {"c": case.number, "u": to_unit.name},
            link=case.get_absolute_url(),
            subject=case,
        )
    return escalation
