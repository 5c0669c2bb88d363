"""The official documents of a 投诉举报 on the core document layer.

To the complainant or reporter: 受理告知书, 不予受理告知书 (with the legal ground) and the
答复函 (the reply text as sent). To the reported business: the 投诉举报核查通知书, which
says only that the bureau is verifying a matter about it — never who complained, nor
the complaint's own words (a reporter may have written their name into them), nor the
receipt number (S10–S12: the business never learns who reported it).

A stored document keeps the context it was filled with (core.documents), so a letter to
the person addresses them by the masked name; their full contact data is revealed, with
a reason, only to the handler who posts or sends it (core.pii reveal)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from yaoan.common.masking import mask_personal
from yaoan.complaints.enums import ComplaintStatus
from yaoan.complaints.models import Complaint
from yaoan.complaints.queries import complaints_visible_to
from yaoan.core.documents import services as documents
from yaoan.core.documents.kinds import DocumentKind, TemplateField, register_kind
from yaoan.core.documents.layout import RIGHT, OfficialDocument
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import GeneratedDocument, OrgUnit, User

ACCEPTANCE_NOTICE = "complaints.acceptance_notice"
NON_ACCEPTANCE_NOTICE = "complaints.non_acceptance_notice"
REPLY_LETTER = "complaints.reply_letter"
VERIFICATION_NOTICE = "complaints.verification_notice"
SUBJECT_TYPE = "complaints.complaint"

PERSON_FIELDS = (
    TemplateField("addressee", _lazy("投诉举报人（已脱敏）"), "张*"),
    TemplateField("receipt_number", _lazy("受理编号"), "TJ2026000001"),
    TemplateField("kind", _lazy("类别"), "投诉"),
    TemplateField("received_on", _lazy("收到日期"), "2026年12月1日"),
    TemplateField("station", _lazy("承办单位"), "江城市场监督管理所"),
    TemplateField("issuer", _lazy("发文机关"), "青江区市场监督管理局"),
    TemplateField("issued_on", _lazy("发文日期"), "2026年12月7日"),
)


def chinese_date(day: dt.date | None) -> str:
    if day is None:
        return ""
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


def _issuer() -> str:
    bureau = OrgUnit.objects.filter(kind=OrgUnitKind.BUREAU, is_active=True)
    first = bureau.order_by("sort_order", "code").first()
    return first.name if first else ""


def _local_day(when: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(when).date() if when else None


def person_context(complaint: Complaint) -> dict[str, Any]:
    """What every letter to the person carries: no phone, ID number or address."""
    name = mask_personal("name", complaint.reporter_name) if complaint.reporter_name else ""
    return {
        "addressee": name or _("投诉举报人"),
        "receipt_number": complaint.number,
        "kind": complaint.get_kind_display(),
        "received_on": chinese_date(_local_day(complaint.received_at)),
        "station": complaint.org_unit.name,
        "issuer": _issuer() or complaint.org_unit.name,
        "issued_on": chinese_date(timezone.localdate()),
    }


def business_context(complaint: Complaint) -> dict[str, Any]:
    """What the business is told: its own name and address, the product class and who
    verifies — built from the record's non-personal fields only."""
    entity = complaint.entity
    return {
        "entity_name": entity.name if entity else complaint.subject_name,
        "entity_address": entity.address if entity else complaint.subject_address,
        "product_class": complaint.get_product_class_display(),
        "station": complaint.org_unit.name,
        "issuer": _issuer() or complaint.org_unit.name,
        "issued_on": chinese_date(timezone.localdate()),
    }


def _person_letter(title: str, body: list[str]) -> bytes:
    doc = OfficialDocument()
    doc.title(title)
    doc.number_line("{{ number }}")
    doc.paragraph("{{ addressee }}：")
    for text in body:
        doc.paragraph(text, indent=True)
    doc.paragraph(_("查询进度：请凭受理编号和查询码登录本局投诉举报网上平台查询。"), indent=True)
    doc.paragraph()
    doc.paragraph("{{ issuer }}", align=RIGHT)
    doc.paragraph("{{ issued_on }}", align=RIGHT)
    return doc.to_bytes()


def acceptance_template() -> bytes:
    return _person_letter(
        _("投诉举报受理告知书"),
        [
            _(
                "你于{{ received_on }}提出的{{ kind }}（受理编号：{{ receipt_number }}）"
                "本局已依法受理，由{{ station }}承办。"
            )
        ],
    )


def non_acceptance_template() -> bytes:
    return _person_letter(
        _("投诉举报不予受理告知书"),
        [
            _("你于{{ received_on }}提出的{{ kind }}（受理编号：{{ receipt_number }}），"),
            _("因{{ legal_reason }}，依据《市场监督管理投诉举报处理暂行办法》，本局决定不予受理。"),
            "{{ explanation }}",
        ],
    )


def reply_template() -> bytes:
    return _person_letter(
        _("投诉举报答复函"),
        [
            _(
                "你于{{ received_on }}提出的{{ kind }}（受理编号：{{ receipt_number }}）"
                "办理情况答复如下："
            ),
            "{{ reply_text }}",
        ],
    )


