"""The only writers of core state. Each function is one business action, atomic and audited.
This module holds accounts and roles, sign-in, sessions and API tokens; org structure is in
``org_services``, administrators' help with credentials in ``account_services``, the
working calendar and deadline rules in ``calendar_services``."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.core import audit
from yaoan.core.actors import USERNAME_PREFIX as SYSTEM_USERNAME_PREFIX
from yaoan.core.enums import ADMIN_ROLES, ApiTokenScope, CoreError
from yaoan.core.models import (
    ApiToken,
    OrgUnit,
    PasswordHistory,
    RoleAssignment,
    User,
    UserSession,
)
from yaoan.core.rules import can_manage_accounts, can_manage_roles

USER_AUDIT_FIELDS = ["username", "display_name", "org_unit_id", "is_active", "email"]


class RoleConflictError(ValidationError):
    def __init__(self) -> None:
        super().__init__(str(CoreError.ROLE_CONFLICT.label), code=CoreError.ROLE_CONFLICT)


def require_person(user: User) -> None:
    """A system actor's account is declared in code (core.actors): no administrator signs it
    in, gives it a password, a token or a role, or switches it on."""
    if user.is_system_actor:
        raise PermissionDenied(_("系统执行者的账号由系统维护，不能在此操作。"))


def check_role_separation(roles: Iterable[str]) -> None:
    """三员 (S8): at most one administrator role, and never beside a business role."""
    role_set = set(roles)
    admin = role_set & ADMIN_ROLES
    if len(admin) > 1 or (admin and role_set - ADMIN_ROLES):
        raise RoleConflictError()


@transaction.atomic
def create_user(
    *,
    actor: User,
    username: str,
    display_name: str,
    org_unit: OrgUnit | None,
    roles: Iterable[str],
    password: str,
    must_change_password: bool = True,
    phone: str = "",
) -> User:
    roles = list(roles)
    if not (can_manage_accounts(actor) or can_manage_roles(actor)):
        raise PermissionDenied(_("只有系统管理员可以新建账号。"))
    if roles and not can_manage_roles(actor):
        # 三员 (S8): the system administrator creates accounts, only the security
        # administrator gives them roles; otherwise he could make himself an auditor
        raise PermissionDenied(_("只有安全管理员可以分配角色。"))
    check_role_separation(roles)
    if username.startswith(SYSTEM_USERNAME_PREFIX):
        raise ValidationError(
            {
                "username": _("用户名不能以 %(p)s 开头（系统执行者专用）")
                % {"p": SYSTEM_USERNAME_PREFIX}
            },
            code="reserved_username",
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(str(CoreError.DUPLICATE_USERNAME.label), code="duplicate_username")
    user = User(
        username=username,
        display_name=display_name,
        org_unit=org_unit,
        phone=phone,
        must_change_password=must_change_password,
        account_kind=account_kind_of(roles),
        # an administrator knows the initial password: enrolment needs the owner's code (S8);
        # the demo loader's accounts are for anyone to try
        enrolment_code_required=not actor.is_system_actor,
    )
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    PasswordHistory.objects.create(user=user, password=user.password)
    RoleAssignment.objects.bulk_create([RoleAssignment(user=user, role=r) for r in roles])
    audit.record(
        "core.user.created",
        actor=actor,
        obj=user,
        after={**audit.snapshot(user, USER_AUDIT_FIELDS), "roles": sorted(roles)},
    )
    return user


def account_kind_of(roles: Iterable[str]) -> str:
    """ "business", or the one administrator role (after check_role_separation); "" for none."""
    role_set = set(roles)
    admin = role_set & ADMIN_ROLES
    if admin:
        return str(next(iter(admin)))
    return "business" if role_set else ""


def _check_account_kind(user: User, old: Iterable[str], new: Iterable[str]) -> str:
    """A business account never becomes an administrator, nor an administrator another
    kind of administrator (one person, one administrator role: S8)."""
    bound = user.account_kind or account_kind_of(old)
    kind = account_kind_of(new)
    if kind and bound and kind != bound:
        raise ValidationError(str(CoreError.ACCOUNT_KIND.label), code=CoreError.ACCOUNT_KIND)
    return kind or bound


def _check_not_last_admin(user: User, roles_lost: Iterable[str]) -> None:
    """The last active holder of an administrator role keeps it: without a security
    administrator nobody could assign roles again (S8). Holders are locked, so two
    administrators cannot remove each other at once."""
    for role in set(roles_lost) & ADMIN_ROLES:
        holders = (
            User.objects.people()
            .select_for_update()
            .filter(is_active=True, role_assignments__role=role)
        )
        if not any(pk != user.pk for pk in holders.values_list("pk", flat=True)):
            raise ValidationError(str(CoreError.LAST_ADMIN.label), code=CoreError.LAST_ADMIN)


@transaction.atomic
def set_roles(*, actor: User, user: User, roles: Iterable[str], reason: str) -> None:
    new = sorted(set(roles))
    check_role_separation(new)
    if not can_manage_roles(actor):
        raise PermissionDenied(_("只有安全管理员可以分配角色。"))
    if actor.pk == user.pk:
        raise PermissionDenied(str(CoreError.OWN_ROLES.label))
    require_person(user)
    # locked, so two concurrent changes cannot each pass the check and leave both roles
    user = User.objects.select_for_update().get(pk=user.pk)
    old = sorted(user.role_set)
    kind = _check_account_kind(user, old, new)
    _check_not_last_admin(user, set(old) - set(new))
    user.role_assignments.exclude(role__in=new).delete()
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, role=r) for r in new if r not in old]
    )
    if kind != user.account_kind:
        user.account_kind = kind
        user.save(update_fields=["account_kind"])
    user.__dict__.pop("_role_set", None)
    if old != new:
        revoke_all_api_tokens(actor=actor, user=user, reason="roles_changed")
    audit.record(
        "core.user.roles_changed",
        actor=actor,
        obj=user,
        before={"roles": old},
        after={"roles": new},
        reason=reason,
    )


@transaction.atomic
def change_password(*, user: User, new_password: str) -> None:
    """Users change their own password: validate against the policy (length, classes, weak
    list, last 5), then store (S2, S3). An administrator's reset is account_services'."""
    require_person(user)
    validate_password(new_password, user)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    PasswordHistory.objects.create(user=user, password=user.password)
    keep = list(user.password_history.values_list("id", flat=True)[:5])
    user.password_history.exclude(id__in=keep).delete()
    revoke_all_api_tokens(actor=user, user=user, reason="password_changed")
    # the hash is never written to the audit log, only that the change happened
    audit.record("core.user.password_changed", actor=user, obj=user)


@transaction.atomic
def set_active(*, actor: User, user: User, active: bool, reason: str) -> None:
    require_person(user)
    if not active:
        _check_not_last_admin(user, user.role_set)
    before = audit.snapshot(user, ["is_active"])
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        end_all_sessions(actor=actor, user=user, reason="deactivated")
        revoke_all_api_tokens(actor=actor, user=user, reason="deactivated")
    audit.record(
        "core.user.activated" if active else "core.user.deactivated",
        actor=actor,
        obj=user,
        before=before,
        after=audit.snapshot(user, ["is_active"]),
        reason=reason,
    )


# --- sign-in, lockout and sessions ------------------------------------------------------


@transaction.atomic
def record_failed_login(*, username: str, user: User | None, stage: str) -> None:
    """Count a failure; lock the account at the threshold (S5). Unknown names are logged too."""
    from django.conf import settings

    if user is not None:
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.locked_until is not None and user.locked_until <= timezone.now():
            # a lock that has run out starts a new count, not one failure from the next lock
            user.failed_login_count = 0
        user.failed_login_count += 1
        if user.failed_login_count >= settings.LOCKOUT_THRESHOLD:
            user.locked_until = timezone.now() + dt.timedelta(minutes=settings.LOCKOUT_MINUTES)
        user.save(update_fields=["failed_login_count", "locked_until"])
    audit.record(
        "core.auth.login_failed",
        actor_username=username,
        success=False,
        obj=user,
        reason=stage,
        org_unit=user.org_unit if user else None,
    )


@transaction.atomic
def record_locked_attempt(*, user: User) -> None:
    audit.record(
        "core.auth.login_refused_locked",
        actor_username=user.username,
        obj=user,
        success=False,
        org_unit=user.org_unit,
    )


@transaction.atomic
def record_login(*, user: User, session_key: str, ip: str | None, user_agent: str) -> None:
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None, last_login=now)
    UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "created_at": now,
            "last_seen_at": now,
            "ip_address": ip,
            "user_agent": user_agent[:300],
            "ended_at": None,
            "end_reason": "",
        },
    )
    audit.record("core.auth.login", actor=user, obj=user)


@transaction.atomic
def unlock_user(*, actor: User, user: User, reason: str) -> None:
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
    audit.record("core.user.unlocked", actor=actor, obj=user, reason=reason)


@transaction.atomic
def end_session(*, actor: User, session: UserSession, reason: str) -> None:
    if session.ended_at is not None:
        return
    _close(session, reason)
    Session.objects.filter(session_key=session.session_key).delete()
    audit.record(
        "core.session.ended",
        actor=actor,
        obj=session.user,
        after={"session": session.session_key[:8], "reason": reason},
    )


def live_sessions(user: User) -> QuerySet[UserSession]:
    """The user's sessions still within the idle and absolute limits and not ended (S7)."""
    from django.conf import settings

    now = timezone.now()
    return user.sessions.filter(
        ended_at__isnull=True,
        created_at__gt=now - dt.timedelta(hours=settings.SESSION_MAX_HOURS),
        last_seen_at__gt=now - dt.timedelta(minutes=settings.IDLE_TIMEOUT_MINUTES),
    )


