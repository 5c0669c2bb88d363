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
        "complaint_mediation",
        "投诉调解",
        45,
        DeadlineUnit.WORKING_DAYS,
        "市场监督管理投诉举报处理暂行办法：自投诉受理之日起45个工作日内终结调解",
    ),
    (
        "complaint_reply",
        "答复投诉举报人",
        5,
        DeadlineUnit.WORKING_DAYS,
        "调解终结或核查处理决定作出之日起5个工作日内告知投诉举报人",
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
    # 行刑衔接 (cases.criminaltransfer) and 挂牌督办 (cases.casesupervision)
    (
        "criminal_transfer_approval",
        "涉嫌犯罪案件移送审批",
        3,
        DeadlineUnit.CALENDAR_DAYS,
        "行政执法机关移送涉嫌犯罪案件的规定第五条：正职负责人自接到报告之日起3日内作出批准移送或者不批准移送的决定",
    ),
    (
        "criminal_transfer_reconsideration",
        "公安机关复议决定（跟进）",
        3,
        DeadlineUnit.CALENDAR_DAYS,
        "同规定第九条：公安机关自收到复议申请之日起3日内作出立案或者不予立案的决定",
    ),
    (
        "criminal_transfer_handover",
        "移交涉案物品和材料",
        3,
        DeadlineUnit.CALENDAR_DAYS,
        "同规定第十二条：自接到立案通知书之日起3日内将涉案物品以及与案件有关的其他材料移交公安机关",
    ),
    (
        "case_supervision",
        "挂牌督办案件办结",
        60,
        DeadlineUnit.CALENDAR_DAYS,
        "上级督办通知确定的办结期限（未载明的按60日）",
    ),
    (
        "case_supervision_report",
        "挂牌督办进展报告",
        30,
        DeadlineUnit.CALENDAR_DAYS,
        "上级督办通知要求的进展报告间隔（未载明的按30日）",
    ),
    (
        "rectification",
        "责令改正整改期限",
        15,
        DeadlineUnit.WORKING_DAYS,
        "责令改正通知书默认整改期限15个工作日（检查发现问题，依药品管理法、化妆品监督管理条例等责令限期改正）",
    ),
    (
        "clue_verification",
        "线索核查",
        15,
        DeadlineUnit.WORKING_DAYS,
        "市场监督管理行政处罚程序规定第十八条：自发现线索或者收到材料之日起15个工作日内核查，决定是否立案",
    ),
    (
        "clue_verification_extension",
        "线索核查延长",
        15,
        DeadlineUnit.WORKING_DAYS,
        "同第十八条：特殊情况下经市场监督管理部门负责人批准，可以延长15个工作日",
    ),
    (
        "online_sales_prompt",
        "网售监测工作提示单办理",
        10,
        DeadlineUnit.WORKING_DAYS,
        "瑶海2025要点7：监测线索及时下发工作提示单，明确办理时限，快核快处；取10个工作日，留足第十八条15个工作日内的立案决定时间",
    ),
    (
        "statement_of_defence",
        "陈述申辩期限",
        5,
        DeadlineUnit.WORKING_DAYS,
        "行政处罚告知后5个工作日内提出陈述申辩",
    ),
)
