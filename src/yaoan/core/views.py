"""Sign-in (password, then TOTP; enrolment by QR code), password change, own sessions and
API tokens, and the home page built from the panels apps register."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from yaoan.common.panels import render_panels
from yaoan.core import account_services, services, totp
from yaoan.core.forms import ApiTokenForm, EnrolForm, LoginForm, OtpForm, PasswordChangeForm
from yaoan.core.http import AuthenticatedHttpRequest
from yaoan.core.middleware import client_ip
from yaoan.core.models import User

PENDING_USER = "pending_user_id"
PENDING_NEXT = "pending_next"
# Same text whether the user is unknown, the password wrong or the account locked (S5).
LOGIN_FAILED = gettext_lazy("用户名或密码错误，或账号已被锁定。")


def _pending_user(request: HttpRequest) -> User | None:
    """The user who passed the password step, unless the account has since been locked
    (failed codes lock it too, and a lock holds at every step: S5)."""
    user_id = request.session.get(PENDING_USER)
    people = User.objects.people().filter(is_active=True)
    user = people.filter(pk=user_id).first() if user_id else None
    if user is not None and _locked(user):
        services.record_locked_attempt(user=user)
        request.session.pop(PENDING_USER, None)
        messages.error(request, LOGIN_FAILED)
        return None
    return user


def _locked(user: User) -> bool:
    return bool(user.locked_until and user.locked_until > timezone.now())


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}):
        return candidate
    return "/home/"


@login_not_required
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = User.objects.people().filter(username=username).first()
        if user is not None and _locked(user):
            # hash anyway: an answer without the hash's cost would tell a locked account
            # from an unknown name, which pays for one (S5)
            make_password(form.cleaned_data["password"])
            services.record_locked_attempt(user=user)
            form.add_error(None, LOGIN_FAILED)
        else:
            authenticated = authenticate(
                request, username=username, password=form.cleaned_data["password"]
            )
            if authenticated is None:
                services.record_failed_login(username=username, user=user, stage="password")
                form.add_error(None, LOGIN_FAILED)
            else:
                request.session.cycle_key()
                request.session[PENDING_USER] = authenticated.pk
                request.session[PENDING_NEXT] = _safe_next(request, request.GET.get("next"))
                if totp.confirmed_device(authenticated) is None:
                    return redirect("core:otp_enrol")
                return redirect("core:otp_verify")
    return render(request, "core/login.html", {"form": form})


def _finish_login(request: HttpRequest, user: User, device: TOTPDevice) -> HttpResponse:
    next_url = request.session.get(PENDING_NEXT, "/home/")
    login(request, user, backend="yaoan.core.backends.UserBackend")
    otp_login(request, device)
    request.session.pop(PENDING_USER, None)
    request.session.save()
    services.record_login(
        user=user,
        session_key=request.session.session_key or "",
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    return redirect(next_url)


@login_not_required
def otp_verify_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("core:login")
    device = totp.confirmed_device(user)
    if device is None:
        return redirect("core:otp_enrol")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            return _finish_login(request, user, device)
        services.record_failed_login(username=user.username, user=user, stage="otp")
        form.add_error("token", _("验证码错误或已使用，请等待下一个验证码。"))
    return render(request, "core/otp_verify.html", {"form": form, "pending_user": user})


@login_not_required
def otp_enrol_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("core:login")
    if totp.confirmed_device(user) is not None:
        return redirect("core:otp_verify")
    device = totp.pending_device(user)
    code_needed = account_services.enrolment_code_needed(user)
    form = EnrolForm(request.POST or None, code_needed=code_needed)
    if request.method == "POST" and form.is_valid():
        if not device.verify_token(form.cleaned_data["token"]):
            services.record_failed_login(username=user.username, user=user, stage="otp_enrol")
            form.add_error("token", _("验证码不正确，请确认手机时间准确后重试。"))
        else:
            try:
                account_services.enrol_authenticator(
                    user=user, device=device, code=form.cleaned_data.get("enrolment_code", "")
                )
            except ValidationError as exc:
                # a wrong code counts towards the lock like a wrong password (S5)
                services.record_failed_login(
                    username=user.username, user=user, stage="enrolment_code"
                )
                form.add_error("enrolment_code", exc.messages[0])
            else:
                return _finish_login(request, user, device)
    uri = totp.provisioning_uri(device)
    return render(
        request,
        "core/otp_enrol.html",
        {
            "form": form,
            "qr_svg": totp.qr_svg(uri),
            "secret": totp.base32_secret(device),
            "pending_user": user,
        },
    )


@require_POST
@login_not_required
def logout_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if isinstance(user, User):
        session = user.sessions.filter(session_key=request.session.session_key or "").first()
        if session is not None:
            services.end_session(actor=user, session=session, reason="logout")
    logout(request)
    response = redirect("core:login")
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'  # S27
    return response


def password_change_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        from django.contrib.auth import update_session_auth_hash

        try:
            services.change_password(user=user, new_password=form.cleaned_data["new_password"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("new_password", message)
        else:
            old_key = request.session.session_key or ""
            update_session_auth_hash(request, user)  # gives the session a new key
            services.rekey_session(old_key=old_key, new_key=request.session.session_key or "")
            messages.success(request, _("密码已修改。"))
            return redirect("core:home")
    # the policy as configured (length, classes, history), in the validators' own words
    policy = password_validators_help_texts()
    return render(request, "core/password_change.html", {"form": form, "policy": policy})


def home_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"panels": render_panels("dashboard", request)})


def sessions_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    current = request.session.session_key
    rows = services.live_sessions(user)
    return render(request, "core/sessions.html", {"sessions": rows, "current": current})


@require_POST
def session_end_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    session = get_object_or_404(user.sessions, pk=pk)
    services.end_session(actor=user, session=session, reason="ended_by_user")
    messages.success(request, _("已结束该会话。"))
    return redirect("core:sessions")


def api_tokens_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.issue_api_token(
            user=user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
        )
        form = ApiTokenForm()
    tokens = user.api_tokens.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    return render(
        request,
        "core/api_tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "new_key": new_key,
            "token_days": settings.API_TOKEN_DAYS,
        },
    )


@require_POST
def api_token_revoke_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    token = get_object_or_404(user.api_tokens, pk=pk, revoked_at__isnull=True)
    services.revoke_api_token(actor=user, token=token)
    messages.success(request, _("令牌已撤销。"))
    return redirect("core:api_tokens")
