"""Administrators' help with a member of staff's credentials (S8), and the owner's own TOTP
enrolment. Each is atomic and audited with its reason.

Under 三员 the two credentials are kept in different hands: the system administrator sets
and resets passwords; the security administrator resets a lost authenticator and hands the
owner an enrolment code. An account whose initial password an administrator set, or whose
authenticator was reset, binds a new authenticator only with that code — so neither
administrator alone can sign in as the owner and enrol their own phone.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from yaoan.core import audit
from yaoan.core.enums import CoreError
from yaoan.core.models import PasswordHistory, User
from yaoan.core.rules import can_manage_accounts, can_manage_roles
from yaoan.core.services import end_all_sessions, require_person, revoke_all_api_tokens

ENROLMENT_CODE_DIGITS = 8


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写原因")}, code="reason_required")
    return reason


def _not_self(actor: User, user: User) -> None:
    if actor.pk == user.pk:
        raise PermissionDenied(_("不能为自己执行此操作，请由另一名管理员办理。"))
    require_person(user)


@transaction.atomic
def reset_password(*, actor: User, user: User, new_password: str, reason: str) -> None:
    """The system administrator gives a temporary password, changed at the next sign-in;
    the user's sessions and API tokens end. The authenticator stays the owner's, so the
    administrator who knows the temporary password still cannot sign in."""
    if not can_manage_accounts(actor):
        raise PermissionDenied(_("只有系统管理员可以重置密码。"))
    _not_self(actor, user)
    reason = _require_reason(reason)
    validate_password(new_password, user)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = True
    user.failed_login_count = 0
    user.locked_until = None
    user.save(
        update_fields=[
            "password",
            "password_changed_at",
            "must_change_password",
            "failed_login_count",
            "locked_until",
        ]
    )
    PasswordHistory.objects.create(user=user, password=user.password)
    end_all_sessions(actor=actor, user=user, reason="password_reset")
    revoke_all_api_tokens(actor=actor, user=user, reason="password_reset")
    audit.record("core.user.password_reset", actor=actor, obj=user, reason=reason)


def _new_code(user: User) -> str:
    code = "".join(secrets.choice("0123456789") for _n in range(ENROLMENT_CODE_DIGITS))
    user.enrolment_code_required = True
    user.enrolment_code_digest = audit.sm3_hex(f"{user.pk}:{code}".encode())
    user.save(update_fields=["enrolment_code_required", "enrolment_code_digest"])
    return code


@transaction.atomic
def reset_authenticator(*, actor: User, user: User, reason: str) -> str:
    """The security administrator removes a lost authenticator; the user's sessions and
    API tokens end. Returns the enrolment code to hand to the owner (shown once)."""
    if not can_manage_roles(actor):
        raise PermissionDenied(_("只有安全管理员可以重置动态口令。"))
    _not_self(actor, user)
    reason = _require_reason(reason)
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    end_all_sessions(actor=actor, user=user, reason="authenticator_reset")
    revoke_all_api_tokens(actor=actor, user=user, reason="authenticator_reset")
    code = _new_code(user)
    audit.record(
        "core.user.authenticator_reset",
        actor=actor,
        obj=user,
        after={"devices_removed": removed},
        reason=reason,
    )
    return code


@transaction.atomic
def issue_enrolment_code(*, actor: User, user: User, reason: str) -> str:
    """A new account (or one whose code was lost) gets a code from the security
    administrator, who never learns its password. Any earlier code stops working."""
    if not can_manage_roles(actor):
        raise PermissionDenied(_("只有安全管理员可以发放登记码。"))
    _not_self(actor, user)
    reason = _require_reason(reason)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("该账号已绑定动态口令；如已丢失，请先重置。"), code="enrolled")
    code = _new_code(user)
    audit.record("core.user.enrolment_code_issued", actor=actor, obj=user, reason=reason)
    return code


def enrolment_code_needed(user: User) -> bool:
    return user.enrolment_code_required


@transaction.atomic
def enrol_authenticator(*, user: User, device: TOTPDevice, code: str = "") -> None:
    """The owner binds their authenticator (the TOTP code was checked by the caller);
    with the enrolment code when one is required. Audited as the owner's own act."""
    if user.enrolment_code_required:
        expected = user.enrolment_code_digest
        given = audit.sm3_hex(f"{user.pk}:{code.strip()}".encode())
        if not expected or not secrets.compare_digest(expected, given):
            raise ValidationError(
                str(CoreError.ENROLMENT_CODE.label), code=CoreError.ENROLMENT_CODE
            )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    user.enrolment_code_required = False
    user.enrolment_code_digest = ""
    user.save(update_fields=["enrolment_code_required", "enrolment_code_digest"])
    audit.record(
        "core.user.totp_enrolled",
        actor=user,
        obj=user,
        after={"with_code": bool(code)},
    )
