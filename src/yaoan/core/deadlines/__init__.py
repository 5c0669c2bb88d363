"""Statutory deadlines: the configured rules (DeadlineRule rows) and the Deadline records
of each subject — opened, met, cancelled, suspended, resumed and extended here, and marked
overdue by the daily sweep (``yaoan.core.sweep``).

A due date is always recomputed from its parts: start + rule, + each approved extension
by its rule, + the days the clock stood still in the rule's unit. So a provisional date
(a year without an official holiday schedule) is simply recomputed when the schedule is
loaded.

Import from here (``from yaoan.core.deadlines import open_deadline``); the parts:
``defaults`` (DEFAULT_RULES, the rules as shipped), ``dates`` (computing a due date),
``records`` (open, read, meet, cancel, recompute), ``clock`` (suspend, resume),
``extensions`` (request and decide an extension), ``listing`` (the clocks read beside a
list of subjects: ``row_deadlines``, ``overdue_condition``, ``late_subject_ids``).
"""

from __future__ import annotations

from yaoan.core.deadlines.clock import resume_deadline, suspend_deadline
from yaoan.core.deadlines.dates import (
    UnknownDeadlineRuleError,
    compute_deadline,
    compute_due,
)
from yaoan.core.deadlines.defaults import DEFAULT_RULES
from yaoan.core.deadlines.extensions import decide_extension, request_extension
from yaoan.core.deadlines.listing import (
    late_clock,
    late_subject_ids,
    overdue_condition,
    row_deadlines,
)
from yaoan.core.deadlines.records import (
    LIVE,
    cancel_deadlines,
    current_deadline,
    deadlines_for,
    meet_deadlines,
    open_deadline,
    reassign_deadlines,
    recompute_provisional,
    subject_key,
)
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
    "late_clock",
    "late_subject_ids",
    "meet_deadlines",
    "open_deadline",
    "overdue_condition",
    "reassign_deadlines",
    "recompute_provisional",
    "request_extension",
    "resume_deadline",
    "row_deadlines",
    "subject_key",
    "suspend_deadline",
    "sweep_deadlines",
]
