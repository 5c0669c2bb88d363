import pytest

from yaoan.analytics.inspection_risk import GradingRule, InspectionHistory, grade_from_history


def history(**counts: int) -> InspectionHistory:
    base = dict(inspections=2, critical=0, major=0, minor=0, overdue_orders=0, failed_rounds=0)
    return InspectionHistory(**(base | counts))


@pytest.mark.parametrize(
    ("counts", "grade"),
    [
        ({}, "A"),
        ({"minor": 1}, "B"),
        ({"minor": 3}, "C"),
        ({"major": 1}, "C"),
        ({"critical": 1}, "D"),
        ({"overdue_orders": 1}, "D"),
        ({"failed_rounds": 2}, "D"),
        ({"failed_rounds": 1, "minor": 1}, "B"),
    ],
)
def test_grade_follows_the_worst_fact(counts: dict[str, int], grade: str) -> None:
    assert grade_from_history(history(**counts)).grade == grade


def test_no_inspection_in_window_keeps_the_grade() -> None:
    assert grade_from_history(history(inspections=0, critical=1)).grade is None


def test_thresholds_are_configuration() -> None:
    strict = GradingRule(minor_for_c=1)
    assert grade_from_history(history(minor=1), strict).grade == "C"


def test_basis_names_the_deciding_branch() -> None:
    assert grade_from_history(history(major=1, minor=2)).basis == "major_or_many_minor"
    assert grade_from_history(history(overdue_orders=1)).basis == "critical_overdue_or_failed"
