"""States of annual plans, kinds of item changes, key-list rule codes and coded errors."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yaoan.common.errors import ConflictCode, ErrorCode
from yaoan.registry.enums import CreditClass, RiskGrade

# A frequency rule leaves a dimension blank to match any value; "none" names the entities
# that have no grade / class yet (the registry stores those as an empty string).
ANY = ""
UNRATED = "none"
RULE_RISK_CHOICES = [(ANY, _("任意")), (UNRATED, _("未评级")), *RiskGrade.choices[1:]]
RULE_CREDIT_CHOICES = [(ANY, _("任意")), (UNRATED, _("未评定")), *CreditClass.choices[1:]]


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已批准")
    SUPERSEDED = "superseded", _("已被新版本替代")


OPEN_STATUSES = (PlanStatus.DRAFT, PlanStatus.SUBMITTED)


class PlanAction(models.TextChoices):
    SUBMIT = "submit", _("提交审批")
    APPROVE = "approve", _("批准")
    RETURN = "return", _("退回修改")
    SUPERSEDE = "supersede", _("由新版本替代")


class ItemChangeKind(models.TextChoices):
    ADDED = "added", _("增加对象")
    EDITED = "edited", _("修改")
    REMOVED = "removed", _("移出清单")


class KeyListCode(models.TextChoices):
    """Key-list rules. The first group is evaluated from the registry; the second needs a
    data source another module registers (``plans.extensions.register_key_list_source``)."""

    VACCINE_UNIT = "vaccine_unit", _("疫苗接种单位、疾控机构")
    VACCINE_JOINT = "vaccine_joint", _("疫苗使用单位联合检查")
    COSMETICS_DEALER = "cosmetics_dealer", _("化妆品经营者")
    SPECIAL_DRUG = "special_drug", _("特殊药品")
    VOLUME_PROCUREMENT = "volume_procurement", _("集采中选药械配送、使用单位")
    MEDICAL_BEAUTY = "medical_beauty", _("医疗美容")
    TCM_PIECES = "tcm_pieces", _("中药饮片经营")
    NEW_LICENCE = "new_licence", _("上年度新开办")
    RURAL_FRINGE = "rural_fringe", _("农村、城乡结合部")
    FAILED_SAMPLE = "failed_sample", _("近12个月抽检不合格")
    REPEATED_COMPLAINTS = "repeated_complaints", _("近12个月投诉举报较集中")
    PENALTY = "penalty", _("近12个月受到行政处罚")
    SERIOUS_FINDING = "serious_finding", _("近12个月检查发现严重问题")


EXTERNAL_CODES = frozenset(
    {
        KeyListCode.FAILED_SAMPLE,
        KeyListCode.REPEATED_COMPLAINTS,
        KeyListCode.PENALTY,
        KeyListCode.SERIOUS_FINDING,
    }
)
# where each external source is expected to come from (shown while it is not connected)
EXTERNAL_SOURCE_MODULES = {
    KeyListCode.FAILED_SAMPLE: _("监督抽检模块"),
    KeyListCode.REPEATED_COMPLAINTS: _("投诉举报模块"),
    KeyListCode.PENALTY: _("案件查办模块"),
    KeyListCode.SERIOUS_FINDING: _("监督检查模块"),
}
FREQUENCY_REASON = "frequency"
MANUAL_REASON = "manual"


class PlanLock(ConflictCode):
    """A version's state refuses the change: the API answers 409 (S19)."""

    SUBMITTED_LOCKED = "submitted_locked", _("已提交审批的版本不能修改，请先退回")
    SUPERSEDED_LOCKED = "superseded_locked", _("已被替代的版本不能修改")
    OPEN_VERSION_EXISTS = "open_version_exists", _("该年度已有未批准的版本")


class PlanError(ErrorCode):
    """Coded errors shared by the pages and the API."""

    QUARTERS_MISMATCH = "quarters_mismatch", _("各季度次数之和须等于检查次数")
    DUPLICATE_ENTITY = "duplicate_entity", _("该监管对象已在清单中")
    ENTITY_NOT_LIVE = "entity_not_live", _("该监管对象已注销或已删除")
    DUPLICATE_RULE = "duplicate_rule", _("相同条件的频次规则已存在")
    BAD_PARAMETERS = "bad_parameters", _("规则参数无效")
    BAD_YEAR = "bad_year", _("年度无效")
