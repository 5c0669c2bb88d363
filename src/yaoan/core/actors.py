"""Named system actors: who acts when no person does (a job, a command, the demo loader).

Every state change has an actor that is a ``User``: a person, or one of the system actors
declared in ``SYSTEM_ACTORS`` below. A system actor is a real user row, created on first
use, that

* holds exactly the roles its job needs, through the same ``RoleAssignment`` rows a person
  has, so ``core.rules`` and every app's rules judge it like a person: there is no flag
  that skips a permission check;
* keeps 三员 (S8): one that would need a business and an administrator role is two actors;
* can never sign in: no usable password, inactive (the auth backend, the TOTP step, the
  session middleware and API tokens all refuse inactive users), and the token service
  refuses it outright;
* is never offered, drawn or counted as staff: lists of people start from
  ``User.objects.people()``;
* is named in the audit log by its Chinese label (its ``display_name``), and its username
  ``system:<name>`` cannot be given to a person (the account form refuses ``:``).
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yaoan.core import audit
from yaoan.core.enums import ADMIN_ROLES, OrgUnitKind, Role
from yaoan.core.models import OrgUnit, RoleAssignment, User

USERNAME_PREFIX = "system:"


@dataclass(frozen=True)
class SystemActorSpec:
    name: str
    label: Promise
    roles: frozenset[str]
    # the unit the actor belongs to: the first active unit of this kind (the bureau for
    # district-wide work), resolved on every use so a district set up later is picked up
    org_unit_kind: str | None = None

    @property
    def username(self) -> str:
        return f"{USERNAME_PREFIX}{self.name}"

    @property
    def display_name(self) -> str:
        """The label in the site's language (msgids are Chinese), whatever the language of
        the request or command that first used the actor."""
        with translation.override(settings.LANGUAGE_CODE):
            return str(self.label)


def _spec(
    name: str, label: Promise, roles: Iterable[str] = (), unit: str | None = None
) -> SystemActorSpec:
    return SystemActorSpec(name, label, frozenset(roles), unit)


# The one table of system actors: name → label, roles (only what the job needs), unit.
SYSTEM_ACTORS: dict[str, SystemActorSpec] = {
    s.name: s
    for s in (
        # the demo loader's business data: registry, plans, draws, scheduling (a chief's work
        # over the whole district); visits themselves are recorded by the demo's inspectors
        _spec("demo", _("演示数据装载"), [Role.SECTION_CHIEF], OrgUnitKind.BUREAU),
        # 三员: the demo's org structure and accounts are the system administrator's work,
        # its role assignments the security administrator's: two more actors
        _spec("demo-accounts", _("演示数据装载（单位与账号）"), [Role.SYSTEM_ADMIN]),
        _spec("demo-roles", _("演示数据装载（角色分配）"), [Role.SECURITY_ADMIN]),
        # ends jobs whose worker died: touches only job rows, needs no role
        _spec("jobs", _("后台任务看护")),
        # marks deadlines due or overdue and notifies: needs no role
        _spec("deadline-sweep", _("期限巡检")),
        # writes and restores backups, and records the chain restored: needs no role
        _spec("backup", _("备份与恢复")),
        # ``yaoan pii rotate|reencrypt|prune``: re-seals stored values, reads no record
        _spec("pii-command", _("个人信息密钥命令")),
        # ``yaoan plan generate``: the section chief's work over the whole district
        _spec("plan-command", _("年度清单生成命令"), [Role.SECTION_CHIEF], OrgUnitKind.BUREAU),
        # ``yaoan trace ingest``: loading trace files is for district-wide loaders; monitoring
        # is the loader role that edits nothing else
        _spec("trace-command", _("追溯数据导入命令"), [Role.MONITORING], OrgUnitKind.BUREAU),
        # the public portal's submissions (投诉举报): registers what the public sends; it holds
        # no role, so it reads nothing and takes no step of the handling
        _spec("portal", _("公众投诉举报门户")),
        # the cases' credit rule: lowers a penalised business's credit class through the
        # registry's own service, which only a section chief may call
        _spec("case-credit", _("案件信用规则"), [Role.SECTION_CHIEF], OrgUnitKind.BUREAU),
    )
}


def _check_table() -> None:
    """三员 holds for the table itself: never two administrator roles, nor one beside a
    business role (checked at import, so a bad entry fails every test)."""
    for spec in SYSTEM_ACTORS.values():
        admin = spec.roles & ADMIN_ROLES
        if len(admin) > 1 or (admin and spec.roles - ADMIN_ROLES):
            raise ValueError(f"system actor {spec.name!r} breaks the separation of roles")


_check_table()


def is_system_actor(user: Any) -> bool:
    return bool(getattr(user, "is_system_actor", False))


def label_of(username: str) -> str:
    """The Chinese label of a system actor's username ("" for anyone else): the audit log
    names rows written before the actor had a user row this way too."""
    if not username.startswith(USERNAME_PREFIX):
        return ""
    spec = SYSTEM_ACTORS.get(username.removeprefix(USERNAME_PREFIX))
    return str(spec.label) if spec else ""


def os_user() -> str:
    """Who ran a command on the server, for the audit detail of a command's actor."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def system_actor(name: str) -> User:
    """The user row of system actor ``name``, created on first use; its unit and roles are
    brought in line with ``SYSTEM_ACTORS`` on every call (a changed table takes effect)."""
    spec = SYSTEM_ACTORS.get(name)
    if spec is None:
        raise KeyError(f"no system actor named {name!r}; declare it in SYSTEM_ACTORS")
    unit = _unit_of(spec)
    user = User.objects.filter(username=spec.username).first() or _create(spec, unit)
    if user.org_unit_id != (unit.pk if unit else None):
        _move(user, unit)
    if user.role_set != spec.roles:
        _sync_roles(user, spec)
    return user


