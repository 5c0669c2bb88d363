"""What the case page shows beside the record: the procedure as a line of stages (done,
current, ahead; dated from the case's own dates or the step's audit event), and the case's
main clock — the 90-day decision limit after 立案, the filing limit before — with the days
used, the days it stood still (检验、鉴定、听证、公告) and the extensions granted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaoan.cases.enums import CaseStatus, Procedure
from yaoan.cases.models import Case
from yaoan.cases.workflow import CASE, DECISION, FILING
from yaoan.core.enums import DeadlineState, DeadlineUnit, ExtensionStatus
from yaoan.core.models import AuditEvent, Deadline

S = CaseStatus
PREFIX = f"{CASE.name}."


@dataclass(frozen=True)
class StageSpec:
    key: str
    label: Any
    verbs: tuple[str, ...]  # the audit verbs (cases.case.<verb>) that complete the stage
    date_field: str = ""  # the case's own date of the stage, preferred to the event's


ORDINARY = (
    StageSpec("registered", _("立案登记"), ("registered",), "created_at"),
    StageSpec("filed", _("立案"), ("filed",), "filed_at"),
    StageSpec("investigated", _("调查终结"), ("investigation_finished",)),
    StageSpec("reviewed", _("案件审核"), ("reviewed",)),
    StageSpec("legal", _("法制审核"), ("legally_reviewed",), "legal_reviewed_at"),
    StageSpec("notice", _("告知"), ("notice_served",), "notice_served_on"),
    StageSpec("hearing", _("听证"), ("hearing_recorded",), "hearing_held_on"),
    StageSpec("decided", _("处罚决定"), ("decided",), "decided_at"),
    StageSpec("delivered", _("送达"), ("delivered",), "delivered_on"),
    StageSpec("executed", _("执行"), ("executed",), "executed_on"),
    StageSpec("closed", _("结案"), ("closed",), "closed_at"),
)
SIMPLE = (
    StageSpec("registered", _("登记"), ("registered",), "created_at"),
    StageSpec("decided", _("当场决定"), ("decided_on_spot",), "decided_at"),
    StageSpec("delivered", _("当场交付"), ("delivered",), "delivered_on"),
    StageSpec("executed", _("执行"), ("executed",), "executed_on"),
    StageSpec("closed", _("结案"), ("closed",), "closed_at"),
)
# the last stage a case in each state has completed
REACHED = {
    S.PENDING_FILING: "registered",
    S.INVESTIGATING: "filed",
    S.CASE_REVIEW: "investigated",
    S.LEGAL_REVIEW: "reviewed",
    S.PENDING_NOTICE: "legal",
    S.NOTICE_SERVED: "notice",
    S.HEARING: "notice",
    S.HEARD: "hearing",
    S.DECIDED: "decided",
    S.DELIVERED: "delivered",
    S.EXECUTED: "executed",
    S.CLOSED: "closed",
}
ENDINGS = {
    S.NOT_FILED: "not_filed",
    S.REVOKED: "filing_revoked",
    S.TERMINATED: "terminated",
    S.TRANSFERRED: "transferred",
}


@dataclass(frozen=True)
class Stage:
    label: Any
    state: str  # done, current, ahead, ended
    on: dt.date | None = None


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value if isinstance(value, dt.date) else None


def _event_days(events: Iterable[AuditEvent]) -> dict[str, dt.date]:
    """The latest day of each verb (a step taken again after a return counts last)."""
    days: dict[str, dt.date] = {}
    for event in events:
        if event.action.startswith(PREFIX):
            day = _as_date(event.occurred_at)
            if day is not None:
                days[event.action.removeprefix(PREFIX)] = day
    return days


def _specs(case: Case) -> list[StageSpec]:
    specs = list(SIMPLE if case.procedure == Procedure.SIMPLE else ORDINARY)
    decided = case.decided_at is not None
    return [
        s
        for s in specs
        if not (s.key == "hearing" and case.hearing_requested_on is None)
        and not (s.key == "executed" and decided and not case.execution_required)
    ]


def stages(case: Case, events: Sequence[AuditEvent]) -> list[Stage]:
    """The procedure's stages in order: done (with its day), the one being worked on, the
    ones ahead; a case ended early (不予立案, 撤销, 终止, 移交) shows where it stopped."""
    specs = _specs(case)
    days = _event_days(events)
    keys = [s.key for s in specs]
    ending = ENDINGS.get(CaseStatus(case.status))
    if ending is None:
        reached = keys.index(REACHED.get(CaseStatus(case.status), "registered"))
    else:  # the furthest stage whose step was taken before the case ended
        done = [i for i, s in enumerate(specs) if any(v in days for v in s.verbs)]
        reached = max(done, default=0)
    result = []
    for i, spec in enumerate(specs):
        if i <= reached:
            own = _as_date(getattr(case, spec.date_field, None)) if spec.date_field else None
            on = own or next((days[v] for v in spec.verbs if v in days), None)
            result.append(Stage(spec.label, "done", on))
        elif ending is None:
            result.append(Stage(spec.label, "current" if i == reached + 1 else "ahead"))
    if ending is not None:
        result.append(Stage(case.get_status_display(), "ended", days.get(ending)))
    return result


@dataclass
class Clock:
    """One deadline seen as a clock: the days counted so far against the days allowed."""

    deadline: Deadline
    allowed: int  # the rule's amount plus the extensions granted, in the rule's unit
    used: int | None  # calendar days counted (None for working days: see due_on)
    stood_still: int  # days the clock stood still (suspensions, the running one to today)
    remaining: int | None  # calendar days to the due date, from today (negative: late)
    suspensions: list[Any] = field(default_factory=list)
    extensions: list[Any] = field(default_factory=list)

    @property
    def running(self) -> bool:
        return self.deadline.state in (DeadlineState.OPEN, DeadlineState.OVERDUE)

    @property
    def suspended(self) -> bool:
        return self.deadline.state == DeadlineState.SUSPENDED

    @property
    def late(self) -> bool:
        return self.deadline.state == DeadlineState.OVERDUE or (
            self.running and self.remaining is not None and self.remaining < 0
        )

    @property
    def percent(self) -> int:
        if self.used is None or not self.allowed:
            return 0
        return max(0, min(100, round(100 * self.used / self.allowed)))


def _end_of_count(deadline: Deadline, today: dt.date) -> dt.date:
    return deadline.closed_on or today


def _stood_still(suspensions: Sequence[Any], until: dt.date) -> int:
    days = 0
    for s in suspensions:
        end = min(s.ended_on or until, until)
        days += max(0, (end - s.started_on).days)
    return days


def main_clock(
    case: Case, deadlines: Sequence[Deadline], today: dt.date | None = None
) -> Clock | None:
    """The decision clock once the case is filed, else the filing clock; None when the
    case has neither (a simple-procedure case, or one from a clue before 立案)."""
    today = today or timezone.localdate()
    by_rule: dict[str, Deadline] = {}
    for d in deadlines:  # the latest of each rule
        by_rule[d.rule.code] = d
    deadline = by_rule.get(DECISION) or by_rule.get(FILING)
    if deadline is None:
        return None
    suspensions = list(deadline.suspensions.select_related("started_by", "ended_by"))
    extensions = list(deadline.extensions.select_related("requested_by", "decided_by"))
    granted = [e for e in extensions if e.status == ExtensionStatus.APPROVED]
    end = _end_of_count(deadline, today)
    still = _stood_still(suspensions, end)
    calendar = deadline.unit == DeadlineUnit.CALENDAR_DAYS
    used = max(0, (end - deadline.started_on).days - still) if calendar else None
    live = deadline.state in (DeadlineState.OPEN, DeadlineState.OVERDUE, DeadlineState.SUSPENDED)
    return Clock(
        deadline=deadline,
        allowed=deadline.amount + sum(e.amount for e in granted),
        used=used,
        stood_still=still,
        remaining=(deadline.due_on - today).days if live else None,
        suspensions=suspensions,
        extensions=extensions,
    )
