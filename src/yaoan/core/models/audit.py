"""The append-only, hash-chained audit log and its chain head."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yaoan.core.models.org import OrgUnit, User


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
