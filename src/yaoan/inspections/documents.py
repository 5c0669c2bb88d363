"""The inspection's official documents on the core document layer: the 责令改正通知书 of a
rectification order and the 现场检查笔录 of a submitted inspection.

Each kind ships a default template built with the 公文 layout builder (placeholders in
single runs, so docxtpl sees them whole); an administrator may replace it. Printing again
returns the stored document while the record is unchanged, and makes a new version when
it has changed (an amended summary, a new deadline).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from yaoan.core.documents import services as documents
from yaoan.core.documents.kinds import DocumentKind, TemplateField, register_kind
from yaoan.core.documents.layout import RIGHT, OfficialDocument
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import GeneratedDocument, OrgUnit, User
from yaoan.inspections.enums import InspectionStatus
from yaoan.inspections.models import Inspection, RectificationOrder
from yaoan.inspections.queries import inspections_visible_to, rectifications_visible_to
from yaoan.inspections.rules import can_read_inspections

RECTIFICATION_NOTICE = "inspections.rectification_notice"
INSPECTION_RECORD = "inspections.inspection_record"

INSPECTOR_COLUMNS = (
    TemplateField("name", _lazy("姓名"), "张三"),
    TemplateField("badge", _lazy("执法证号"), "11010001"),
)
FINDING_COLUMNS = (
    TemplateField("description", _lazy("问题描述"), "未按规定储存需冷藏药品"),
    TemplateField("severity", _lazy("缺陷等级"), "主要缺陷"),
    TemplateField("basis", _lazy("依据"), "《药品经营质量管理规范》第八十三条"),
)
SAMPLE_INSPECTORS = [{"name": "张三", "badge": "11010001"}, {"name": "李四", "badge": "11010002"}]
SAMPLE_FINDINGS = [
    {
        "description": "未按规定储存需冷藏药品",
        "severity": "主要缺陷",
        "basis": "《药品经营质量管理规范》第八十三条",
    }
]
ENTITY_FIELDS = (
    TemplateField("entity_name", _lazy("单位名称"), "青江区示例大药房有限公司"),
    TemplateField("entity_credit_code", _lazy("统一社会信用代码"), "91110105MA00000000"),
    TemplateField("entity_address", _lazy("地址"), "青江区示例路1号"),
    TemplateField("entity_legal_representative", _lazy("法定代表人/负责人"), "王五"),
)
COMMON_FIELDS = (
    *ENTITY_FIELDS,
    TemplateField("inspection_number", _lazy("检查编号"), "药检记〔2026〕1号"),
    TemplateField("inspection_date", _lazy("检查日期"), "2026年12月7日"),
    TemplateField("station", _lazy("承办单位"), "青江市场监督管理所"),
    TemplateField(
        "inspectors",
        _lazy("检查人员（每人：name 姓名，badge 执法证号）"),
        SAMPLE_INSPECTORS,
        INSPECTOR_COLUMNS,
    ),
    TemplateField(
        "findings",
        _lazy("发现的问题（每项：description 描述，severity 等级，basis 依据）"),
        SAMPLE_FINDINGS,
        FINDING_COLUMNS,
    ),
    TemplateField("issuer", _lazy("发文机关"), "青江区市场监督管理局"),
)
INSPECTORS_LINE = (
    "{% for i in inspectors %}{{ i.name }}（执法证号：{{ i.badge }}）"
    "{% if not loop.last %}、{% endif %}{% endfor %}"
)


def chinese_date(day: dt.date | None) -> str:
    if day is None:
        return ""
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


def _issuer() -> str:
    bureau = (
        OrgUnit.objects.filter(kind=OrgUnitKind.BUREAU, parent__isnull=True)
        .order_by("sort_order", "code")
        .first()
    )
    return bureau.name if bureau else ""


def _inspectors(inspection: Inspection) -> list[dict[str, str]]:
    rows = []
    for member in inspection.team.select_related("inspector__inspector_profile").order_by("id"):
        user = member.inspector
        try:
            badge = user.inspector_profile.badge_number
        except ObjectDoesNotExist:
            badge = _("未登记")
        rows.append({"name": user.display_name or user.username, "badge": badge})
    return rows


def _findings(inspection: Inspection) -> list[dict[str, str]]:
    return [
        {
            "description": f.description,
            "severity": str(f.get_severity_display()),
            "basis": f.item.basis if f.item else "",
        }
        for f in inspection.findings.select_related("item").order_by("id")
    ]


def _common_context(inspection: Inspection) -> dict[str, Any]:
    entity = inspection.entity
    started = timezone.localtime(inspection.started_at).date() if inspection.started_at else None
    return {
        "entity_name": entity.name,
        "entity_credit_code": entity.uscc,
        "entity_address": entity.address,
        "entity_legal_representative": entity.legal_representative,
        "inspection_number": inspection.number,
        "inspection_date": chinese_date(started or inspection.scheduled_for),
        "station": inspection.station.name,
        "inspectors": _inspectors(inspection),
        "findings": _findings(inspection),
        "issuer": _issuer() or inspection.station.name,
    }


# --- 责令改正通知书 ---------------------------------------------------------------------------


def rectification_context(order: RectificationOrder) -> dict[str, Any]:
    return {
        **_common_context(order.inspection),
        "deadline": chinese_date(order.deadline),
        "issued_on": chinese_date(order.issued_on),
    }


def rectification_notice_template() -> bytes:
    doc = OfficialDocument()
    doc.title(_("责令改正通知书"))
    doc.number_line("{{ number }}")
    doc.paragraph("{{ entity_name }}：")
    doc.labelled(_("统一社会信用代码"), "{{ entity_credit_code }}")
    doc.labelled(_("地址"), "{{ entity_address }}")
    doc.labelled(_("法定代表人/负责人"), "{{ entity_legal_representative }}")
    doc.paragraph(
        _("{{ inspection_date }}，本局执法人员")
        + INSPECTORS_LINE
        + _(
            "依法对你单位进行了监督检查（检查编号：{{ inspection_number }}），"
            "发现你单位存在以下问题："
        ),
        indent=True,
    )
    doc.paragraph("{%p for f in findings %}")
    doc.paragraph(
        "{{ loop.index }}. {{ f.description }}（{{ f.severity }}"
        "{% if f.basis %}；依据：{{ f.basis }}{% endif %}）",
        indent=True,
    )
    doc.paragraph("{%p endfor %}")
    doc.paragraph(
        _(
            "现责令你单位于{{ deadline }}前改正上述问题，并将整改情况书面报告{{ station }}。"
            "逾期不改正的，本局将依法处理。"
        ),
        indent=True,
    )
    doc.signature("{{ issuer }}", "{{ issued_on }}")
    doc.paragraph(_("当事人签收：　　　　　　　　　　日期："))
    return doc.to_bytes()


# --- 现场检查笔录 -----------------------------------------------------------------------------


def inspection_record_context(inspection: Inspection) -> dict[str, Any]:
    order = RectificationOrder.objects.filter(inspection=inspection).first()
    return {
        **_common_context(inspection),
        "inspection_kind": str(inspection.get_kind_display()),
        "summary": inspection.summary,
        "result": str(inspection.get_result_display()),
        "rectification_number": order.number if order else "",
        "rectification_deadline": chinese_date(order.deadline) if order else "",
    }


def inspection_record_template() -> bytes:
    doc = OfficialDocument()
    doc.title(_("现场检查笔录"))
    doc.number_line("{{ number }}")
    doc.labelled(_("被检查单位"), "{{ entity_name }}")
    doc.labelled(_("统一社会信用代码"), "{{ entity_credit_code }}")
    doc.labelled(_("地址"), "{{ entity_address }}")
    doc.labelled(_("法定代表人/负责人"), "{{ entity_legal_representative }}")
    doc.labelled(_("检查类型"), "{{ inspection_kind }}")
    doc.labelled(_("检查日期"), "{{ inspection_date }}")
    doc.labelled(_("检查人员"), INSPECTORS_LINE)
    doc.heading(_("检查情况"))
    doc.paragraph("{{ summary }}", indent=True)
    doc.heading(_("发现的问题"))
    doc.paragraph("{%p for f in findings %}")
    doc.paragraph("{{ loop.index }}. {{ f.description }}（{{ f.severity }}）", indent=True)
    doc.paragraph("{%p endfor %}")
    doc.paragraph(_("{% if not findings %}未发现问题。{% endif %}"), indent=True)
    doc.labelled(_("检查结论"), "{{ result }}")
    doc.paragraph(
        _(
            "{% if rectification_number %}已下达责令改正通知书（{{ rectification_number }}），"
            "整改期限至{{ rectification_deadline }}。{% endif %}"
        ),
        indent=True,
    )
    doc.paragraph()
    doc.paragraph(_("检查人员签名：　　　　　　　　　被检查单位负责人签名："))
    doc.paragraph("{{ station }}", align=RIGHT)
    return doc.to_bytes()


# --- kinds and printing ----------------------------------------------------------------------


def _rectification_visible(user: User, pk: int) -> bool:
    return can_read_inspections(user) and rectifications_visible_to(user).filter(pk=pk).exists()


def _inspection_visible(user: User, pk: int) -> bool:
    return can_read_inspections(user) and inspections_visible_to(user).filter(pk=pk).exists()


def register_kinds() -> None:
    register_kind(
        DocumentKind(
            code=RECTIFICATION_NOTICE,
            label=_lazy("责令改正通知书"),
            subject_type="inspections.rectificationorder",
            fields=(
                *COMMON_FIELDS,
                TemplateField("deadline", _lazy("整改期限"), "2026年12月28日"),
                TemplateField("issued_on", _lazy("下达日期"), "2026年12月7日"),
            ),
            build_default=rectification_notice_template,
            visible=_rectification_visible,
            description=_lazy("检查发现问题时下达的整改通知，当场送达被检查单位。"),
        )
    )
    register_kind(
        DocumentKind(
            code=INSPECTION_RECORD,
            label=_lazy("现场检查笔录"),
            subject_type="inspections.inspection",
            fields=(
                *COMMON_FIELDS,
                TemplateField("inspection_kind", _lazy("检查类型"), "双随机抽查"),
                TemplateField("summary", _lazy("检查情况"), "检查了药品储存、购销记录。"),
                TemplateField("result", _lazy("检查结论"), "发现问题，责令整改"),
                TemplateField(
                    "rectification_number", _lazy("责令改正通知书文号"), "责改通〔2026〕1号"
                ),
                TemplateField("rectification_deadline", _lazy("整改期限"), "2026年12月28日"),
            ),
            build_default=inspection_record_template,
            visible=_inspection_visible,
            description=_lazy("提交后的现场检查记录，由检查人员和被检查单位签字。"),
        )
    )


def _print(
    actor: User, kind: str, subject: Any, context: dict[str, Any], number: str
) -> GeneratedDocument:
    if not documents.document_kind(kind).visible(actor, subject.pk):
        raise PermissionDenied(_("您无权查看该记录。"))
    latest = documents.latest_document(kind, subject)
    changed = latest is not None and documents.differs(latest, context)
    return documents.generate_document(
        actor=actor, kind=kind, subject=subject, context=context, number=number, new_version=changed
    )


def print_rectification_notice(*, actor: User, order: RectificationOrder) -> GeneratedDocument:
    """The order's 责令改正通知书 under the order's own 文号 (责改通〔year〕n号)."""
    return _print(actor, RECTIFICATION_NOTICE, order, rectification_context(order), order.number)


def print_inspection_record(*, actor: User, inspection: Inspection) -> GeneratedDocument:
    """The 现场检查笔录 of a submitted inspection, under the inspection's number."""
    if inspection.status != InspectionStatus.SUBMITTED:
        raise ValidationError(_("检查提交后才能打印现场检查笔录。"), code="record_not_submitted")
    return _print(
        actor,
        INSPECTION_RECORD,
        inspection,
        inspection_record_context(inspection),
        inspection.number,
    )