def rekey_session(*, old_key: str, new_key: str) -> None:
    """Django gives the session a new key (e.g. after a password change); follow it."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def _close(session: UserSession, reason: str) -> None:
    session.ended_at = timezone.now()
    session.end_reason = reason
    session.save(update_fields=["ended_at", "end_reason"])


def end_all_sessions(*, actor: User, user: User, reason: str) -> int:
    """Ends the user's open sessions; returns how many there were."""
    sessions = list(user.sessions.filter(ended_at__isnull=True))
    for session in sessions:
        end_session(actor=actor, session=session, reason=reason)
    return len(sessions)


@transaction.atomic
def force_logout(*, actor: User, user: User, reason: str) -> int:
    """An administrator ends every session of ``user``; recorded with the reason even when
    there was none to end."""
    ended = end_all_sessions(actor=actor, user=user, reason="forced")
    revoke_all_api_tokens(actor=actor, user=user, reason="forced_logout")
    audit.record(
        "core.user.forced_logout", actor=actor, obj=user, after={"sessions": ended}, reason=reason
    )
    return ended


@transaction.atomic
def end_session_by_policy(*, user: User, session_key: str, reason: str) -> None:
    """The idle or absolute limit ended the session (S6, S7), noticed on its next request."""
    session = UserSession.objects.filter(session_key=session_key, ended_at__isnull=True).first()
    if session is None:
        return  # ended before (by its user, an administrator, a deactivation): audited then
    _close(session, reason)
    audit.record(
        "core.session.ended",
        actor=user,
        obj=user,
        after={"session": session_key[:8], "reason": reason},
        reason=reason,
    )


