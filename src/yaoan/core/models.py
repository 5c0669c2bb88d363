"""Org units, the grid, users and roles, the audit log, the calendar, deadlines, numbering,
document templates and generated documents, attachments."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yaoan.core.enums import (
    ApiTokenScope,
    AreaType,
    AttachmentPolicy,
    DeadlineState,
    DeadlineUnit,
    ExtensionStatus,
    NotificationKind,
    OrgUnitKind,
    Role,
    SubdistrictKind,
)
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


class User(AbstractUser):
    """A member of staff. Usernames are unique; shared accounts are not allowed (S1)."""

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


class AuditEvent(models.Model):
    """One entry of the append-only, hash-chained audit log (S14–S18).

    ``entry_hash`` = HMAC-SM3 under the audit key (plain SM3 for rows from before keying)
    of the previous entry_hash ‖ canonical JSON of this row's fields, so
    editing or deleting any row breaks every link after it. Database triggers refuse
    UPDATE and DELETE on this table.
    """

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    occurred_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("账号"), max_length=150, blank=True, db_index=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=80, db_index=True)
    success = models.BooleanField(_("成功"), default=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditChainHead(models.Model):
    """The single row that serialises appends to the audit chain on every database.

    ``keyed_from_seq``: the first row chained with HMAC-SM3 (S15). A new database keys
    from row 1; the migration that introduced keying set it past the rows already written,
    which keep their plain SM3 hashes. Every checkpoint records it, so moving it is seen."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    keyed_from_seq = models.PositiveBigIntegerField(default=1)

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"


class CalendarYearOverride(models.Model):
    """An administrator's statement that a year's official schedule has been loaded by hand.

    For such a year only weekends and the HolidayOverride rows decide; the package is
    not consulted, so a year the package does not know becomes usable (S20).
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("依据"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("年度工作日历")
        verbose_name_plural = _("年度工作日历")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class HolidayOverride(models.Model):
    """A day whose status differs from the weekday rule: a holiday or a make-up workday."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("工作日"))
    name = models.CharField(_("说明"), max_length=50)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class DeadlineRule(models.Model):
    """A statutory time limit as configuration (DESIGN.md "Rules with numbers")."""

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    label = models.CharField(_("名称"), max_length=100)
    amount = models.PositiveIntegerField(_("期限"))
    unit = models.CharField(_("单位"), max_length=16, choices=DeadlineUnit.choices)
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("期限规则")
        verbose_name_plural = _("期限规则")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label


class Deadline(models.Model):
    """One running time limit of one record: opened by a transition, met, cancelled,
    suspended, extended, or marked overdue by the daily sweep.

    The subject is named by ``subject_type`` ("app_label.model") and ``subject_id`` so any
    app's record can carry deadlines without core importing it."""

    subject_type = models.CharField(_("对象类型"), max_length=60)
    subject_id = models.CharField(_("对象编号"), max_length=64)
    label = models.CharField(_("事项"), max_length=200, blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    rule = models.ForeignKey(
        DeadlineRule, verbose_name=_("期限规则"), on_delete=models.PROTECT, related_name="+"
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadlines",
    )
    assignee = models.ForeignKey(
        User,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadlines",
    )
    # the rule's length when the deadline was opened: a later edit of the rule applies to
    # deadlines opened after it, not to the running ones
    amount = models.PositiveIntegerField(_("期限"))
    unit = models.CharField(_("单位"), max_length=16, choices=DeadlineUnit.choices)
    started_on = models.DateField(_("起算日"))
    # the due date without extensions and suspensions, so a recomputation can start over
    base_due_on = models.DateField(_("原定期限"))
    due_on = models.DateField(_("期限"))
    provisional = models.BooleanField(_("暂定"), default=False)
    state = models.CharField(
        _("状态"), max_length=12, choices=DeadlineState.choices, default=DeadlineState.OPEN
    )
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    met_late = models.BooleanField(_("逾期办结"), default=False)
    extended_units = models.PositiveIntegerField(_("已延长"), default=0)
    suspended_units = models.PositiveIntegerField(_("已中止"), default=0)
    # the due date the "due soon" reminder was sent for: a new due date earns a new one
    reminded_for = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("期限")
        verbose_name_plural = _("期限")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="core_deadline_subject"),
            models.Index(fields=["state", "due_on"], name="core_deadline_state_due"),
            models.Index(fields=["assignee", "state", "due_on"], name="core_deadline_assignee"),
            models.Index(fields=["org_unit", "state", "due_on"], name="core_deadline_unit"),
            models.Index(
                fields=["due_on"],
                name="core_deadline_provisional",
                condition=models.Q(provisional=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label or self.rule_id} → {self.due_on}"

    @property
    def is_live(self) -> bool:
        return self.state in (DeadlineState.OPEN, DeadlineState.SUSPENDED, DeadlineState.OVERDUE)


class DeadlineExtension(models.Model):
    """A request to extend a deadline by an extension rule, decided by someone else."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="extensions")
    rule = models.ForeignKey(
        DeadlineRule, verbose_name=_("延长规则"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.PositiveIntegerField(_("延长期限"))
    unit = models.CharField(_("单位"), max_length=16, choices=DeadlineUnit.choices)
    reason = models.TextField(_("申请理由"))
    requested_by = models.ForeignKey(
        User, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审批意见"), blank=True)
    due_before = models.DateField(_("原期限"), null=True, blank=True)
    due_after = models.DateField(_("延长后期限"), null=True, blank=True)

    class Meta:
        verbose_name = _("期限延长")
        verbose_name_plural = _("期限延长")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline"],
                condition=models.Q(status="pending"),
                name="core_extension_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id} +{self.rule_id} ({self.status})"


class DeadlineSuspension(models.Model):
    """An interval in which a deadline's clock stops (testing, expert opinion, hearing…).
    ``units`` is the length counted in the rule's unit, set when the clock resumes."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="suspensions")
    reason = models.TextField(_("中止理由"))
    started_on = models.DateField(_("中止日"))
    ended_on = models.DateField(_("恢复日"), null=True, blank=True)
    units = models.PositiveIntegerField(_("中止天数"), default=0)
    started_by = models.ForeignKey(
        User, verbose_name=_("中止人"), on_delete=models.PROTECT, related_name="+"
    )
    ended_by = models.ForeignKey(
        User,
        verbose_name=_("恢复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("期限中止")
        verbose_name_plural = _("期限中止")
        ordering = ["started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline"],
                condition=models.Q(ended_on__isnull=True),
                name="core_suspension_one_running",
            )
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id}: {self.started_on}–{self.ended_on or ''}"


class Notification(models.Model):
    """One message in a user's in-app inbox; ``dedupe_key`` makes a reminder arrive once."""

    # no index of its own: the inbox index (recipient, -id) serves every lookup by recipient,
    # and SQLite preferred a plain one for the unread count (10 ms at 10,000 rows)
    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(_("类别"), max_length=24, choices=NotificationKind.choices)
    title = models.CharField(_("标题"), max_length=300)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    dedupe_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="core_notification_inbox"),
            models.Index(
                fields=["recipient", "-id"],
                name="core_notification_unread",
                condition=models.Q(read_at__isnull=True),
            ),
            # the sweep asks which of its keys were already sent, across recipients
            models.Index(
                fields=["dedupe_key"],
                name="core_notification_key",
                condition=~models.Q(dedupe_key=""),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="core_notification_once",
            )
        ]

    def __str__(self) -> str:
        return self.title


