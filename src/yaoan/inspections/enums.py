"""Kinds, states and results of inspections, findings and rectification orders."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yaoan.common.errors import ErrorCode


class InspectionKind(models.TextChoices):
    PLANNED = "planned", _("计划检查")
    RANDOM = "random", _("双随机抽查")
    COMPLAINT = "complaint", _("投诉举报核查")
    CAMPAIGN = "campaign", _("专项检查")
    FLYING = "flying", _("飞行检查")
    REINSPECTION = "reinspection", _("整改复查")


# 一公开: the results of these kinds are published on the public portal
PUBLISHED_KINDS = frozenset({InspectionKind.RANDOM})


class InspectionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("待检查")
    IN_PROGRESS = "in_progress", _("检查中")
    SUBMITTED = "submitted", _("已提交")
    CANCELLED = "cancelled", _("已取消")


class ItemResult(models.TextChoices):
    COMPLIANT = "compliant", _("符合")
    NON_COMPLIANT = "non_compliant", _("不符合")
    NOT_APPLICABLE = "not_applicable", _("不适用")


class Severity(models.TextChoices):
    """The GSP inspection grading of defects: 严重缺陷 / 主要缺陷 / 一般缺陷."""

    CRITICAL = "critical", _("严重缺陷")
    MAJOR = "major", _("主要缺陷")
    MINOR = "minor", _("一般缺陷")


SEVERITY_ORDER = {Severity.CRITICAL: 0, Severity.MAJOR: 1, Severity.MINOR: 2}


class InspectionResult(models.TextChoices):
    COMPLIANT = "compliant", _("未发现问题")
    RECTIFY = "rectify", _("发现问题，责令整改")
    SERIOUS = "serious", _("发现严重问题，责令整改并移交查处")


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    RESPONDED = "responded", _("已回复待复查")
    CLOSED = "closed", _("已整改销号")


class AmendmentStatus(models.TextChoices):
    """A change to a submitted record that waits for the chief's approval (the result is
    published, or a defect's grade changes); other changes apply at once, audited."""

    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class EscalationTarget(models.TextChoices):
    CLUE = "clue", _("案件线索")
    RISK = "risk", _("风险清单")


class InspectionError(ErrorCode):
    """Coded errors shared by the pages and the API."""

    INCOMPLETE_CHECKLIST = "incomplete_checklist", _("检查表尚未填写完整")
    CONFIRMATION_MISSING = "confirmation_missing", _("须有两名检查人员确认")
    BAD_PHOTO = "bad_photo", _("照片格式或大小不符合要求")
    NOT_ASSIGNED = "not_assigned", _("您不是该检查的检查人员")
    AMENDMENT_PENDING = "amendment_pending", _("该检查已有待审批的更正")
