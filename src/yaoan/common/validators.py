from __future__ import annotations

from django.core.exceptions import ValidationError

from yaoan.common.identifiers import approval_number_problem, uscc_problem


def validate_uscc(value: str) -> None:
    problem = uscc_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_uscc")


def validate_approval_number(value: str) -> None:
    if value:
        problem = approval_number_problem(value)
        if problem:
            raise ValidationError(problem, code="invalid_approval_number")
