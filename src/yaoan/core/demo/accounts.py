"""The demo accounts: one per role (``data/accounts.csv``) plus the draws' pool of
inspectors (``qj.draw.*``), each with the published password and a TOTP key derived from
its username, so that anyone trying the demo can sign in as any of them.

Each account is set up the way a real one is: the system administrator creates it, the
security administrator gives it its roles and an enrolment code, and the owner binds the
authenticator with that code (every step audited). The keys are public, which is why the
demo runs only where ``demo_allowed()``.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from yaoan.core import account_services
from yaoan.core import services as core_services
from yaoan.core.demo.actors import roles_actor, structure_actor
from yaoan.core.demo.district import DATA
from yaoan.core.enums import Role
from yaoan.core.models import OrgUnit, User

# One password for every demo account: 16 characters, four classes, not on the weak list.
DEMO_PASSWORD = "Qingjiang-Demo-2026!"  # noqa: S105  (a published demo credential)
# People are opened on the day the district went live, months ago: by now their first
# password is past the policy's age (PASSWORD_MAX_AGE_DAYS) and every sign-in would end on
# the password-change page. So they are opened with this one, and at the end of the load,
# today, each changes it to the published one through the same service a person uses
# (renew_passwords). The administrators keep the published one and change it at first
# sign-in, as S1 asks.
FIRST_PASSWORD = "Qingjiang-Demo-Open-2026!"  # noqa: S105
# The draws step adds pool inspectors under this prefix; a draw can pair anyone in the pool
# with a demo inspector, so they sign in like the accounts of the table.
POOL_PREFIX = "qj.draw."
REASON = "演示数据：开通演示账号"


def demo_allowed() -> bool:
    """The demo accounts' secrets are public, so they may only exist where DEBUG is on or the
    operator said explicitly that this is a demonstration machine (``YAOAN_DEMO=1``)."""
    return bool(settings.DEBUG) or os.environ.get("YAOAN_DEMO", "") == "1"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    unit_code: str
    roles: tuple[str, ...]
    note: str
    admin: bool = False


@cache
def _accounts() -> tuple[DemoAccount, ...]:
    with (DATA / "accounts.csv").open(encoding="utf-8", newline="") as f:
        return tuple(
            DemoAccount(
                username=row["username"],
                unit_code=row["unit"],
                roles=tuple(Role(r) for r in row["roles"].split()),
                note=row["note"],
                admin=row["admin"] == "yes",
            )
            for row in csv.DictReader(f)
        )


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = _accounts()
DEMO_USERNAMES = frozenset(a.username for a in DEMO_ACCOUNTS)


def totp_key_hex(username: str) -> str:
    """The demo account's TOTP key (20 bytes, hex), stable across runs and machines."""
    return hashlib.sha256(f"yaoan-demo-totp:{username}".encode()).hexdigest()[:40]


def is_demo_account(user: User) -> bool:
    """A user the demo created: a demo username whose TOTP key is the demo's derived key."""
    if user.username not in DEMO_USERNAMES and not user.username.startswith(POOL_PREFIX):
        return False
    return TOTPDevice.objects.filter(
        user=user, confirmed=True, key=totp_key_hex(user.username)
    ).exists()


def current_code(user: User, at: dt.datetime | None = None) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = (at or timezone.now()).timestamp()
    return f"{totp.token():0{device.digits}d}"


def open_account(
    *,
    username: str,
    display_name: str,
    unit: OrgUnit,
    roles: Iterable[str],
    admin: bool = False,
    phone: str = "",
) -> User:
    """Create a demo account, give it its roles and bind its demo authenticator."""
    user = core_services.create_user(
        actor=structure_actor(),
        username=username,
        display_name=display_name,
        org_unit=unit,
        roles=[],
        password=DEMO_PASSWORD if admin else FIRST_PASSWORD,
        # the three administrators change the seeded password at first sign-in (S1)
        must_change_password=admin,
        phone=phone,
    )
    security = roles_actor()
    core_services.set_roles(actor=security, user=user, roles=roles, reason=REASON)
    user.refresh_from_db()
    code = account_services.issue_enrolment_code(actor=security, user=user, reason=REASON)
    device = TOTPDevice.objects.create(
        user=user, name="TOTP", key=totp_key_hex(username), confirmed=False
    )
    account_services.enrol_authenticator(user=user, device=device, code=code)
    return user


def create_accounts(people: Iterable[tuple[str, str]]) -> None:
    """The accounts of the table; ``people`` gives each a synthetic name and phone."""
    units = {u.code: u for u in OrgUnit.objects.filter(code__startswith="qj-")}
    for account, (name, phone) in zip(DEMO_ACCOUNTS, people, strict=True):
        open_account(
            username=account.username,
            display_name=name,
            unit=units[account.unit_code],
            roles=account.roles,
            admin=account.admin,
            phone=phone,
        )


# --- the accounts table (``yaoan demo --accounts``) --------------------------------------


@dataclass(frozen=True)
class AccountRow:
    username: str
    roles: str
    unit: str
    password: str
    secret: str
    uri: str
    note: str


def _pool_note(user: User) -> str:
    unit = user.org_unit.short_name if user.org_unit else ""
    return f"{unit}检查员（抽查库）"


def account_rows() -> list[AccountRow]:
    users = {
        u.username: u
        for u in User.objects.filter(
            Q(username__in=DEMO_USERNAMES) | Q(username__startswith=POOL_PREFIX)
        ).select_related("org_unit")
    }
    pool = [
        DemoAccount(name, "", (), _pool_note(users[name]))
        for name in sorted(users)
        if name.startswith(POOL_PREFIX)
    ]
    rows = []
    for account in [*DEMO_ACCOUNTS, *pool]:
        user = users.get(account.username)
        if user is None:
            continue
        device = TOTPDevice.objects.filter(
            user=user, confirmed=True, key=totp_key_hex(user.username)
        ).first()
        if device is None:  # re-enrolled or not the demo's: its secret is no longer public
            continue
        password = DEMO_PASSWORD + ("（首次登录须修改）" if user.must_change_password else "")
        rows.append(
            AccountRow(
                username=user.username,
                roles="、".join(str(Role(r).label) for r in sorted(user.role_set)),
                unit=user.org_unit.short_name if user.org_unit else "",
                password=password,
                secret=base64.b32encode(device.bin_key).decode(),
                uri=str(device.config_url),
                note=account.note,
            )
        )
    return rows


def renew_passwords() -> str:
    """Each person still on the first password changes it to the published one, now
    (audited as their own change). Run last; a later load finds nothing to do."""
    opened = User.objects.people().filter(
        username__startswith="qj.", is_active=True, must_change_password=False
    )
    renewed = 0
    for user in opened.order_by("username"):
        if user.check_password(FIRST_PASSWORD):
            core_services.change_password(user=user, new_password=DEMO_PASSWORD)
            renewed += 1
    return _("%(n)s 个演示账号改用了公开的演示密码。") % {"n": renewed} if renewed else ""
