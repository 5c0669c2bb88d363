from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from yaoan.common.identifiers import Problem, approval_number_issue, uscc_issue


def translated(problem: Problem) -> str:
    """The problem in the user's language (the messages are in the common catalogue)."""
    message = gettext(problem.message)
    return message % problem.params if problem.params else message


def validate_uscc(value: str) -> None:
    problem = uscc_issue(value)
    if problem:
        raise ValidationError(translated(problem), code="invalid_uscc")


def validate_approval_number(value: str) -> None:
    if value:
        problem = approval_number_issue(value)
        if problem:
            raise ValidationError(translated(problem), code="invalid_approval_number")