def _unit_of(spec: SystemActorSpec) -> OrgUnit | None:
    if spec.org_unit_kind is None:
        return None
    units = OrgUnit.objects.filter(kind=spec.org_unit_kind, is_active=True)
    return units.order_by("sort_order", "code").first()


def _create(spec: SystemActorSpec, unit: OrgUnit | None) -> User:
    """Race-safe: two processes creating the same actor leave one row; the loser reads it."""
    try:
        with transaction.atomic():
            user = User(
                username=spec.username,
                display_name=spec.display_name,
                org_unit=unit,
                is_active=False,
                is_system_actor=True,
                account_kind=_account_kind(spec.roles),
            )
            user.set_unusable_password()
            user.save()
            RoleAssignment.objects.bulk_create(
                [RoleAssignment(user=user, role=r) for r in sorted(spec.roles)]
            )
            audit.record(
                "core.system_actor.created",
                actor=user,
                obj=user,
                after={"name": spec.name, "roles": sorted(spec.roles)},
            )
    except IntegrityError:
        return User.objects.get(username=spec.username)
    return user


def _account_kind(roles: frozenset[str]) -> str:
    admin = roles & ADMIN_ROLES
    if admin:
        return str(next(iter(admin)))
    return "business" if roles else ""


@transaction.atomic
def _move(user: User, unit: OrgUnit | None) -> None:
    before = {"org_unit_id": user.org_unit_id}
    user.org_unit = unit
    user.save(update_fields=["org_unit"])
    audit.record(
        "core.system_actor.unit_set",
        actor=user,
        obj=user,
        before=before,
        after={"org_unit_id": user.org_unit_id},
    )


@transaction.atomic
def _sync_roles(user: User, spec: SystemActorSpec) -> None:
    old = sorted(user.role_set)
    user.role_assignments.exclude(role__in=spec.roles).delete()
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, role=r) for r in sorted(spec.roles)], ignore_conflicts=True
    )
    user.account_kind = _account_kind(spec.roles)
    user.save(update_fields=["account_kind"])
    user.__dict__.pop("_role_set", None)
    audit.record(
        "core.system_actor.roles_set",
        actor=user,
        obj=user,
        before={"roles": old},
        after={"roles": sorted(spec.roles)},
    )
