"""Coded errors, one way for every app.

A refusal is a Django ``ValidationError`` whose ``code`` is a member of an ``ErrorCode``
enumeration; the enumeration's base class says what kind of refusal it is, and the API
answers by kind (yaoan.api): an ``ErrorCode`` is invalid input (422), a ``ConflictCode``
a step the object's current state does not allow (409, S19), a ``TooLargeCode`` an
upload over the limit (413, S22). Each app's codes are an ``ErrorCode`` subclass in its
enums.py (``PlanError``, ``DrawError`` …); the codes several apps share are defined once
here: ``ILLEGAL_TRANSITION``, ``APPROVER_IS_SUBMITTER``, ``GUARD_FAILED``,
``REASON_REQUIRED``.

Raise with ``invalid``: ``raise invalid(REASON_REQUIRED, _("请填写原因。"), field="reason")``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    """Base of every app's error codes (no members of its own): invalid input."""


class ConflictCode(ErrorCode):
    """Base of codes for a step the object's current state does not allow."""


class TooLargeCode(ErrorCode):
    """Base of codes for an upload or a body over its size limit."""


class SharedError(ErrorCode):
    """Invalid-input codes several apps use."""

    REASON_REQUIRED = "reason_required", _("须填写原因")
    INVALID = "invalid", _("取值无效")


class StateConflict(ConflictCode):
    """Out-of-order steps, whichever app's workflow refuses them."""

    ILLEGAL_TRANSITION = "illegal_transition", _("当前状态不允许此操作")
    APPROVER_IS_SUBMITTER = "approver_is_submitter", _("审批人不能是提交人")
    GUARD_FAILED = "guard_failed", _("不满足执行此操作的条件")


ILLEGAL_TRANSITION = StateConflict.ILLEGAL_TRANSITION
APPROVER_IS_SUBMITTER = StateConflict.APPROVER_IS_SUBMITTER
GUARD_FAILED = StateConflict.GUARD_FAILED
REASON_REQUIRED = SharedError.REASON_REQUIRED
INVALID = SharedError.INVALID


def invalid(code: str, message: str | None = None, field: str | None = None) -> ValidationError:
    """A coded refusal for the caller to raise: on ``field`` when given (a form shows it
    beside that field, the API names it), else about the request as a whole. Without a
    message, the code's label is the message."""
    text = message if message is not None else str(getattr(code, "label", code))
    error = ValidationError(text, code=code)
    return ValidationError({field: [error]}) if field else error
