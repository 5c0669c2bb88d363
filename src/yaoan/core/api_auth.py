"""Who is calling the JSON API: a staff token (``Authorization: Bearer ya_…``) or, for the
same-origin pages and the API docs, a browser session that passed both factors.

Tokens are looked up by their SM3 digest only (the key itself is never stored). A token
that is presented but unknown, revoked, expired or belongs to an inactive user is refused
with 401 and the refusal is written to the audit log (S14). A read token used for a
write (POST, PUT, PATCH, DELETE) is refused with 403 and the code ``token_read_only``,
audited too (S7). A session is accepted only after the TOTP step, and unsafe methods then
need the CSRF token as any form would.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from yaoan.core import audit
from yaoan.core.enums import ApiTokenScope
from yaoan.core.middleware import is_two_factor, password_change_due
from yaoan.core.models import ApiToken, User

TOKEN_PREFIX = "ya_"  # noqa: S105  (a public marker, not a secret)
LAST_USED_WRITE_INTERVAL = dt.timedelta(seconds=60)


def _rejection_reason(token: ApiToken | None, now: dt.datetime) -> str:
    if token is None:
        return "unknown"
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at <= now:
        return "expired"
    if not token.user.is_active or token.user.is_system_actor:
        return "inactive_user"
    return ""


def _public_prefix(key: str) -> str:
    """The prefix shown in the token list; nothing of a key that is not one of ours."""
    return key[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 6] if key.startswith(TOKEN_PREFIX) else ""


def _record_rejection(token: ApiToken | None, key: str, reason: str) -> None:
    with transaction.atomic():
        audit.record(
            "core.api_token.rejected",
            actor=token.user if token is not None else None,
            obj=token,
            object_type="core.apitoken",
            object_id=str(token.pk) if token is not None else _public_prefix(key),
            reason=reason,
            success=False,
        )


def _touch(token: ApiToken, now: dt.datetime) -> None:
    """Record use at most once a minute, so busy clients do not write on every call."""
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_WRITE_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


class TokenScopeError(PermissionError):
    """A read token used for a write; the API answers 403 with ``code``."""

    code = "token_read_only"

    def __init__(self) -> None:
        super().__init__(_("该 API 令牌为只读令牌，不能用于修改数据。"))


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def check_scope(token: ApiToken, method: str) -> None:
    if token.scope == ApiTokenScope.WRITE or method.upper() in SAFE_METHODS:
        return
    with transaction.atomic():
        audit.record(
            "core.api_token.scope_refused",
            actor=token.user,
            obj=token,
            reason=method.upper(),
            success=False,
        )
    raise TokenScopeError()


def token_for_key(key: str) -> ApiToken:
    """The valid token ``key`` stands for; raises AuthenticationError otherwise."""
    now = timezone.now()
    token = None
    if key.startswith(TOKEN_PREFIX):
        token = (
            ApiToken.objects.select_related("user__org_unit")
            .filter(key_digest=audit.sm3_hex(key.encode()))
            .first()
        )
    reason = _rejection_reason(token, now)
    if reason or token is None:
        _record_rejection(token, key, reason or "unknown")
        raise AuthenticationError(401, _("API 令牌无效、已撤销或已过期。"))
    _touch(token, now)
    return token


def user_for_token(key: str) -> User:
    """The active user a valid token belongs to; raises AuthenticationError otherwise."""
    return token_for_key(key).user


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer ya_…`` — a token issued to a member of staff."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        api_token = token_for_key(token.strip())
        check_scope(api_token, request.method or "GET")
        request.user = api_token.user
        return api_token.user


class VerifiedSessionAuth(APIKeyCookie):
    """The signed-in browser session, only after the second factor; CSRF for unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if not key or user is None or not is_two_factor(user) or password_change_due(user):
            return None
        csrf_exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not csrf_exempt and check_csrf(request) is not None:
            raise HttpError(403, _("CSRF 校验失败，请刷新页面后重试。"))
        return user
