"""Kinds and states of intake items (clues and candidate risks handed on by any module),
and the kinds of entity events that feed the planning key list."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yaoan.common.errors import ErrorCode


class IntakeKind(models.TextChoices):
    CLUE = "clue", _("案件线索")
    RISK = "risk", _("风险隐患")


class IntakeStatus(models.TextChoices):
    NEW = "new", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    REJECTED = "rejected", _("不予接收")
    MERGED = "merged", _("已合并")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    CRITICAL = "critical", _("特急")


class IntakeError(ErrorCode):
    """Coded errors shared by the pages and the API."""

    DUPLICATE = "intake_duplicate", _("该来源已移交过同类事项")
    BAD_MERGE = "intake_bad_merge", _("不能合并到该事项")
    TAKEN_BY_MISSING = "intake_taken_by_missing", _("须注明接收的案件、核查或风险事项")


class EntityEventKind(models.TextChoices):
    """What a module reports about an entity for the planning key list (近12个月…)."""

    FAILED_SAMPLE = "failed_sample", _("抽检不合格")
    COMPLAINT = "complaint", _("投诉举报")
    PENALTY = "penalty", _("行政处罚")