def verification_notice_template() -> bytes:
    doc = OfficialDocument()
    doc.title(_("投诉举报核查通知书"))
    doc.number_line("{{ number }}")
    doc.paragraph("{{ entity_name }}：")
    doc.labelled(_("地址"), "{{ entity_address }}")
    doc.paragraph(
        _(
            "本局收到涉及你单位{{ product_class }}经营使用的投诉举报，现依法由{{ station }}"
            "进行核查。请你单位如实提供有关资料，配合核查工作。"
        ),
        indent=True,
    )
    doc.paragraph()
    doc.paragraph("{{ issuer }}", align=RIGHT)
    doc.paragraph("{{ issued_on }}", align=RIGHT)
    return doc.to_bytes()


def _visible(user: User, pk: int) -> bool:
    return complaints_visible_to(user).filter(pk=pk).exists()


def _kind(code: str, label: Any, fields: tuple[TemplateField, ...], build: Any, about: Any) -> None:
    register_kind(
        DocumentKind(
            code=code,
            label=label,
            subject_type=SUBJECT_TYPE,
            fields=fields,
            build_default=build,
            visible=_visible,
            description=about,
        )
    )


def register_kinds() -> None:
    _kind(
        ACCEPTANCE_NOTICE,
        _lazy("投诉举报受理告知书"),
        PERSON_FIELDS,
        acceptance_template,
        _lazy("受理后告知投诉举报人。"),
    )
    _kind(
        NON_ACCEPTANCE_NOTICE,
        _lazy("投诉举报不予受理告知书"),
        (
            *PERSON_FIELDS,
            TemplateField("legal_reason", _lazy("不予受理的法定理由"), "不属于本部门管辖"),
            TemplateField("explanation", _lazy("说明"), "请向有管辖权的部门反映。"),
        ),
        non_acceptance_template,
        _lazy("决定不予受理时告知投诉举报人，写明法定理由。"),
    )
    _kind(
        REPLY_LETTER,
        _lazy("投诉举报答复函"),
        (*PERSON_FIELDS, TemplateField("reply_text", _lazy("答复内容"), "经核查……")),
        reply_template,
        _lazy("答复投诉举报人，内容与系统记录的答复一致。"),
    )
    _kind(
        VERIFICATION_NOTICE,
        _lazy("投诉举报核查通知书"),
        (
            TemplateField("entity_name", _lazy("被核查单位"), "青江区示例大药房有限公司"),
            TemplateField("entity_address", _lazy("地址"), "青江区示例路1号"),
            TemplateField("product_class", _lazy("产品类别"), "药品"),
            TemplateField("station", _lazy("承办单位"), "江城市场监督管理所"),
            TemplateField("issuer", _lazy("发文机关"), "青江区市场监督管理局"),
            TemplateField("issued_on", _lazy("发文日期"), "2026年12月7日"),
        ),
        verification_notice_template,
        _lazy("送达被投诉举报单位，不含投诉举报人的任何信息。"),
    )


# which document may be printed in which states, and what fills it
PRINTABLE = {
    ACCEPTANCE_NOTICE: frozenset(
        set(ComplaintStatus)
        - {
            ComplaintStatus.RECEIVED,
            ComplaintStatus.TRANSFER_PENDING,
            ComplaintStatus.TRANSFERRED,
            ComplaintStatus.NOT_ACCEPTED,
        }
    ),
    NON_ACCEPTANCE_NOTICE: frozenset({ComplaintStatus.NOT_ACCEPTED}),
    REPLY_LETTER: frozenset(
        {ComplaintStatus.REPLIED, ComplaintStatus.EVALUATED, ComplaintStatus.CLOSED}
    ),
    VERIFICATION_NOTICE: frozenset({ComplaintStatus.ACCEPTED, ComplaintStatus.VERIFIED}),
}
PREFIXES = {
    ACCEPTANCE_NOTICE: "药投受告",
    NON_ACCEPTANCE_NOTICE: "药投不受告",
    REPLY_LETTER: "药投复",
    VERIFICATION_NOTICE: "药投核通",
}


def document_context(kind: str, complaint: Complaint) -> dict[str, Any]:
    if kind == VERIFICATION_NOTICE:
        return business_context(complaint)
    context = person_context(complaint)
    if kind == NON_ACCEPTANCE_NOTICE:
        context["legal_reason"] = complaint.get_not_accepted_reason_display()
        context["explanation"] = complaint.not_accepted_note
    if kind == REPLY_LETTER:
        context["reply_text"] = complaint.reply_text
    return context


def print_document(*, actor: User, complaint: Complaint, kind: str) -> GeneratedDocument:
    """Print (or fetch the stored) document ``kind`` of the record; refused in a state
    where it does not apply. Whoever may see the record may print it."""
    if kind not in PRINTABLE:
        raise ValidationError(_("未知的文书类型"), code="complaint_bad_choice")
    if not _visible(actor, complaint.pk):
        raise PermissionDenied(_("您无权查看该记录。"))
    if complaint.status not in PRINTABLE[kind]:
        raise ValidationError(_("当前状态不能打印该文书"), code="illegal_transition")
    if kind == VERIFICATION_NOTICE and complaint.entity is None and not complaint.subject_name:
        raise ValidationError(
            _("未填写被投诉举报对象，不能打印核查通知书"), code="complaint_bad_choice"
        )
    context = document_context(kind, complaint)
    latest = documents.latest_document(kind, complaint)
    changed = latest is not None and documents.differs(latest, context)
    return documents.generate_document(
        actor=actor,
        kind=kind,
        subject=complaint,
        context=context,
        number_prefix=PREFIXES[kind] if latest is None or changed else None,
        number="" if latest is None or changed else latest.number,
        new_version=changed,
    )
