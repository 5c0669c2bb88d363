"""Choices and coded errors of core (org units, roles, audit outcomes)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yaoan.common.errors import ErrorCode, TooLargeCode


class OrgUnitKind(models.TextChoices):
    BUREAU = "bureau", _("区市场监管局")
    SECTION = "section", _("股室")
    STATION = "station", _("市场监管所")
    ENFORCEMENT_TEAM = "enforcement_team", _("执法支队")
    COMMITTEE_OFFICE = "committee_office", _("食药安办")
    MEMBER_DEPARTMENT = "member_department", _("成员单位")


class AreaType(models.TextChoices):
    URBAN = "urban", _("城区")
    URBAN_FRINGE = "urban_fringe", _("城乡结合部")
    RURAL = "rural", _("农村")


class SubdistrictKind(models.TextChoices):
    TOWN = "town", _("镇")
    STREET = "street", _("街道")


class Role(models.TextChoices):
    INSPECTOR = "inspector", _("检查员")
    CASE_OFFICER = "case_officer", _("执法人员")
    SECTION_CHIEF = "section_chief", _("股室负责人")
    COMMITTEE_OFFICE = "committee_office", _("食药安办")
    LIAISON = "liaison", _("成员单位联络员")
    MONITORING = "monitoring", _("监测人员")
    LEADER = "leader", _("领导")
    # 法制审核 of enforcement cases (行政处罚法 第五十八条): never the case's own officers
    LEGAL_REVIEWER = "legal_reviewer", _("法制审核人员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# 三员: separated administrators; one person may hold at most one, and none of them
# holds a business role (SECURITY.md S8).
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
BUSINESS_ROLES = frozenset(set(Role) - ADMIN_ROLES)


class ApiTokenScope(models.TextChoices):
    """What an API token may do (S7): read only (GET) or also write."""

    READ = "read", _("只读")
    WRITE = "write", _("读写")


class DeadlineUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("工作日")
    CALENDAR_DAYS = "calendar_days", _("自然日")
    IMMEDIATE = "immediate", _("立即")


class CoreError(ErrorCode):
    """Coded errors shared by the UI and the API."""

    ROLE_CONFLICT = "role_conflict", _("三员角色互斥：同一人不能兼任两个管理员角色或兼任业务角色")
    CALENDAR_UNKNOWN_YEAR = "calendar_unknown_year", _("工作日历未包含该年份")
    DUPLICATE_USERNAME = "duplicate_username", _("用户名已存在")
    OWN_ROLES = "own_roles", _("不能修改自己的角色")
    LAST_ADMIN = "last_admin", _("这是该管理员角色的最后一名在岗人员，不能取消")
    ACCOUNT_KIND = (
        "account_kind",
        _(
            "三员分立：业务人员账号不能授予管理员角色，管理员账号只能担任原有的管理员角色；请另建账号"
        ),
    )
    ENROLMENT_CODE = "enrolment_code", _("登记码不正确或已失效，请向安全管理员领取")


class DeadlineState(models.TextChoices):
    OPEN = "open", _("进行中")
    SUSPENDED = "suspended", _("已中止计时")
    MET = "met", _("已办结")
    OVERDUE = "overdue", _("已逾期")
    CANCELLED = "cancelled", _("已撤销")


# A deadline still running: the sweep and the "my deadlines" list look at these.
LIVE_DEADLINE_STATES = frozenset(
    {DeadlineState.OPEN, DeadlineState.SUSPENDED, DeadlineState.OVERDUE}
)


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("分派给您")
    RETURNED = "returned", _("退回修改")
    APPROVAL_REQUESTED = "approval_requested", _("待您审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已逾期")
    EXTENSION_REQUESTED = "extension_requested", _("延期申请")
    EXTENSION_DECIDED = "extension_decided", _("延期审批结果")
    CALENDAR_MISSING = "calendar_missing", _("工作日历缺失")
    INFO = "info", _("通知")


class AttachmentPolicy(models.TextChoices):
    """What a stored file may be: each policy names its types and its size cap."""

    IMAGE = "image", _("图片")
    DOCUMENT = "document", _("文档")
    E2B_XML = "e2b_xml", _("E2B 报告文件")


class AttachmentError(ErrorCode):
    """Coded refusals of the attachment service, shared by pages and the API."""

    WRONG_TYPE = "attachment_wrong_type", _("文件类型不符合要求")
    DAMAGED = "attachment_damaged", _("文件已损坏，无法读取")
    EMPTY = "attachment_empty", _("文件为空")
    TAMPERED = "attachment_tampered", _("文件与存储时的摘要不一致")


class AttachmentLimit(TooLargeCode):
    """A file over its upload limit: the API answers 413 (S22)."""

    TOO_LARGE = "attachment_too_large", _("文件超过大小限制")
