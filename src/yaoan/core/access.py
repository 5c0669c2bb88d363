"""Refusals and scoped lookups, one way for every app's pages and API: a refused request is
audited (S14), and another unit's object answers 404 with an audit row (S9) — the same
answer as an object that does not exist, so ids cannot be probed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from yaoan.core import audit
from yaoan.core.models import User
from yaoan.core.rules import Gate

M = TypeVar("M", bound=Model)


def refusal(request: HttpRequest, user: User, action: str, message: str = "") -> PermissionDenied:
    """Audit a refused request; the caller raises what this returns."""
    audit.record_refusal(action, actor=user, path=request.path)
    return PermissionDenied(message)


def allowed_user(
    request: HttpRequest,
    allowed: Gate | Callable[[User], bool],
    action: str = "",
    message: str = "",
) -> User:
    """The signed-in user (the API's token user when there is one) if they pass the app's
    ``Gate`` (its rule, refusal action and message); else an audited refusal carrying the
    message (the API and the 403 page show it). A bare rule with ``action`` and ``message``
    serves a one-off check (an import's own permission)."""
    gate = allowed if isinstance(allowed, Gate) else Gate(allowed, action, message)
    user: User = getattr(request, "auth", None) or request.user  # type: ignore[assignment]
    if not gate.allowed(user):
        raise refusal(request, user, gate.action, str(gate.message))
    return user


def visible_or_404(
    visible: QuerySet[M], pk: Any, *, user: User, action: str, object_type: str
) -> M:
    """``visible.get(pk=pk)``, or 404; when the object exists but lies outside the user's
    scope, the refusal is audited as ``action``."""
    found = visible.filter(pk=pk).first()
    if found is None:
        if visible.model._default_manager.filter(pk=pk).exists():
            audit.record(
                action, actor=user, success=False, object_type=object_type, object_id=str(pk)
            )
        raise Http404
    return found
