"""Draws (双随机抽取) and their assignments. Inspector profiles and conflicts of interest
are the staff app's (``yaoan.staff.models``)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yaoan.core.models import OrgUnit, User
from yaoan.draws.enums import DrawKind, DrawStatus, SelectionMode
from yaoan.registry.models import Entity


class Draw(models.Model):
    title = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=10, choices=DrawKind.choices)
    partner_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("联合检查成员单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pool_filters = models.JSONField(_("抽取对象筛选条件"), default=dict)
    selection_mode = models.CharField(_("抽取方式"), max_length=8, choices=SelectionMode.choices)
    selection_value = models.PositiveIntegerField(
        _("比例（万分比）或数量"), help_text=_("按比例时为万分比：500 = 5%")
    )
    inspectors_per_entity = models.PositiveSmallIntegerField(_("每户检查人员数"), default=2)
    # the period the drawn visits are spread over (working days); empty on draws made before
    # draws had one, whose visits were all due the day of the draw
    visits_from = models.DateField(_("检查期限（起）"), null=True, blank=True)
    visits_until = models.DateField(_("检查期限（止）"), null=True, blank=True)
    avoid_grid = models.BooleanField(_("居住地或包片镇街回避"), default=True)
    avoid_conflict = models.BooleanField(_("利害关系回避"), default=True)
    avoid_last_inspection = models.BooleanField(_("上次检查人员回避"), default=True)
    last_inspection_data = models.BooleanField(
        _("有上次检查记录"),
        default=False,
        help_text=_("抽取时系统中是否已有检查记录可用于“上次检查人员回避”"),
    )
    inspector_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("检查人员来源单位"), related_name="+"
    )
    stations = models.ManyToManyField(
        OrgUnit, verbose_name=_("涉及的市场监管所"), related_name="+", blank=True
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("发起单位"), on_delete=models.PROTECT, related_name="+"
    )
    inputs = models.JSONField(_("冻结的抽取输入"))
    input_digests = models.JSONField(_("输入摘要（SM3）"), default=dict)
    commitment = models.CharField(_("承诺值（SM3）"), max_length=64, unique=True)
    seed = models.CharField(_("随机种子"), max_length=64)  # secret until drawn
    # per-draw pseudonymous code → user id: the only link from a code to a person; never
    # published
    inspector_refs = models.JSONField(default=dict)
    pool_size = models.PositiveIntegerField(_("对象库数量"))
    inspector_pool_size = models.PositiveIntegerField(_("检查人员库数量"))
    sample_size = models.PositiveIntegerField(_("抽取数量"))
    status = models.CharField(
        _("状态"), max_length=12, choices=DrawStatus.choices, default=DrawStatus.COMMITTED
    )
    created_by = models.ForeignKey(
        User, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("公示承诺时间"))
    drawn_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("被取代时间"), null=True, blank=True)
    redraw_of = models.OneToOneField(
        "self",
        verbose_name=_("重新抽取自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="redrawn_as",
    )
    redraw_reason = models.TextField(_("重新抽取原因"), blank=True)
    # The outcome of re-deriving the published document, stored when the draw is executed
    # (and when staff re-verify), so public pages serve it instead of recomputing per visit:
    # {"ok": bool, "entities_checked": int, "problems": [{"code", "detail"}]}.
    verification = models.JSONField(_("复核结果"), default=dict, blank=True)
    verified_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    document_digest = models.CharField(
        _("公布文件摘要（SM3）"),
        max_length=64,
        blank=True,
        help_text=_("抽取时复核的公布文件（不含 meta）的 SM3 摘要"),
    )

    class Meta:
        verbose_name = _("双随机抽取")
        verbose_name_plural = _("双随机抽取")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="draws_draw_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("draws:draw_detail", args=[self.pk])

    @property
    def is_drawn(self) -> bool:
        return self.drawn_at is not None

    @property
    def verified_ok(self) -> bool | None:
        """The stored outcome: None when none was recorded."""
        if not self.verification:
            return None
        return bool(self.verification.get("ok"))

    @property
    def ratio_percent(self) -> str:
        return f"{self.selection_value / 100:g}%"


class DrawAssignment(models.Model):
    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="assignments")
    rank = models.PositiveIntegerField(_("抽中顺序"))
    entity = models.ForeignKey(
        Entity, verbose_name=_("监管对象"), on_delete=models.PROTECT, related_name="+"
    )
    entity_key = models.CharField(_("统一社会信用代码"), max_length=18)
    # the name frozen in the draw's inputs, so the public page need not load the inputs
    entity_name = models.CharField(_("监管对象名称"), max_length=200, blank=True)
    inspector_codes = models.JSONField(_("检查人员编号"))
    inspectors = models.ManyToManyField(User, verbose_name=_("检查人员"), related_name="+")

    class Meta:
        verbose_name = _("抽取结果")
        verbose_name_plural = _("抽取结果")
        ordering = ["draw", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "rank"], name="draws_assignment_rank"),
            models.UniqueConstraint(fields=["draw", "entity"], name="draws_assignment_entity"),
        ]

    def __str__(self) -> str:
        return f"{self.draw_id}#{self.rank} {self.entity_key}"
