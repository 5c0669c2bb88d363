"""The statutory deadline rules as shipped: (code, Chinese name, amount, unit, legal source).
Migrations load them into DeadlineRule rows; the administrator edits the rows (工作日历).
A module adds its rules here and a data migration of core that loads them."""

from __future__ import annotations

from yaoan.core.enums import DeadlineUnit

# Defaults from DESIGN.md "Rules with numbers"; a migration loads them, admins edit them.
DEFAULT_RULES: tuple[tuple[str, str, int, str, str], ...] = (
    (
        "complaint_acceptance",
        "投诉受理决定",
        7,
        DeadlineUnit.WORKING_DAYS,
        "市场监督管理投诉举报处理暂行办法：收到投诉之日起7个工作日内决定是否受理",
    ),
    (
        "report_verification",
        "举报核查处理",
        15,
        DeadlineUnit.WORKING_DAYS,
        "收到举报之日起15个工作日内核查并决定是否立案，可延长15个工作日",
    ),
    (
        "report_verification_extension",
        "举报核查延长",
        15,
        DeadlineUnit.WORKING_DAYS,
        "经批准可延长15个工作日",
    ),
    (
        "case_decision",
        "普通程序案件作出处罚决定",
        90,
        DeadlineUnit.CALENDAR_DAYS,
        "市场监督管理行政处罚程序规定：立案之日起90日内作出处理决定",
    ),
    ("case_decision_extension", "案件办理延长", 30, DeadlineUnit.CALENDAR_DAYS, "经批准可延长30日"),
    (
        "penalty_publication",
        "行政处罚信息公示",
        20,
        DeadlineUnit.WORKING_DAYS,
        "作出行政处罚决定之日起20个工作日内公示",
    ),
    (
        "random_inspection_publication",
        "双随机抽查结果公示",
        20,
        DeadlineUnit.WORKING_DAYS,
        "抽查检查结束之日起20个工作日内公示",
    ),
    (
        "adr_new_or_serious",
        "新的、严重药品不良反应报告",
        15,
        DeadlineUnit.CALENDAR_DAYS,
        "药品不良反应报告和监测管理办法：15日内报告",
    ),
    ("adr_death", "死亡病例报告", 0, DeadlineUnit.IMMEDIATE, "死亡病例须立即报告"),
    ("adr_other", "其他药品不良反应报告", 30, DeadlineUnit.CALENDAR_DAYS, "30日内报告"),
    (
        "rectification",
        "责令改正整改期限",
        15,
        DeadlineUnit.WORKING_DAYS,
        "责令改正通知书默认整改期限15个工作日（检查发现问题，依药品管理法、化妆品监督管理条例等责令限期改正）",
    ),
    (
        "statement_of_defence",
        "陈述申辩期限",
        5,
        DeadlineUnit.WORKING_DAYS,
        "行政处罚告知后5个工作日内提出陈述申辩",
    ),
)