class DocumentSequence(models.Model):
    """The last number issued for one 文号 prefix and year."""

    prefix = models.CharField(_("文号前缀"), max_length=40)
    year = models.PositiveSmallIntegerField(_("年份"))
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="core_docseq_prefix_year")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.last_number}"


class BackgroundJob(models.Model):
    """A long piece of work run by the task worker (imports, exports, reports), with the
    progress its owner watches and the files it produced."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("未通过")
        ERROR = "error", _("出错")

    kind = models.CharField(_("类别"), max_length=60)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="jobs")
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    message = models.TextField(_("说明"), blank=True)
    input_name = models.CharField(_("文件名"), max_length=200, blank=True)
    input_path = models.CharField(max_length=300, blank=True)
    output_path = models.CharField(max_length=300, blank=True)
    result = models.JSONField(default=dict, blank=True)
    # a running job's worker renews this (core.jobs.heartbeat); past it, the worker is
    # presumed dead and the job is ended as interrupted, so it can be retried
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0 if self.status in (self.Status.QUEUED, self.Status.RUNNING) else 100
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED, self.Status.ERROR)


class DocumentTemplate(models.Model):
    """An administrator's replacement .docx template for one document kind.

    At most one is active per kind; none active means the kind's default template (built
    in code) is used. Reverting deactivates the row, so the uploads stay on record.
    """

    kind = models.CharField(_("文书种类"), max_length=60)
    content = models.BinaryField(_("模板文件"))
    sm3 = models.CharField(_("SM3 摘要"), max_length=64)
    original_name = models.CharField(_("文件名"), max_length=120)
    size = models.PositiveIntegerField(_("大小（字节）"))
    is_active = models.BooleanField(_("使用中"), default=True)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"))
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")
        ordering = ["kind", "-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(is_active=True),
                name="core_doctemplate_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.original_name}"


class GeneratedDocument(models.Model):
    """A document as issued: the stored file (outside the web root) with its SM3 digest,
    checked on every read (S21), the record it is about and its 文号."""

    kind = models.CharField(_("文书种类"), max_length=60)
    subject_type = models.CharField(_("对象类型"), max_length=60)
    subject_id = models.PositiveBigIntegerField(_("对象编号"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    number = models.CharField(_("文号"), max_length=60, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    stored_name = models.CharField(max_length=80, unique=True)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sm3 = models.CharField(_("SM3 摘要"), max_length=64)
    template_sm3 = models.CharField(_("模板 SM3 摘要"), max_length=64)
    context = models.JSONField(_("填写内容"), default=dict)
    generated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("生成的文书")
        verbose_name_plural = _("生成的文书")
        ordering = ["-generated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "version"],
                name="core_gendoc_version_once",
            )
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="core_gendoc_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.number}".strip()


class Attachment(models.Model):
    """A stored file belonging to one record (``subject_type`` "app_label.model" and
    ``subject_id``): outside the web root, with the SM3 digest taken when it was stored and
    checked on every read (S21, S22). Evidence is never changed or removed: a deletion
    only marks the row, the file stays."""

    subject_type = models.CharField(_("所属记录类型"), max_length=60)
    subject_id = models.PositiveBigIntegerField(_("所属记录"))
    policy = models.CharField(_("文件类别"), max_length=16, choices=AttachmentPolicy.choices)
    label = models.CharField(_("说明"), max_length=100, blank=True)
    original_name = models.CharField(_("文件名"), max_length=120)
    path = models.CharField(max_length=200, unique=True)  # relative to MEDIA_ROOT
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sm3 = models.CharField(_("SM3 摘要"), max_length=64)
    personal = models.BooleanField(_("含个人信息"), default=False)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"))
    deleted_at = models.DateTimeField(_("删除时间"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deletion_reason = models.CharField(_("删除原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["subject_type", "subject_id", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="core_attach_subject")]

    def __str__(self) -> str:
        return self.label or self.original_name

    def get_absolute_url(self) -> str:
        return reverse("core:attachment", args=[self.pk])
