"""Kinds and states of draws, the avoidance rules, and coded errors."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yaoan.common.errors import ErrorCode


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


class AvoidanceRule(models.TextChoices):
    """The avoidance rules; the values are the engine's rule names."""

    GRID = "grid", _("居住地或包片镇街回避")
    CONFLICT = "conflict", _("利害关系回避")
    LAST_INSPECTION = "last_inspection", _("上次检查人员回避")


# Avoiding a recorded conflict of interest is a legal duty, not the chief's choice: every
# draw applies it, whatever the form or the API asked for.
MANDATORY_RULES = frozenset({AvoidanceRule.CONFLICT.value})
OPTIONAL_RULES = tuple(rule for rule in AvoidanceRule if rule.value not in MANDATORY_RULES)


class DrawError(ErrorCode):
    EMPTY_POOL = "empty_pool", _("抽取对象库为空")
    NO_INSPECTORS = "no_inspectors", _("检查人员库为空")
    INFEASIBLE = "infeasible", _("回避后可选检查人员不足")
    CONFLICT_OF_INTEREST = "conflict_of_interest", _("抽中的检查人员有登记的利害关系")
