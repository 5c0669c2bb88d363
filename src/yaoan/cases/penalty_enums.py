"""Kinds, effects and states of the discretion baseline (裁量基准), the penalties of a decision
and the 严重失信主体名单, with the coded errors their pages and the API share."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yaoan.common.errors import ConflictCode, ErrorCode


class Effect(models.TextChoices):
    """What a circumstance does to the penalty (行政处罚法 第三十二条、第三十三条; the
    aggravating circumstances of 药品管理法 第一百三十七条 and the discretion guidance)."""

    NO_PENALTY = "no_penalty", _("不予处罚")
    FIRST_OFFENCE = "first_offence", _("首违不罚")
    MITIGATE = "mitigate", _("减轻处罚")
    LIGHTER = "lighter", _("从轻处罚")
    HEAVIER = "heavier", _("从重处罚")


class Band(models.TextChoices):
    """Where within (or below) the legal range a suggested penalty falls."""

    NO_PENALTY = "no_penalty", _("不予处罚")
    MITIGATED = "mitigated", _("减轻处罚")
    LIGHTER = "lighter", _("从轻处罚")
    GENERAL = "general", _("一般处罚")
    HEAVIER = "heavier", _("从重处罚")


class FineBasis(models.TextChoices):
    """How a provision sets its fine: a fixed amount in 元, or a multiple of the goods'
    value (货值金额) or of the illegal income (违法所得)."""

    NONE = "none", _("不处罚款")
    FIXED = "fixed", _("固定金额")
    GOODS_VALUE = "goods_value", _("货值金额的倍数")
    ILLEGAL_INCOME = "illegal_income", _("违法所得的倍数")
    # 处罚到人: what the person took from the unit while the violation went on
    PERSON_INCOME = "person_income", _("个人所获收入的倍数")


class PenaltyKind(models.TextChoices):
    """The kinds of 行政处罚 (行政处罚法 第九条) a district regulator decides."""

    WARNING = "warning", _("警告")
    CRITICISM = "criticism", _("通报批评")
    FINE = "fine", _("罚款")
    CONFISCATE_INCOME = "confiscate_income", _("没收违法所得")
    CONFISCATE_GOODS = "confiscate_goods", _("没收非法财物")
    LICENCE_SUSPENSION = "licence_suspension", _("责令停产停业")
    LICENCE_REVOCATION = "licence_revocation", _("吊销许可证件")
    TRADE_BAN = "trade_ban", _("限制从业（从业禁止）")


# the kinds with a term in months (a ban for life has none)
TERM_KINDS = frozenset({PenaltyKind.LICENCE_SUSPENSION, PenaltyKind.TRADE_BAN})
# the kinds with an amount in 元
AMOUNT_KINDS = frozenset(
    {PenaltyKind.FINE, PenaltyKind.CONFISCATE_INCOME, PenaltyKind.CONFISCATE_GOODS}
)


class PenaltyTarget(models.TextChoices):
    UNIT = "unit", _("单位")
    PERSON = "person", _("个人（处罚到人）")


class PersonRole(models.TextChoices):
    """The people 处罚到人 reaches (药品管理法 第一百一十八条 etc.)."""

    LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
    PRINCIPAL = "principal", _("主要负责人")
    SUPERVISOR = "supervisor", _("直接负责的主管人员")
    OTHER = "other", _("其他责任人员")
    PARTY = "party", _("当事人（自然人）")


class ListingStatus(models.TextChoices):
    """A proposal for the 严重失信主体名单 (市场监督管理严重违法失信名单管理办法)."""

    PROPOSED = "proposed", _("待审批")
    LISTED = "listed", _("已列入")
    REFUSED = "refused", _("不予列入")
    REPAIRED = "repaired", _("已信用修复移出")


class CreditCondition(models.TextChoices):
    """What in a decision (or a listing) the credit rule looks at."""

    ANY_PENALTY = "any_penalty", _("受到行政处罚（不含警告、通报批评）")
    FINE_AT_LEAST = "fine_at_least", _("单位罚没款达到金额")
    LICENCE_ACTION = "licence_action", _("责令停产停业或吊销许可证件")
    PERSON_BANNED = "person_banned", _("相关人员被限制从业")
    SERIOUS_LISTING = "serious_listing", _("列入严重失信主体名单")


class PenaltyError(ErrorCode):
    NO_ASSESSMENT = "no_assessment", _("尚未完成处罚裁量")
    NO_PROPOSAL = "no_proposal", _("尚未提出处罚意见")
    DEPARTURE_REASON = "departure_reason", _("偏离裁量建议须说明理由")
    ABOVE_LEGAL_MAXIMUM = "above_legal_maximum", _("罚款超出法定上限")
    AMOUNT_REQUIRED = "amount_required", _("须填写金额")
    AMOUNT_NEEDED_FOR_BASIS = "basis_amount_required", _("须填写计算罚款的货值金额或违法所得")
    PERSON_REQUIRED = "person_required", _("处罚到人须填写人员姓名和身份证号码")
    TERM_REQUIRED = "term_required", _("须填写期限或选择终身")
    KIND_NOT_FOR_TARGET = "kind_not_for_target", _("该处罚种类不适用于此对象")
    CIRCUMSTANCE_NOT_APPLICABLE = "circumstance_not_applicable", _("情节不适用于该违法行为")
    DUPLICATE_CODE = "duplicate_code", _("编码已存在")
    RANGE_ORDER = "range_order", _("下限不能大于上限")
    NO_ENTITY = "no_entity", _("当事人不是登记的经营单位，不能列入名单")
    REPAIR_TOO_EARLY = "repair_too_early", _("未满最短公示期限，不能信用修复")


class PenaltyConflict(ConflictCode):
    CASE_DECIDED = "case_decided", _("案件已作出决定，处罚裁量不能再修改")
    ALREADY_PROPOSED = "already_proposed", _("该案件已有列入名单的申请")
