"""Running deadlines, their extensions and suspensions, and the in-app inbox."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yaoan.core.enums import (
    DeadlineState,
    DeadlineUnit,
    ExtensionStatus,
    NotificationKind,
)
from yaoan.core.models.calendar import DeadlineRule
from yaoan.core.models.org import OrgUnit, User


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
            # a record's clocks by state: a list's per-row "overdue?" and "next due" look-ups
            # (without state here SQLite answered them from the state index, reading every
            # overdue clock of the district for each row of the page). The id leads, so a
            # query by type and state alone (a module's overdue ids) keeps the state index.
            models.Index(
                fields=["subject_id", "subject_type", "state", "due_on"],
                name="core_deadline_subject_state",
            ),
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
