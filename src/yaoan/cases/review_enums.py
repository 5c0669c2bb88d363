"""案卷评查: the checklist a reviewer scores a closed case's file against, the grades, the
kinds of review round (the yearly 回头看 of yeji 附件6 over last year's ordinary-procedure
cases, or a routine review) and the coded errors.

The checklist follows the usual 行政处罚案卷评查标准 (100 points over nine parts) with
three veto items (一票否决) that make a file 不合格 whatever its points."""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yaoan.common.errors import ConflictCode, ErrorCode


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: str | Promise
    points: int
    standard: str | Promise


CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem("filing", _("立案"), 10, _("立案审批手续齐全，在规定期限内立案")),
    ChecklistItem(
        "authority", _("执法主体"), 10, _("执法主体合法，两名以上持证执法人员，管辖正确")
    ),
    ChecklistItem(
        "evidence", _("事实与证据"), 25, _("违法事实清楚，证据确凿充分、来源合法，证据链完整")
    ),
    ChecklistItem("law", _("法律适用"), 15, _("定性准确，适用依据正确，条款引用完整")),
    ChecklistItem("discretion", _("自由裁量"), 10, _("处罚适当，符合裁量基准，偏离有书面理由")),
    ChecklistItem(
        "procedure",
        _("办案程序"),
        15,
        _("法制审核、告知、陈述申辩、听证、集体讨论等程序合法，期限符合规定"),
    ),
    ChecklistItem("documents", _("法律文书"), 5, _("文书格式规范，要素齐全，文号正确")),
    ChecklistItem("execution", _("送达与执行"), 5, _("送达合法，执行到位，涉案物品依法处置")),
    ChecklistItem("archive", _("立卷归档"), 5, _("案卷材料齐全，排列有序，按期归档")),
)
CHECKLIST_BY_CODE = {item.code: item for item in CHECKLIST}
FULL_MARKS = sum(item.points for item in CHECKLIST)


class Veto(models.TextChoices):
    """一票否决: any one makes the file 不合格."""

    NO_AUTHORITY = "no_authority", _("执法主体不合法或超越职权")
    RIGHTS_DENIED = "rights_denied", _("未履行告知程序，或剥夺陈述、申辩、听证权利")
    FACTS_WRONG = "facts_wrong", _("主要证据不足或认定事实错误")


class ReviewGrade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


EXCELLENT_FROM = 90
PASS_FROM = 60


class ReviewStatus(models.TextChoices):
    ASSIGNED = "assigned", _("待评查")
    SUBMITTED = "submitted", _("已评查")


class RoundKind(models.TextChoices):
    LOOKBACK = "lookback", _("年度回头看")
    ROUTINE = "routine", _("日常评查")


class ReviewError(ErrorCode):
    NOT_CLOSED = "review_case_not_closed", _("只有已结案的案件可以评查")
    OWN_CASE = "review_own_case", _("评查人不能是该案件的承办人员")
    BAD_REVIEWER = "review_bad_reviewer", _("评查人须为执法人员、法制审核人员或股室负责人")
    BAD_SCORE = "review_bad_score", _("得分须为 0 至该项满分之间的整数")
    NOTE_REQUIRED = "review_note_required", _("扣分项须写明扣分理由")
    BAD_YEAR = "review_bad_year", _("回头看只能针对已结束的年度")
    NO_CASES = "review_no_cases", _("该年度没有已结案的普通程序案件")
    NO_REVIEWER = "review_no_reviewer", _("没有可以评查该案件的评查人（评查人不能是承办人员）")
    NO_PERMISSION = "review_no_permission", _("您无权组织或办理该评查")


class ReviewConflict(ConflictCode):
    ALREADY_SUBMITTED = "review_already_submitted", _("该评查已提交，不能再修改")
    ALREADY_IN_ROUND = "review_already_in_round", _("该案件已在本轮评查中")
    ROUND_EXISTS = "review_round_exists", _("该年度的回头看已经开展")
