"""Risk grade from an entity's inspection history: the rule the entity page explains.

Pure data in, grade and reasons out, so the rule can be shown, tested and changed
without the web application. Grades follow registry.enums.RiskGrade: A lowest, D highest.
The thresholds are configuration (``GradingRule``); the defaults read the GSP grading of
defects the way the provincial risk-classification rules do: a critical defect or an
order left overdue puts a business in the highest grade.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GradingRule:
    window_months: int = 24
    major_for_c: int = 1  # this many major defects make grade C
    minor_for_c: int = 3  # … or this many minor ones
    failed_rounds_for_d: int = 2  # re-inspections failed this often make grade D


@dataclass(frozen=True)
class InspectionHistory:
    inspections: int  # submitted inspections inside the window
    critical: int
    major: int
    minor: int
    overdue_orders: int  # rectification orders past their deadline and not closed
    failed_rounds: int  # re-inspections that found the problem not put right


@dataclass(frozen=True)
class Grading:
    """``grade`` None: no inspection in the window, the grade stays as it is. ``basis`` names
    the branch of the rule that decided, for the page to explain in the user's language."""

    grade: str | None
    basis: str


DEFAULT_RULE = GradingRule()


def grade_from_history(history: InspectionHistory, rule: GradingRule = DEFAULT_RULE) -> Grading:
    h = history
    if h.inspections == 0:
        return Grading(None, "no_inspection")
    if h.critical or h.overdue_orders or h.failed_rounds >= rule.failed_rounds_for_d:
        return Grading("D", "critical_overdue_or_failed")
    if h.major >= rule.major_for_c or h.minor >= rule.minor_for_c:
        return Grading("C", "major_or_many_minor")
    if h.minor:
        return Grading("B", "few_minor")
    return Grading("A", "all_compliant")