# --- API tokens --------------------------------------------------------------------------


@transaction.atomic
def issue_api_token(
    *, user: User, name: str, scope: str = ApiTokenScope.WRITE, days: int | None = None
) -> tuple[ApiToken, str]:
    """Returns the token and its key; the key is shown to the user once and never stored.
    Its life is ``settings.API_TOKEN_DAYS`` unless ``days`` says otherwise (S7)."""
    from django.conf import settings

    require_person(user)
    if scope not in ApiTokenScope.values:
        raise ValidationError(_("令牌权限无效"), code="token_scope")
    key = "ya_" + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        scope=scope,
        prefix=key[3:9],
        key_digest=audit.sm3_hex(key.encode()),
        created_at=now,
        expires_at=now + dt.timedelta(days=days if days is not None else settings.API_TOKEN_DAYS),
    )
    audit.record(
        "core.api_token.issued",
        actor=user,
        obj=token,
        after={"name": name, "scope": scope, "expires_at": token.expires_at},
    )
    return token, key


@transaction.atomic
def revoke_api_token(*, actor: User, token: ApiToken, reason: str = "revoked") -> None:
    token.revoked_at = timezone.now()
    token.revoked_reason = reason[:30]
    token.save(update_fields=["revoked_at", "revoked_reason"])
    audit.record("core.api_token.revoked", actor=actor, obj=token, reason=reason)


def revoke_all_api_tokens(*, actor: User, user: User, reason: str) -> int:
    """A token outlives no session (S7): every live token of ``user`` goes with them, when
    an administrator logs the user out, deactivates them, changes their roles, or the
    password changes. Call inside the transaction of that change."""
    tokens = list(user.api_tokens.filter(revoked_at__isnull=True))
    for token in tokens:
        revoke_api_token(actor=actor, token=token, reason=reason)
    return len(tokens)
