"""The default templates of a case's official documents, built with the 公文 layout builder.

Each placeholder is written into a single run so docxtpl sees it whole; an administrator
downloads a default from /documents/templates/<kind>/, edits it in Word and uploads it back
(core.documents checks every name against the kind's fields). The names used here are the
fields declared in ``cases/documents.py``.

The fixed wording follows the model texts of the 市场监督管理行政处罚文书格式范本 (2021):
the rights and periods a party is told are the ones the law gives (行政处罚法 第四十四条、
第四十五条、第六十三条、第六十四条; 市场监督管理行政处罚程序规定 第五十七条、第六十六条).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from yaoan.core.documents.layout import RIGHT, OfficialDocument

OFFICERS_LINE = (
    "{% for o in officers %}{{ o.name }}（执法证号：{{ o.badge }}）"
    "{% if not loop.last %}、{% endif %}{% endfor %}"
)


def _party_block(doc: OfficialDocument) -> None:
    doc.labelled(_("当事人"), "{{ party_name }}")
    doc.labelled(_("统一社会信用代码"), "{{ party_credit_code }}")
    doc.labelled(_("住所（地址）"), "{{ party_address }}")
    doc.labelled(_("法定代表人（负责人）"), "{{ party_legal_representative }}")


def _form(title: str, rows: list[tuple[str, str]]) -> bytes:
    """An approval form (审批表): the title, the 文号 and a two-column table."""
    doc = OfficialDocument()
    doc.title(title)
    doc.number_line("{{ number }}")
    doc.table((_("项目"), _("内容")), rows)
    doc.paragraph()
    doc.paragraph("{{ issuer }}", align=RIGHT)
    return doc.to_bytes()


def _case_rows() -> list[tuple[str, str]]:
    return [
        (_("案件编号"), "{{ case_number }}"),
        (_("案由"), "{{ case_title }}"),
        (_("当事人"), "{{ party_name }}"),
        (_("统一社会信用代码"), "{{ party_credit_code }}"),
        (_("住所（地址）"), "{{ party_address }}"),
        (_("法定代表人（负责人）"), "{{ party_legal_representative }}"),
        (_("产品类别"), "{{ product_class }}"),
    ]


def filing_approval_template() -> bytes:
    return _form(
        _("立案审批表"),
        [
            *_case_rows(),
            (_("案件来源"), "{{ source }}"),
            (_("发现线索日期"), "{{ discovered_on }}"),
            (_("案情摘要"), "{{ summary }}"),
            (_("承办机构"), "{{ station }}"),
            (_("承办人"), OFFICERS_LINE),
            (_("立案依据"), _("《市场监督管理行政处罚程序规定》第二十条")),
            (_("审批意见"), "{{ approval_opinion }}"),
            (_("审批人"), "{{ approved_by }}"),
            (_("立案日期"), "{{ filed_on }}"),
        ],
    )


def _record_template(title: str, lead: list[tuple[str, str]], statement: str) -> bytes:
    """询问笔录 / 现场笔录: the heading facts, the officers' identification, the text."""
    doc = OfficialDocument()
    doc.title(title)
    doc.number_line("{{ number }}")
    doc.labelled(_("案件编号"), "{{ case_number }}")
    doc.labelled(_("案由"), "{{ case_title }}")
    for label, value in lead:
        doc.labelled(label, value)
    doc.labelled(_("执法人员"), OFFICERS_LINE)
    doc.paragraph(statement, indent=True)
    doc.heading(_("记录内容："))
    doc.paragraph("{{ content }}", indent=True)
    doc.paragraph(_("以上笔录已由被记录人核对（或已向其宣读），与所述（所见）一致。"), indent=True)
    doc.paragraph()
    doc.labelled(_("被记录人签名"), "")
    doc.labelled(_("执法人员签名"), "")
    doc.paragraph("{{ recorded_on }}", align=RIGHT)
    return doc.to_bytes()


def inquiry_record_template() -> bytes:
    return _record_template(
        _("询问笔录"),
        [
            (_("询问时间"), "{{ recorded_at }}"),
            (_("询问地点"), "{{ place }}"),
            (_("被询问人"), "{{ person }}"),
            (_("与当事人关系"), "{{ person_role }}"),
        ],
        _(
            "我们是{{ station }}的执法人员，已向你出示执法证件。现依法向你进行询问调查，"
            "你应当如实回答询问，协助调查，不得阻挠；你有权申请执法人员回避。"
        ),
    )


def site_record_template() -> bytes:
    return _record_template(
        _("现场笔录"),
        [
            (_("检查时间"), "{{ recorded_at }}"),
            (_("检查地点"), "{{ place }}"),
            (_("当事人"), "{{ party_name }}"),
            (_("现场负责人"), "{{ person }}"),
        ],
        _(
            "执法人员已向当事人出示执法证件，表明身份，告知其有申请执法人员回避的权利"
            "和配合调查的义务。现场检查情况如下："
        ),
    )


