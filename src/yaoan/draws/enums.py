"""Kinds and states of draws, kinds of conflicts of interest, and coded errors."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DrawKind(models.TextChoices):
    RANDOM = "random", _("双随机抽查")
    JOINT = "joint", _("联合抽查（与成员单位）")


class DrawStatus(models.TextChoices):
    COMMITTED = "committed", _("已公示承诺值，待抽取")
    DRAWN = "drawn", _("已抽取")
    SUPERSEDED = "superseded", _("已被重新抽取取代")


class SelectionMode(models.TextChoices):
    RATIO = "ratio", _("按比例")
    COUNT = "count", _("按数量")


class ConflictKind(models.TextChoices):
    RELATIVE = "relative", _("近亲属关系")
    FORMER_EMPLOYER = "former_employer", _("曾在该单位任职")
    OTHER = "other", _("其他利害关系")


class AvoidanceRule(models.TextChoices):
    """The switchable avoidance rules; the values are the engine's rule names."""

    GRID = "grid", _("居住地或包片镇街回避")
    CONFLICT = "conflict", _("利害关系回避")
    LAST_INSPECTION = "last_inspection", _("上次检查人员回避")


class DrawError(models.TextChoices):
    EMPTY_POOL = "empty_pool", _("抽取对象库为空")
    NO_INSPECTORS = "no_inspectors", _("检查人员库为空")
    INFEASIBLE = "infeasible", _("回避后可选检查人员不足")
    NOT_COMMITTED = "not_committed", _("抽取状态不允许此操作")
    INVALID = "invalid", _("抽取条件无效")
