"""Org units, the grid, users, their roles, passwords, sessions and API tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils.translation import gettext_lazy as _

from yaoan.core.enums import ApiTokenScope, AreaType, OrgUnitKind, Role, SubdistrictKind
from yaoan.core.pii.fields import BlindIndexField, PersonalDataField


class OrgUnit(models.Model):
    """A unit of the bureau, the committee office or a member department of the committee."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(_("类别"), max_length=24, choices=OrgUnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_station(self) -> bool:
        return self.kind == OrgUnitKind.STATION


class Subdistrict(models.Model):
    """A town or street office (镇街): the unit of the grid, covered by one station."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类别"), max_length=10, choices=SubdistrictKind.choices)
    station = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所属市场监管所"),
        on_delete=models.PROTECT,
        related_name="subdistricts",
        limit_choices_to={"kind": OrgUnitKind.STATION},
    )
    area_type = models.CharField(
        _("区域类型"), max_length=16, choices=AreaType.choices, default=AreaType.URBAN
    )
    population = models.PositiveIntegerField(_("常住人口"), default=0)

    class Meta:
        verbose_name = _("镇街")
        verbose_name_plural = _("镇街")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


if TYPE_CHECKING:
    _UserManagerBase = UserManager["User"]
else:  # generic in the type stubs only
    _UserManagerBase = UserManager


class StaffUserManager(_UserManagerBase):
    def people(self) -> models.QuerySet[User]:
        """Accounts of people: every picker, pool, list and count of staff starts here, so a
        system actor (core.actors) is never offered, drawn or counted."""
        return self.get_queryset().filter(is_system_actor=False)


class User(AbstractUser):
    """A member of staff, or a named system actor (a job or command: core.actors) that
    acts through the same roles and rules but can never sign in. Usernames are unique;
    shared accounts are not allowed (S1)."""

    display_name = models.CharField(_("姓名"), max_length=50)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = PersonalDataField(_("手机号"), kind="phone", max_length=20, blank=True)
    phone_index = BlindIndexField(source="phone")
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    failed_login_count = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    # 三员 (S8): the first roles bind the account for good to "business" or to one
    # administrator role; blank until then
    account_kind = models.CharField(_("账号类别"), max_length=24, blank=True)
    # S8: an account whose initial password an administrator set (or whose authenticator was
    # reset) enrols only with a code the security administrator hands to its owner
    enrolment_code_required = models.BooleanField(_("须凭登记码绑定"), default=False)
    enrolment_code_digest = models.CharField(max_length=64, blank=True)
    # set only by core.actors.system_actor: such a row has no usable password, is inactive
    # and is left out of every list of people
    is_system_actor = models.BooleanField(_("系统执行者"), default=False, editable=False)

    objects: ClassVar[StaffUserManager] = StaffUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return f"{self.display_name}（{self.username}）" if self.display_name else self.username

    @property
    def role_set(self) -> frozenset[str]:
        cached = getattr(self, "_role_set", None)
        if cached is None:
            cached = self._read_roles()
            self._role_set = cached
        return cached

    def _read_roles(self) -> frozenset[str]:
        """Every page reads the roles once: plain SQL takes 30 µs where building the same
        query through the ORM took 320 µs."""
        connection = connections[self._state.db or DEFAULT_DB_ALIAS]
        table = connection.ops.quote_name(RoleAssignment._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT role FROM {table} WHERE user_id = %s", [self.pk])  # noqa: S608 -- the table name is ours, quoted
            return frozenset(row[0] for row in cursor.fetchall())

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set & set(roles))


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="core_role_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user.username}: {self.get_role_display()}"


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords, so the last few cannot be reused (S2)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=256)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class UserSession(models.Model):
    """A signed-in session, listed to its user, who can end it (S6, S7)."""

    session_key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    created_at = models.DateTimeField(_("登录时间"))
    last_seen_at = models.DateTimeField(_("最近活动"))
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=30, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user.username} @ {self.created_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A staff member's API token. Only its SM3 digest is stored; the key is shown once.
    A read token may only GET; every token dies with its user's sessions (S7)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=60)
    scope = models.CharField(
        _("权限"), max_length=8, choices=ApiTokenScope.choices, default=ApiTokenScope.READ
    )
    prefix = models.CharField(max_length=8)
    key_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"))
    expires_at = models.DateTimeField(_("有效期至"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("撤销原因"), max_length=30, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
