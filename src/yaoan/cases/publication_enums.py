"""States, withdrawal causes and coded errors of penalty publication (行政处罚信息公示).

市场监督管理行政处罚信息公示规定 (2021): 第二条 — the decisions of the ordinary procedure
are published, a warning alone is not; 第四条 — the summary names the decision's 文号, the
party, the type of violation, the penalty, the authority and the date; 第六条 — personal
information and business secrets are removed before publication."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yaoan.common.errors import ConflictCode, ErrorCode

# the deadline rule (core DEFAULT_RULES): published within 20 working days of the decision
PUBLICATION_RULE = "penalty_publication"


class PublicationStatus(models.TextChoices):
    PENDING = "pending", _("待公示")
    PUBLISHED = "published", _("已公示")
    WITHDRAWN = "withdrawn", _("已撤下")
    EXEMPT = "exempt", _("依法不予公示")


class PublicationTerm(models.TextChoices):
    """How long the information stays on the portal once published."""

    THREE_YEARS = "three_years", _("三年")
    THREE_MONTHS = "three_months", _("三个月（仅受到通报批评或者较低数额罚款）")


TERM_MONTHS: dict[str, int] = {
    PublicationTerm.THREE_YEARS: 36,
    PublicationTerm.THREE_MONTHS: 3,
}


class WithdrawalCause(models.TextChoices):
    CREDIT_REPAIR = "credit_repair", _("信用修复，提前停止公示")
    DECISION_REVOKED = "decision_revoked", _("行政处罚决定被撤销、确认违法或变更")
    INACCURATE = "inaccurate", _("公示信息有误，撤下更正后重新公示")


class ExemptionCause(models.TextChoices):
    WARNING_ONLY = "warning_only", _("仅受到警告行政处罚")
    NO_PENALTY = "no_penalty", _("决定不予行政处罚")
    OTHER = "other", _("法律、行政法规规定不予公示的其他情形")


class PublicationError(ErrorCode):
    NOT_DECIDED = "publication_not_decided", _("只有已作出处罚决定的普通程序案件可以公示")
    MISSING = "publication_missing", _("请填写此项后再公示")
    PRIVATE_DATA = (
        "publication_private_data",
        _("公示内容不得含有身份证号码、电话号码、银行账号等个人信息"),
    )
    NO_PERMISSION = "publication_no_permission", _("您无权办理该案件的公示")


class PublicationConflict(ConflictCode):
    WRONG_STATE = "publication_wrong_state", _("公示当前状态不允许此操作")
