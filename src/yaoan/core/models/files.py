"""Background jobs, document templates, generated documents and attachments."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yaoan.core.enums import AttachmentPolicy
from yaoan.core.models.org import User


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
