"""The official documents of an enforcement case on the core document layer.

Every kind is about the case (``cases.case``) except the 询问笔录 and 现场笔录, which are
about the evidence row they record (a case has many), and the 送达回证, which is about one
delivery (a case is served several times). The kinds, the fields each template may use
(with sample values an administrator's replacement is checked against) and the states in
which each may be printed are declared here; the contexts are built in
``document_context.py`` and the printing is ``document_services.py``.

三书同达 (yaohai 3): with a penalty decision, the 信用修复告知书 and the 合规提醒（企业赋能）
告知书 are generated and delivered together — not for 简易程序 nor for a warning alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _lazy

from yaoan.cases import document_templates as templates
from yaoan.cases.enums import CaseStatus, DecisionOutcome
from yaoan.cases.models import Case
from yaoan.cases.queries import cases_visible_to
from yaoan.cases.rules import can_read_cases
from yaoan.core.documents.kinds import DocumentKind, TemplateField, register_kind
from yaoan.core.models import User

FILING_APPROVAL = "cases.filing_approval"
INQUIRY_RECORD = "cases.inquiry_record"
SITE_RECORD = "cases.site_record"
INVESTIGATION_REPORT = "cases.investigation_report"
PENALTY_NOTICE = "cases.penalty_notice"
PENALTY_DECISION = "cases.penalty_decision"
DELIVERY_RECEIPT = "cases.delivery_receipt"
CRIMINAL_TRANSFER = "cases.criminal_transfer"
CLOSING_APPROVAL = "cases.closing_approval"
CREDIT_REPAIR_NOTICE = "cases.credit_repair_notice"
COMPLIANCE_NOTICE = "cases.compliance_notice"

CASE_SUBJECT = "cases.case"
EVIDENCE_SUBJECT = "cases.evidence"
DELIVERY_SUBJECT = "cases.documentdelivery"

# the two notices delivered with the decision (三书同达)
DECISION_SET = (PENALTY_DECISION, CREDIT_REPAIR_NOTICE, COMPLIANCE_NOTICE)

# 文号 prefixes (core.numbering: prefix〔year〕n号); the 笔录 carry the case's number
PREFIXES = {
    FILING_APPROVAL: "药立审",
    INVESTIGATION_REPORT: "药调终",
    PENALTY_NOTICE: "药罚告",
    PENALTY_DECISION: "药罚决",
    DELIVERY_RECEIPT: "药送回",
    CRIMINAL_TRANSFER: "药移罪",
    CLOSING_APPROVAL: "药结审",
    CREDIT_REPAIR_NOTICE: "药信修告",
    COMPLIANCE_NOTICE: "药合规告",
    INQUIRY_RECORD: "药询笔",
    SITE_RECORD: "药现笔",
}

S = CaseStatus
_FILED = frozenset(set(CaseStatus) - {S.PENDING_FILING, S.NOT_FILED})
_INVESTIGATED = frozenset(
    {
        S.CASE_REVIEW,
        S.LEGAL_REVIEW,
        S.PENDING_NOTICE,
        S.NOTICE_SERVED,
        S.HEARING,
        S.HEARD,
        S.DECIDED,
        S.DELIVERED,
        S.EXECUTED,
        S.CLOSED,
    }
)
_NOTIFIED = frozenset(
    {S.PENDING_NOTICE, S.NOTICE_SERVED, S.HEARING, S.HEARD, S.DECIDED, S.DELIVERED, S.EXECUTED}
    | {S.CLOSED}
)
_DECIDED = frozenset({S.DECIDED, S.DELIVERED, S.EXECUTED, S.CLOSED})

# the case's states in which each kind may be printed (a document for a case in the wrong
# state is refused with the kind's message below)
PRINTABLE: dict[str, frozenset[str]] = {
    FILING_APPROVAL: frozenset(set(CaseStatus) - {S.NOT_FILED}),
    INQUIRY_RECORD: frozenset({S.INVESTIGATING}),
    SITE_RECORD: frozenset({S.INVESTIGATING}),
    INVESTIGATION_REPORT: _INVESTIGATED,
    PENALTY_NOTICE: _NOTIFIED,
    PENALTY_DECISION: _DECIDED,
    CREDIT_REPAIR_NOTICE: _DECIDED,
    COMPLIANCE_NOTICE: _DECIDED,
    DELIVERY_RECEIPT: _FILED,
    CRIMINAL_TRANSFER: _FILED,
    CLOSING_APPROVAL: frozenset({S.EXECUTED, S.CLOSED, S.TERMINATED, S.REVOKED}),
}
WRONG_STATE = {
    FILING_APPROVAL: _lazy("不予立案的案件没有立案审批表"),
    INQUIRY_RECORD: _lazy("只有调查取证阶段可以制作询问笔录"),
    SITE_RECORD: _lazy("只有调查取证阶段可以制作现场笔录"),
    INVESTIGATION_REPORT: _lazy("调查终结后才能打印调查终结报告"),
    PENALTY_NOTICE: _lazy("法制审核通过后才能打印行政处罚告知书"),
    PENALTY_DECISION: _lazy("作出处罚决定后才能打印行政处罚决定书"),
    CREDIT_REPAIR_NOTICE: _lazy("作出处罚决定后才能打印信用修复告知书"),
    COMPLIANCE_NOTICE: _lazy("作出处罚决定后才能打印合规提醒告知书"),
    DELIVERY_RECEIPT: _lazy("立案后才能制作送达回证"),
    CRIMINAL_TRANSFER: _lazy("立案后才能制作涉嫌犯罪案件移送书"),
    CLOSING_APPROVAL: _lazy("执行完毕（或终止、撤销立案）后才能打印结案审批表"),
}

OFFICER_COLUMNS = (
    TemplateField("name", _lazy("姓名"), "张三"),
    TemplateField("badge", _lazy("执法证号"), "11010001"),
)
EVIDENCE_COLUMNS = (
    TemplateField("kind", _lazy("证据种类"), "询问笔录"),
    TemplateField("title", _lazy("名称"), "对当事人负责人的询问笔录"),
    TemplateField("collected_on", _lazy("取得日期"), "2026年11月3日"),
)
SEIZED_COLUMNS = (
    TemplateField("name", _lazy("物品名称"), "阿莫西林胶囊"),
    TemplateField("quantity", _lazy("数量"), "20盒"),
    TemplateField("measure", _lazy("措施"), "扣押"),
    TemplateField("location", _lazy("存放地点"), "青江区市场监督管理局涉案物品仓库"),
)
SAMPLE_OFFICERS = [{"name": "张三", "badge": "11010001"}, {"name": "李四", "badge": "11010002"}]
SAMPLE_EVIDENCE = [
    {"kind": "询问笔录", "title": "对当事人负责人的询问笔录", "collected_on": "2026年11月3日"}
]
SAMPLE_SEIZED = [
    {"name": "阿莫西林胶囊", "quantity": "20盒", "measure": "扣押", "location": "局涉案物品仓库"}
]


def _f(name: str, label: Any, sample: Any, columns: tuple[TemplateField, ...] = ()) -> Any:
    return TemplateField(name, label, sample, columns)


CASE_FIELDS = (
    _f("case_number", _lazy("案件编号"), "青江药案〔2026〕1号"),
    _f("case_title", _lazy("案由"), "经营劣药"),
    _f("party_name", _lazy("当事人"), "青江区示例大药房有限公司"),
    _f("party_credit_code", _lazy("统一社会信用代码"), "91110105MA00000000"),
    _f("party_address", _lazy("住所（地址）"), "青江区示例路1号"),
    _f("party_legal_representative", _lazy("法定代表人（负责人）"), "王五"),
    _f("product_class", _lazy("产品类别"), "药品"),
    _f("station", _lazy("承办单位"), "江城市场监督管理所"),
    _f(
        "officers",
        _lazy("执法人员（每人：name 姓名，badge 执法证号）"),
        SAMPLE_OFFICERS,
        OFFICER_COLUMNS,
    ),
    _f("lead_officer", _lazy("主办人"), "张三"),
    _f("issuer", _lazy("发文机关"), "青江区市场监督管理局"),
    _f("issued_on", _lazy("日期"), "2026年12月7日"),
)
EVIDENCE_FIELD = _f(
    "evidence",
    _lazy("证据（每项：kind 种类，title 名称，collected_on 日期）"),
    SAMPLE_EVIDENCE,
    EVIDENCE_COLUMNS,
)
FACTS_FIELD = _f(
    "facts", _lazy("违法事实"), "当事人于2026年10月购进并销售超过有效期的阿莫西林胶囊20盒。"
)
BASIS_FIELDS = (
    _f("legal_basis", _lazy("违反的法律规定"), "《中华人民共和国药品管理法》第九十八条第三款"),
    _f("penalty_basis", _lazy("处罚依据"), "《中华人民共和国药品管理法》第一百一十七条第一款"),
)
RECORD_FIELDS = (
    _f("recorded_at", _lazy("时间"), "2026年11月3日 9时30分至10时20分"),
    _f("place", _lazy("地点"), "青江区示例路1号当事人经营场所"),
    _f("person", _lazy("被询问人（现场负责人）"), "王五"),
    _f("person_role", _lazy("与当事人关系"), "法定代表人"),
    _f("content", _lazy("记录内容"), "问：……答：……"),
    _f("recorded_on", _lazy("记录日期"), "2026年11月3日"),
)

FIELDS: dict[str, tuple[TemplateField, ...]] = {
    FILING_APPROVAL: (
        *CASE_FIELDS,
        _f("source", _lazy("案件来源"), "线索移送立案"),
        _f("discovered_on", _lazy("发现线索日期"), "2026年11月1日"),
        _f("summary", _lazy("案情摘要"), "日常检查发现当事人经营超过有效期的药品。"),
        _f("approval_opinion", _lazy("审批意见"), "同意立案"),
        _f("approved_by", _lazy("审批人"), "赵六"),
        _f("filed_on", _lazy("立案日期"), "2026年11月2日"),
    ),
    INQUIRY_RECORD: (*CASE_FIELDS, *RECORD_FIELDS),
    SITE_RECORD: (*CASE_FIELDS, *RECORD_FIELDS),
    INVESTIGATION_REPORT: (
        *CASE_FIELDS,
        _f("filed_on", _lazy("立案日期"), "2026年11月2日"),
        _f("summary", _lazy("案件来源及调查经过"), "日常检查发现……"),
        EVIDENCE_FIELD,
        FACTS_FIELD,
        _f(
            "seized",
            _lazy("涉案物品（每项：name 名称，quantity 数量，measure 措施，location 存放地点）"),
            SAMPLE_SEIZED,
            SEIZED_COLUMNS,
        ),
        _f("conclusion", _lazy("处理意见"), "建议给予行政处罚。"),
    ),
    PENALTY_NOTICE: (
        *CASE_FIELDS,
        FACTS_FIELD,
        *BASIS_FIELDS,
        _f("proposed_penalty", _lazy("拟作出的行政处罚"), "没收违法销售的药品，罚款人民币十万元"),
        _f("hearing_right", _lazy("是否告知听证权利（是/否）"), True),
    ),
    PENALTY_DECISION: (
        *CASE_FIELDS,
        _f("filed_on", _lazy("立案日期"), "2026年11月2日"),
        _f("notified_on", _lazy("告知日期"), "2026年11月20日"),
        _f("statement_result", _lazy("陈述申辩及听证情况"), "当事人在法定期限内未提出陈述、申辩。"),
        FACTS_FIELD,
        EVIDENCE_FIELD,
        *BASIS_FIELDS,
        _f("penalty", _lazy("行政处罚内容"), "没收违法销售的药品，罚款人民币十万元"),
        _f("has_fine", _lazy("是否含罚没款（是/否）"), True),
        _f("review_body", _lazy("行政复议机关"), "青江区人民政府"),
    ),
    DELIVERY_RECEIPT: (
        *CASE_FIELDS,
        _f("served_documents", _lazy("送达文书名称及文号"), "行政处罚决定书（药罚决〔2026〕1号）"),
        _f("delivery_place", _lazy("送达地点"), "青江区示例路1号"),
        _f("delivery_method", _lazy("送达方式"), "直接送达"),
        _f("delivered_on", _lazy("送达时间"), "2026年12月8日"),
        _f("receiver", _lazy("签收人"), ""),
        _f("note", _lazy("备注"), ""),
    ),
    CRIMINAL_TRANSFER: (
        *CASE_FIELDS,
        _f("police_unit", _lazy("移送的公安机关"), "青江区公安分局"),
        _f("suspected_crime", _lazy("涉嫌罪名"), "销售假药罪"),
        FACTS_FIELD,
        EVIDENCE_FIELD,
        _f("procuratorate", _lazy("抄送的检察机关"), "青江区人民检察院"),
    ),
    CLOSING_APPROVAL: (
        *CASE_FIELDS,
        _f("filed_on", _lazy("立案日期"), "2026年11月2日"),
        _f("decision_number", _lazy("处罚决定书文号"), "药罚决〔2026〕1号"),
        _f("decided_on", _lazy("处罚决定日期"), "2026年12月1日"),
        _f("outcome", _lazy("处理结果"), "没收违法销售的药品，罚款人民币十万元"),
        _f("execution", _lazy("执行情况"), "罚没款已缴纳"),
        _f("closing_reason", _lazy("结案理由"), "行政处罚决定已执行完毕"),
        _f("approved_by", _lazy("审批人"), "赵六"),
        _f("closed_on", _lazy("结案日期"), "2026年12月20日"),
    ),
    CREDIT_REPAIR_NOTICE: (
        *CASE_FIELDS,
        _f("decision_number", _lazy("处罚决定书文号"), "药罚决〔2026〕1号"),
        _f("repair_wait", _lazy("可申请信用修复的最短公示期"), "三个月"),
    ),
    COMPLIANCE_NOTICE: (
        *CASE_FIELDS,
        _f("reminders", _lazy("合规提醒事项（每项一段文字）"), ["建立并执行药品购进验收制度。"]),
    ),
}

LABELS = {
    FILING_APPROVAL: _lazy("立案审批表"),
    INQUIRY_RECORD: _lazy("询问笔录"),
    SITE_RECORD: _lazy("现场笔录"),
    INVESTIGATION_REPORT: _lazy("案件调查终结报告"),
    PENALTY_NOTICE: _lazy("行政处罚告知书"),
    PENALTY_DECISION: _lazy("行政处罚决定书"),
    DELIVERY_RECEIPT: _lazy("送达回证"),
    CRIMINAL_TRANSFER: _lazy("涉嫌犯罪案件移送书"),
    CLOSING_APPROVAL: _lazy("结案审批表"),
    CREDIT_REPAIR_NOTICE: _lazy("信用修复告知书"),
    COMPLIANCE_NOTICE: _lazy("合规提醒（企业赋能）告知书"),
}
DESCRIPTIONS = {
    FILING_APPROVAL: _lazy("立案审批时打印，载明案件来源、案情摘要和审批意见。"),
    INQUIRY_RECORD: _lazy("调查取证时对当事人或有关人员的询问记录，签字后作为证据上传。"),
    SITE_RECORD: _lazy("调查取证时的现场检查记录，签字后作为证据上传。"),
    INVESTIGATION_REPORT: _lazy("调查终结后报请案件审核，列明证据、违法事实和处理意见。"),
    PENALTY_NOTICE: _lazy("告知拟作出的行政处罚及陈述、申辩、听证权利（五个工作日）。"),
    PENALTY_DECISION: _lazy("处罚决定书，与信用修复告知书、合规提醒告知书一并送达（三书同达）。"),
    DELIVERY_RECEIPT: _lazy("一次送达的回证，列明送达的文书、方式和签收。"),
    CRIMINAL_TRANSFER: _lazy("涉嫌犯罪案件移送公安机关的移送书，附证据清单。"),
    CLOSING_APPROVAL: _lazy("执行完毕后报请结案审批。"),
    CREDIT_REPAIR_NOTICE: _lazy("三书同达：告知处罚信息公示及信用修复的条件和程序。"),
    COMPLIANCE_NOTICE: _lazy("三书同达：提醒依法合规经营的事项（企业赋能）。"),
}
BUILDERS = {
    FILING_APPROVAL: templates.filing_approval_template,
    INQUIRY_RECORD: templates.inquiry_record_template,
    SITE_RECORD: templates.site_record_template,
    INVESTIGATION_REPORT: templates.investigation_report_template,
    PENALTY_NOTICE: templates.penalty_notice_template,
    PENALTY_DECISION: templates.penalty_decision_template,
    DELIVERY_RECEIPT: templates.delivery_receipt_template,
    CRIMINAL_TRANSFER: templates.criminal_transfer_template,
    CLOSING_APPROVAL: templates.closing_approval_template,
    CREDIT_REPAIR_NOTICE: templates.credit_repair_notice_template,
    COMPLIANCE_NOTICE: templates.compliance_notice_template,
}
SUBJECTS = {INQUIRY_RECORD: EVIDENCE_SUBJECT, SITE_RECORD: EVIDENCE_SUBJECT}
SUBJECTS[DELIVERY_RECEIPT] = DELIVERY_SUBJECT


def _case_visible(user: User, pk: int) -> bool:
    return can_read_cases(user) and cases_visible_to(user).filter(pk=pk).exists()


def _evidence_visible(user: User, pk: int) -> bool:
    return can_read_cases(user) and cases_visible_to(user).filter(evidence__pk=pk).exists()


def _delivery_visible(user: User, pk: int) -> bool:
    visible = cases_visible_to(user).filter(document_deliveries__pk=pk)
    return can_read_cases(user) and visible.exists()


VISIBLE = {CASE_SUBJECT: _case_visible, EVIDENCE_SUBJECT: _evidence_visible}
VISIBLE[DELIVERY_SUBJECT] = _delivery_visible


def _built_once(build: Callable[[], bytes]) -> Callable[[], bytes]:
    """The default template built once per language: building one takes a fifth of a
    second, and a case's full set prints six (the benchmark's "< 2 s")."""
    built: dict[str, bytes] = {}

    def default() -> bytes:
        language = translation.get_language() or ""
        if language not in built:
            built[language] = build()
        return built[language]

    return default


def register_kinds() -> None:
    for code, fields in FIELDS.items():
        subject = SUBJECTS.get(code, CASE_SUBJECT)
        register_kind(
            DocumentKind(
                code=code,
                label=LABELS[code],
                subject_type=subject,
                fields=fields,
                build_default=_built_once(BUILDERS[code]),
                visible=VISIBLE[subject],
                description=DESCRIPTIONS[code],
            )
        )


# the case documents offered as buttons on the case's pages, in the order of the procedure
CASE_BUTTONS = (
    FILING_APPROVAL,
    INVESTIGATION_REPORT,
    PENALTY_NOTICE,
    PENALTY_DECISION,
    CLOSING_APPROVAL,
)


def printable(case: Case) -> list[tuple[str, str]]:
    """The (kind, label) buttons the case's state allows."""
    return [(kind, str(LABELS[kind])) for kind in CASE_BUTTONS if case.status in PRINTABLE[kind]]


def offers_decision_set(case: Case) -> bool:
    """三书同达 is offered once a penalty is decided (the service says when it is not)."""
    return case.status in PRINTABLE[PENALTY_DECISION] and case.outcome == DecisionOutcome.PENALTY