def investigation_report_template() -> bytes:
    doc = OfficialDocument()
    doc.title(_("案件调查终结报告"))
    doc.number_line("{{ number }}")
    doc.labelled(_("案件编号"), "{{ case_number }}")
    doc.labelled(_("案由"), "{{ case_title }}")
    _party_block(doc)
    doc.labelled(_("立案日期"), "{{ filed_on }}")
    doc.labelled(_("承办人"), OFFICERS_LINE)
    doc.heading(_("一、案件来源及调查经过"))
    doc.paragraph("{{ summary }}", indent=True)
    doc.heading(_("二、证据材料"))
    doc.paragraph("{%p for e in evidence %}")
    doc.paragraph("{{ loop.index }}. {{ e.kind }}：{{ e.title }}（{{ e.collected_on }}）")
    doc.paragraph("{%p endfor %}")
    doc.heading(_("三、查明的违法事实"))
    doc.paragraph("{{ facts }}", indent=True)
    doc.heading(_("四、涉案物品"))
    doc.paragraph("{%p for s in seized %}")
    doc.paragraph(
        "{{ loop.index }}. {{ s.name }}，{{ s.quantity }}，{{ s.measure }}，{{ s.location }}"
    )
    doc.paragraph("{%p endfor %}")
    doc.heading(_("五、处理意见"))
    doc.paragraph("{{ conclusion }}", indent=True)
    doc.signature(_("承办人：{{ lead_officer }}"), "{{ issued_on }}")
    return doc.to_bytes()


def penalty_notice_template() -> bytes:
    doc = OfficialDocument()
    doc.title(_("行政处罚告知书"))
    doc.number_line("{{ number }}")
    doc.paragraph("{{ party_name }}：")
    doc.paragraph(
        _("经查，你（单位）{{ facts }}"),
        indent=True,
    )
    doc.paragraph(
        _(
            "{% if legal_basis %}你（单位）的上述行为违反了{{ legal_basis }}的规定。{% endif %}"
            "{% if penalty_basis %}依据{{ penalty_basis }}，{% endif %}"
            "本局拟对你（单位）作出如下处理：{{ proposed_penalty }}。"
        ),
        indent=True,
    )
    doc.paragraph(
        _(
            "根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你（单位）有权"
            "进行陈述和申辩。如对上述拟作出的行政处罚有异议，可在收到本告知书之日起五个"
            "工作日内向本局提出陈述、申辩。"
        ),
        indent=True,
    )
    doc.paragraph(
        _(
            "{% if hearing_right %}根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，"
            "你（单位）有权要求听证，可在收到本告知书之日起五个工作日内向本局提出听证申请。"
            "{% endif %}逾期未提出陈述、申辩{% if hearing_right %}或者听证申请{% endif %}的，"
            "视为放弃上述权利。"
        ),
        indent=True,
    )
    doc.labelled(_("承办单位"), "{{ station }}")
    doc.labelled(_("联系人"), "{{ lead_officer }}")
    doc.signature("{{ issuer }}", "{{ issued_on }}")
    return doc.to_bytes()


def penalty_decision_template() -> bytes:
    doc = OfficialDocument()
    doc.title(_("行政处罚决定书"))
    doc.number_line("{{ number }}")
    _party_block(doc)
    doc.paragraph(
        _(
            "本局于{{ filed_on }}对你（单位）涉嫌{{ case_title }}一案立案调查。"
            "于{{ notified_on }}向你（单位）送达了行政处罚告知书，{{ statement_result }}"
        ),
        indent=True,
    )
    doc.paragraph(_("经查：{{ facts }}"), indent=True)
    doc.paragraph(_("上述事实，有以下证据证明："), indent=True)
    doc.paragraph("{%p for e in evidence %}")
    doc.paragraph("{{ loop.index }}. {{ e.kind }}：{{ e.title }}", indent=True)
    doc.paragraph("{%p endfor %}")
    doc.paragraph(
        _(
            "{% if legal_basis %}本局认为，你（单位）的上述行为违反了{{ legal_basis }}的规定。"
            "{% endif %}{% if penalty_basis %}依据{{ penalty_basis }}，{% endif %}"
            "本局决定：{{ penalty }}。"
        ),
        indent=True,
    )
    doc.paragraph(
        _(
            "{% if has_fine %}罚没款应自收到本决定书之日起十五日内缴至指定银行或者通过电子支付"
            "系统缴纳。逾期不缴纳的，本局将依据《中华人民共和国行政处罚法》第七十二条的规定，"
            "每日按罚款数额的百分之三加处罚款。{% endif %}"
        ),
        indent=True,
    )
    doc.paragraph(
        _(
            "如不服本处罚决定，可在收到本决定书之日起六十日内向{{ review_body }}申请行政复议，"
            "或者在六个月内依法向人民法院提起行政诉讼。申请行政复议或者提起行政诉讼的，"
            "行政处罚不停止执行，法律另有规定的除外。"
        ),
        indent=True,
    )
    doc.signature("{{ issuer }}", "{{ issued_on }}")
    return doc.to_bytes()


