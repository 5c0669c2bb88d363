"""Kinds and states of the staff app's records, and its coded errors."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yaoan.common.errors import ErrorCode


class ConflictKind(models.TextChoices):
    RELATIVE = "relative", _("近亲属关系")
    FORMER_EMPLOYER = "former_employer", _("曾在该单位任职")
    OTHER = "other", _("其他利害关系")


class QualificationKind(models.TextChoices):
    """The certificates an inspector holds. Only the 执法证 decides whether they may be
    drawn (行政处罚法 art. 42: enforcement by at least two certified officers)."""

    ENFORCEMENT = "enforcement", _("行政执法证")
    DRUG_INSPECTOR = "drug_inspector", _("药品检查员资格")
    OTHER = "other", _("其他资格证书")


class QualificationStatus(models.TextChoices):
    """Stored states; "expired" is not stored: it is read from the dates."""

    ACTIVE = "active", _("有效")
    RENEWED = "renewed", _("已换证")
    REVOKED = "revoked", _("已撤销")


class QualificationState(models.TextChoices):
    """What a person reads in the list: the stored state and the dates together."""

    CURRENT = "current", _("有效")
    EXPIRING = "expiring", _("即将到期")
    EXPIRED = "expired", _("已失效")
    MISSING = "missing", _("未登记执法证")


class StaffError(ErrorCode):
    NOT_INSPECTOR = "not_inspector", _("该用户不是检查员")
    DUPLICATE = "duplicate", _("记录重复")
    DATES = "dates", _("有效期无效")
