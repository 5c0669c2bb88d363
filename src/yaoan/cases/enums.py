"""States, procedures, sources and outcomes of an enforcement case (行政处罚案件), its
evidence and seized items, and the coded errors the pages and the API share."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yaoan.common.errors import ConflictCode, ErrorCode


class Procedure(models.TextChoices):
    ORDINARY = "ordinary", _("普通程序")
    # 市场监督管理行政处罚程序规定 第六十八条起: a warning, or a fine up to 200 元 for a
    # person / 3000 元 for a unit, decided on the spot
    SIMPLE = "simple", _("简易程序")


class CaseStatus(models.TextChoices):
    PENDING_FILING = "pending_filing", _("待立案审批")
    INVESTIGATING = "investigating", _("调查取证")
    CASE_REVIEW = "case_review", _("案件审核")
    LEGAL_REVIEW = "legal_review", _("法制审核")
    PENDING_NOTICE = "pending_notice", _("待告知")
    NOTICE_SERVED = "notice_served", _("已告知（陈述申辩期）")
    HEARING = "hearing", _("听证中")
    HEARD = "heard", _("听证完毕待决定")
    DECIDED = "decided", _("已决定待送达")
    DELIVERED = "delivered", _("已送达待执行")
    EXECUTED = "executed", _("执行完毕")
    CLOSED = "closed", _("已结案")
    NOT_FILED = "not_filed", _("不予立案")
    REVOKED = "revoked", _("已撤销立案")
    TERMINATED = "terminated", _("已终止")
    TRANSFERRED = "transferred", _("已移交其他机关")


# a case whose procedure is still running (the list's "open" filter, the overdue list)
OPEN_STATUSES = (
    CaseStatus.PENDING_FILING,
    CaseStatus.INVESTIGATING,
    CaseStatus.CASE_REVIEW,
    CaseStatus.LEGAL_REVIEW,
    CaseStatus.PENDING_NOTICE,
    CaseStatus.NOTICE_SERVED,
    CaseStatus.HEARING,
    CaseStatus.HEARD,
    CaseStatus.DECIDED,
    CaseStatus.DELIVERED,
    CaseStatus.EXECUTED,
)
# filed and not yet decided: the 90-day decision clock runs (撤销立案 and 终止 possible)
FILED_UNDECIDED = (
    CaseStatus.INVESTIGATING,
    CaseStatus.CASE_REVIEW,
    CaseStatus.LEGAL_REVIEW,
    CaseStatus.PENDING_NOTICE,
    CaseStatus.NOTICE_SERVED,
    CaseStatus.HEARING,
    CaseStatus.HEARD,
)
ENDED_STATUSES = (
    CaseStatus.CLOSED,
    CaseStatus.NOT_FILED,
    CaseStatus.REVOKED,
    CaseStatus.TERMINATED,
    CaseStatus.TRANSFERRED,
)


class CaseSource(models.TextChoices):
    CLUE = "clue", _("线索移送立案")
    COMPLAINT = "complaint", _("投诉举报")
    INSPECTION = "inspection", _("监督检查发现")
    SAMPLING = "sampling", _("抽检不合格")
    REFERRAL = "referral", _("其他机关移送或上级交办")
    OTHER = "other", _("其他")


class DecisionOutcome(models.TextChoices):
    PENALTY = "penalty", _("给予行政处罚")
    # 行政处罚法 第三十三条: 违法行为轻微并及时改正、首违不罚、证据不足等
    NO_PENALTY = "no_penalty", _("不予行政处罚")


class DeliveryMethod(models.TextChoices):
    DIRECT = "direct", _("直接送达")
    LEFT = "left", _("留置送达")
    POST = "post", _("邮寄送达")
    ELECTRONIC = "electronic", _("电子送达")
    ENTRUSTED = "entrusted", _("委托送达")
    PUBLIC = "public", _("公告送达")
    ON_SPOT = "on_spot", _("当场交付")


class ExecutionMethod(models.TextChoices):
    PAID = "paid", _("罚没款已缴纳")
    INSTALMENT = "instalment", _("经批准延期或分期缴纳完毕")
    CONFISCATED = "confiscated", _("没收物品已处置")
    LICENCE = "licence", _("许可证件已暂扣或吊销")
    COURT = "court", _("申请人民法院强制执行")
    RECONSIDERATION = "reconsideration", _("行政复议或诉讼后履行")
    OTHER = "other", _("其他")


class SuspensionKind(models.TextChoices):
    """Time not counted in the 90-day decision limit (市场监督管理行政处罚程序规定 第六十五条)."""

    TESTING = "testing", _("检测、检验、检疫")
    EXPERT = "expert", _("鉴定、认定、专家评审")
    HEARING = "hearing", _("听证")
    NOTICE = "notice", _("公告")


class EndReason(models.TextChoices):
    """Why a case ends without a decision (不予立案, 撤销立案, 终止)."""

    NO_VIOLATION = "no_violation", _("违法事实不成立或不能成立")
    MINOR = "minor", _("违法行为轻微并及时改正，没有造成危害后果")
    TIME_BARRED = "time_barred", _("超过行政处罚时效")
    NO_JURISDICTION = "no_jurisdiction", _("不属于本部门管辖")
    PARTY_GONE = "party_gone", _("当事人死亡或终止且无权利义务承受人")
    CRIME = "crime", _("涉嫌犯罪已移送司法机关")
    OTHER = "other", _("其他")


class EvidenceKind(models.TextChoices):
    """行政处罚法 第四十六条 kinds of evidence."""

    DOCUMENT = "document", _("书证")
    PHYSICAL = "physical", _("物证")
    AUDIOVISUAL = "audiovisual", _("视听资料")
    ELECTRONIC = "electronic", _("电子数据")
    WITNESS = "witness", _("证人证言")
    STATEMENT = "statement", _("当事人的陈述")
    EXPERT_OPINION = "expert_opinion", _("鉴定意见（检验报告）")
    INQUIRY = "inquiry", _("询问笔录")
    SITE_RECORD = "site_record", _("现场笔录（勘验笔录）")
    PHOTO = "photo", _("现场照片")


class SeizureMeasure(models.TextChoices):
    SEAL = "seal", _("查封")
    SEIZE = "seize", _("扣押")


class DisposalKind(models.TextChoices):
    RELEASED = "released", _("解除查封扣押，退还当事人")
    CONFISCATED = "confiscated", _("依决定没收")
    DESTROYED = "destroyed", _("没收后销毁")
    TRANSFERRED = "transferred", _("随案移送司法机关")
    OTHER = "other", _("其他处置")


class CaseError(ErrorCode):
    """Coded errors shared by the pages and the API (the code is the API's ``code``)."""

    NO_UNIT = "case_no_unit", _("无法确定承办单位：请选择承办单位或关联监管对象")
    BAD_OFFICER = "case_bad_officer", _("主办、协办执法人员须为两名不同的、管辖该案件的执法人员")
    NO_PARTY = "case_no_party", _("请关联监管对象或填写当事人名称")
    NOT_FOR_CASE = "case_clue_not_for_case", _("只有“移送立案”状态的线索可以立案")
    BAD_SOURCE = "case_bad_source", _("案件来源取值无效")
    BAD_CHOICE = "case_bad_choice", _("取值无效")
    SIMPLE_LIMIT = (
        "case_simple_limit",
        _("简易程序仅适用于警告或对公民处200元以下、对法人或其他组织处3000元以下罚款"),
    )
    NO_CLOCK = "case_no_clock", _("该案件没有进行中的办案期限")
    BAD_DATE = "case_bad_date", _("日期无效")
    EVIDENCE_CLOSED = "case_evidence_closed", _("案件已不在调查阶段，不能再添加证据")
    BAD_FILE = "case_bad_file", _("证据文件类型不符合要求")
    BAD_STATE = "case_bad_state", _("案件当前所处环节不能登记此项")
    ALREADY_DISPOSED = "case_item_disposed", _("该物品已处置")


class CaseConflict(ConflictCode):
    CLUE_TAKEN = "case_clue_taken", _("该线索已立案")