def delivery_receipt_template() -> bytes:
    return _form(
        _("送达回证"),
        [
            (_("案件编号"), "{{ case_number }}"),
            (_("送达文书名称及文号"), "{{ served_documents }}"),
            (_("受送达人"), "{{ party_name }}"),
            (_("送达地点"), "{{ delivery_place }}"),
            (_("送达方式"), "{{ delivery_method }}"),
            (_("送达时间"), "{{ delivered_on }}"),
            (_("送达人"), OFFICERS_LINE),
            (_("受送达人签名或盖章"), "{{ receiver }}"),
            (_("备注"), "{{ note }}"),
        ],
    )


def criminal_transfer_template() -> bytes:
    doc = OfficialDocument()
    doc.title(_("涉嫌犯罪案件移送书"))
    doc.number_line("{{ number }}")
    doc.paragraph("{{ police_unit }}：")
    doc.paragraph(
        _(
            "本局在查处{{ party_name }}{{ case_title }}一案（案件编号：{{ case_number }}）中，"
            "发现其行为涉嫌{{ suspected_crime }}。根据《行政执法机关移送涉嫌犯罪案件的规定》"
            "和《药品行政执法与刑事司法衔接工作办法》的规定，现将该案移送你单位，请依法审查。"
        ),
        indent=True,
    )
    doc.paragraph(_("涉嫌犯罪的主要事实：{{ facts }}"), indent=True)
    doc.heading(_("附件："))
    doc.paragraph("{%p for e in evidence %}")
    doc.paragraph("{{ loop.index }}. {{ e.kind }}：{{ e.title }}", indent=True)
    doc.paragraph("{%p endfor %}")
    doc.signature("{{ issuer }}", "{{ issued_on }}")
    doc.paragraph(_("抄送：{{ procuratorate }}"))
    return doc.to_bytes()


def closing_approval_template() -> bytes:
    return _form(
        _("结案审批表"),
        [
            *_case_rows(),
            (_("立案日期"), "{{ filed_on }}"),
            (_("处罚决定书文号"), "{{ decision_number }}"),
            (_("处罚决定日期"), "{{ decided_on }}"),
            (_("处理结果"), "{{ outcome }}"),
            (_("执行情况"), "{{ execution }}"),
            (_("承办人"), OFFICERS_LINE),
            (_("结案理由"), "{{ closing_reason }}"),
            (_("审批人"), "{{ approved_by }}"),
            (_("结案日期"), "{{ closed_on }}"),
        ],
    )


def credit_repair_notice_template() -> bytes:
    doc = OfficialDocument()
    doc.title(_("信用修复告知书"))
    doc.number_line("{{ number }}")
    doc.paragraph("{{ party_name }}：")
    doc.paragraph(
        _(
            "本局于{{ issued_on }}对你（单位）作出行政处罚决定（{{ decision_number }}）。"
            "依据《市场监督管理行政处罚信息公示规定》，该行政处罚信息将自作出决定之日起"
            "二十个工作日内通过国家企业信用信息公示系统向社会公示。"
        ),
        indent=True,
    )
    doc.paragraph(
        _(
            "依据《市场监督管理信用修复管理办法》，你（单位）在公示期满{{ repair_wait }}后，"
            "已经自觉履行行政处罚决定中规定的义务、已经主动消除危害后果和不良社会影响、"
            "未再受到市场监督管理部门较重行政处罚的，可以向本局申请信用修复，提交信用修复"
            "申请书、守信承诺书以及履行义务的相关材料。"
        ),
        indent=True,
    )
    doc.paragraph(_("信用修复申请受理部门：{{ station }}。"), indent=True)
    doc.signature("{{ issuer }}", "{{ issued_on }}")
    return doc.to_bytes()


def compliance_notice_template() -> bytes:
    doc = OfficialDocument()
    doc.title(_("合规提醒（企业赋能）告知书"))
    doc.number_line("{{ number }}")
    doc.paragraph("{{ party_name }}：")
    doc.paragraph(
        _(
            "本局在查办你（单位）{{ case_title }}一案中发现，你（单位）在{{ product_class }}"
            "质量安全管理方面存在问题。为帮助你（单位）依法合规经营，现提醒如下："
        ),
        indent=True,
    )
    doc.paragraph("{%p for r in reminders %}")
    doc.paragraph("{{ loop.index }}. {{ r }}", indent=True)
    doc.paragraph("{%p endfor %}")
    doc.paragraph(
        _(
            "请你（单位）对照上述要求开展自查整改，健全质量管理体系，落实主体责任。"
            "如需政策咨询或合规指导，可联系{{ station }}。"
        ),
        indent=True,
    )
    doc.signature("{{ issuer }}", "{{ issued_on }}")
    return doc.to_bytes()
