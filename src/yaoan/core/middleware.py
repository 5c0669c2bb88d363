"""Request context for audit rows, session lifetime rules, and sign-in on every page."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.core import services
from yaoan.core.context import RequestContext, current_request
from yaoan.core.models import UserSession

Handler = Callable[[HttpRequest], HttpResponse]
SEEN_WRITE_INTERVAL = dt.timedelta(seconds=60)


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Handler):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = str(uuid.uuid4())
        token = current_request.set(
            RequestContext(
                request_id=request_id,
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            )
        )
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request_id
        return response


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or request.headers.get("HX-Request") == "true"


def unauthorised(request: HttpRequest, message: str) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"detail": message, "code": "not_authenticated"}, status=401)
    return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")


class SessionPolicyMiddleware:
    """Idle timeout, absolute lifetime, and sessions ended elsewhere (S6, S7)."""

    def __init__(self, get_response: Handler):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            problem = self.session_problem(request)
            if problem is not None:
                self.end(request, problem)
                return unauthorised(request, _("会话已结束，请重新登录。"))
        return self.get_response(request)

    def session_problem(self, request: HttpRequest) -> str | None:
        now = timezone.now()
        key = request.session.session_key or ""
        row = (
            UserSession.objects.filter(session_key=key)
            .only("ended_at", "created_at", "last_seen_at")
            .first()
        )
        if row is None or row.ended_at is not None:
            return "ended"
        if now - row.created_at > dt.timedelta(hours=settings.SESSION_MAX_HOURS):
            return "absolute_timeout"
        if now - row.last_seen_at > dt.timedelta(minutes=settings.IDLE_TIMEOUT_MINUTES):
            return "idle_timeout"
        if now - row.last_seen_at > SEEN_WRITE_INTERVAL:
            UserSession.objects.filter(pk=row.pk).update(last_seen_at=now)
        return None

    def end(self, request: HttpRequest, reason: str) -> None:
        services.end_session_by_policy(
            user=request.user,  # type: ignore[arg-type]
            session_key=request.session.session_key or "",
            reason=reason,
        )
        logout(request)


# /public/ is the portal (群众): published results, draws, complaint submission — no sign-in
PUBLIC_PREFIXES = (
    "/static/",
    # the sign-in steps only: changing a password needs a signed-in user like any page
    "/accounts/login/",
    "/accounts/otp/",
    "/accounts/logout/",
    "/i18n/",
    "/api/",
    "/public/",
    "/favicon.ico",
    "/healthz",
)
PASSWORD_CHANGE_ALLOWED = ("/accounts/", "/static/", "/i18n/")


class LoginRequiredMiddleware:
    """Every page needs a user who passed both factors; the API checks its own tokens."""

    def __init__(self, get_response: Handler):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if path.startswith(PUBLIC_PREFIXES):
            return self.get_response(request)
        user = request.user
        if not is_two_factor(user):
            return unauthorised(request, _("请先登录。"))
        if password_change_due(user) and not path.startswith(PASSWORD_CHANGE_ALLOWED):
            return redirect("core:password_change")
        return self.get_response(request)


def is_two_factor(user: Any) -> bool:
    """Signed in with both the password and a TOTP code (django-otp sets is_verified)."""
    return bool(user.is_authenticated and user.is_verified())


def password_change_due(user: Any) -> bool:
    if user.must_change_password:
        return True
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    if max_age and user.password_changed_at is not None:
        return bool(timezone.now() - user.password_changed_at > dt.timedelta(days=max_age))
    return False
