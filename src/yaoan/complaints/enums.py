"""Kinds, channels and states of a 投诉举报, the legal reasons for not accepting one, the
outcomes recorded along the way, and the coded errors the pages and the API share."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yaoan.common.errors import ConflictCode, ErrorCode


class ComplaintKind(models.TextChoices):
    COMPLAINT = "complaint", _("投诉")  # a consumer's own dispute with a business
    REPORT = "report", _("举报")  # a suspected violation, whoever is harmed


class Channel(models.TextChoices):
    PORTAL = "portal", _("网上")
    PHONE = "phone", _("电话")
    LETTER = "letter", _("信件")
    EMAIL = "email", _("电子邮件")
    VISIT = "visit", _("来访")
    TRANSFER_12315 = "transfer_12315", _("12315平台转办")
    TRANSFER_CITY = "transfer_city", _("上级转办")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("已登记")
    TRANSFER_PENDING = "transfer_pending", _("转办待确认")
    TRANSFERRED = "transferred", _("已转办")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    ACCEPTED = "accepted", _("已受理（核查中）")
    VERIFIED = "verified", _("已核查")
    MEDIATED = "mediated", _("调解终结")
    TO_CLUE = "to_clue", _("已转案件线索")
    REPLIED = "replied", _("已答复")
    EVALUATED = "evaluated", _("已评价")
    CLOSED = "closed", _("已办结")


# the states in which the record is still being worked on (the station's "open" list)
OPEN_STATUSES = (
    ComplaintStatus.RECEIVED,
    ComplaintStatus.TRANSFER_PENDING,
    ComplaintStatus.ACCEPTED,
    ComplaintStatus.VERIFIED,
    ComplaintStatus.MEDIATED,
    ComplaintStatus.TO_CLUE,
)


class NotAcceptedReason(models.TextChoices):
    """The legal grounds for not accepting (市场监督管理投诉举报处理暂行办法 第十五条)."""

    NOT_OUR_DUTY = "not_our_duty", _("不属于市场监督管理部门职责范围")
    NOT_OUR_JURISDICTION = "not_our_jurisdiction", _("不属于本部门管辖")
    LITIGATION = "litigation", _("法院、仲裁机构、其他行政机关等已经受理或者处理过")
    ALREADY_HANDLED = "already_handled", _("已经处理且没有新的事实、理由")
    NOT_CONSUMPTION = "not_consumption", _("不是为生活消费需要购买、使用商品或者接受服务")
    TIME_BARRED = "time_barred", _("超过法定期限（自知道或应当知道之日起超过三年）")
    MISSING_INFORMATION = "missing_information", _("未提供投诉人、被投诉人或具体投诉请求等必要信息")
    OTHER_LEGAL = "other_legal", _("法律、法规、规章规定不予受理的其他情形")


class MediationOutcome(models.TextChoices):
    AGREED = "agreed", _("达成调解协议")
    FAILED = "failed", _("调解不成")
    TERMINATED = "terminated", _("终止调解")


class Evaluation(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")
    NO_ANSWER = "no_answer", _("未评价")


class RewardStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("不予奖励")
    PAID = "paid", _("已发放")


class ComplaintError(ErrorCode):
    """Coded errors shared by the pages and the API (the code is the API's ``code``; the
    base class says the API's status: ErrorCode 422, ConflictCode 409). Codes several apps
    share (ILLEGAL_TRANSITION, REASON_REQUIRED…) are yaoan.common.errors'."""

    NO_CONTENT = "complaint_no_content", _("请填写投诉举报内容")
    NO_ORG_UNIT = "complaint_no_org_unit", _("无法确定承办单位：请选择承办单位")
    BAD_CHOICE = "complaint_bad_choice", _("取值无效")
    NO_CONTACT = "complaint_no_contact", _("实名投诉举报须留联系电话")
    BAD_PHONE = "complaint_bad_phone", _("联系电话格式不正确")
    NO_UNIT = "complaint_no_unit", _("转办的单位不存在或已停用")
    SAME_UNIT = "complaint_same_unit", _("不能转办给当前承办单位")
    NO_REWARD_RULE = "complaint_no_reward_rule", _("举报奖励标准不存在或已停用")
    BAD_AMOUNT = "complaint_bad_amount", _("金额须为不小于零的数字")
    NOT_REWARDABLE = "complaint_not_rewardable", _("只有查实并已转案件线索的举报可以申请奖励")
    NO_DEADLINE = "complaint_no_deadline", _("该投诉举报没有进行中的此项期限")


class ComplaintConflict(ConflictCode):
    """The same submission received twice: the first is kept (API 409)."""

    DUPLICATE = "complaint_duplicate", _("该投诉举报已登记过，未重复登记")
    REWARD_EXISTS = "complaint_reward_exists", _("该举报已有奖励申请")
