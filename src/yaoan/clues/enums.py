"""States, sources and outcomes of a 线索 (clue), and the coded errors the pages and the API
share."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yaoan.common.errors import ConflictCode, ErrorCode


class ClueStatus(models.TextChoices):
    NEW = "new", _("待分派")
    PROMPTED = "prompted", _("提示单办理中")
    VERIFYING = "verifying", _("核查中")
    VERIFIED = "verified", _("已核查待决定")
    CLOSED = "closed", _("已办结")
    TRANSFERRED = "transferred", _("已移送其他机关")
    FOR_CASE = "for_case", _("移送立案")


# the states in which the 15-working-day verification clock runs
OPEN_STATUSES = (ClueStatus.NEW, ClueStatus.PROMPTED, ClueStatus.VERIFYING, ClueStatus.VERIFIED)


class ClueSource(models.TextChoices):
    """Where a clue came from (市场监督管理行政处罚程序规定 第十八条: 监督检查、投诉举报、
    其他部门移送、上级交办…)."""

    INSPECTION = "inspection", _("监督检查发现")
    COMPLAINT = "complaint", _("投诉举报")
    SAMPLING = "sampling", _("抽检不合格")
    TRACE = "trace", _("追溯异常")
    ADR = "adr", _("不良反应聚集")
    ONLINE_MONITORING = "online", _("网络监测")
    AGENCY_TRANSFER = "agency", _("其他部门移送")
    DISTRICT_TRANSFER = "district", _("外地区移送")
    HIGHER_LEVEL = "higher", _("上级交办")
    OTHER = "other", _("其他")


# staff enter these by hand; the others arrive through intake or the monitoring push
MANUAL_SOURCES = (
    ClueSource.AGENCY_TRANSFER,
    ClueSource.DISTRICT_TRANSFER,
    ClueSource.HIGHER_LEVEL,
    ClueSource.OTHER,
)

# intake's source_app → the clue's source
INTAKE_SOURCES = {
    "inspections": ClueSource.INSPECTION,
    "complaints": ClueSource.COMPLAINT,
    "sampling": ClueSource.SAMPLING,
    "trace": ClueSource.TRACE,
    "vigilance": ClueSource.ADR,
}


class ClosureReason(models.TextChoices):
    NO_VIOLATION = "no_violation", _("查无违法事实")
    MINOR_CORRECTED = "minor_corrected", _("违法行为轻微并及时改正，不予立案")
    INSUFFICIENT = "insufficient", _("证据不足，无法核实")
    DUPLICATE = "duplicate", _("重复线索")
    OTHER = "other", _("其他")


class TransferKind(models.TextChoices):
    AGENCY = "agency", _("其他行政机关")
    DISTRICT = "district", _("其他地区市场监管部门")
    POLICE = "police", _("公安机关")


class FeedbackOutcome(models.TextChoices):
    """What the station found on a 工作提示单."""

    NO_VIOLATION = "no_violation", _("未发现违法违规")
    CORRECTED = "corrected", _("已责令整改（下架、停止销售）")
    FOR_CASE = "for_case", _("涉嫌违法，移送立案")


class ClueError(ErrorCode):
    """Coded errors shared by the pages and the API (the code is the API's ``code``)."""

    NO_STATION = "clue_no_station", _("无法确定承办单位：请选择承办单位或关联监管对象")
    BAD_ASSIGNEE = "clue_bad_assignee", _("承办人须为管辖该线索的执法人员")
    NOT_A_CLUE = "clue_intake_not_clue", _("只有“案件线索”类移交事项可以接收为线索")
    BAD_UNIT = "clue_bad_unit", _("所选单位不存在或不在您的管辖范围内")
    NOT_VERIFYING = "clue_no_verification", _("该线索没有进行中的核查期限")


class ClueConflict(ConflictCode):
    ALREADY_TAKEN = "clue_intake_taken", _("该移交事项已被处理")
    DUPLICATE_PUSH = "clue_push_duplicate", _("该监测推送已登记")
