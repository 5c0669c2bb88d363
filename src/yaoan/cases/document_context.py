"""What fills each case document: built from the case, its evidence, seized items and
deliveries, never from a person's private data beyond what the document is for (the party's
name and the business's public registration; a natural person's ID number and address are
not printed by default — the officer fills them in on paper where the law wants them).

Dates are Chinese (2026年12月7日); the issuing authority is the district bureau."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.cases.enums import DecisionOutcome
from yaoan.cases.models import Case, DocumentDelivery, Evidence
from yaoan.cases.penalty_enums import AMOUNT_KINDS, PenaltyKind
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import GeneratedDocument, OrgUnit, User
from yaoan.registry.enums import ProductClass

# 市场监督管理信用修复管理办法 第九条: a 一般行政处罚 may be repaired three months after
# its publication (a 较重 one after a year; the notice states the shortest)
REPAIR_WAIT = "三个月"

# the 合规提醒 of each product class: the party's main duties under the law that governs it
REMINDERS = {
    ProductClass.DRUG: (
        "依照《中华人民共和国药品管理法》第五十五条，从药品上市许可持有人或者具有药品生产、"
        "经营资格的企业购进药品，并建立执行进货检查验收制度，验明药品合格证明和其他标识。",
        "依照《药品经营质量管理规范》，按照药品说明书标示的条件储存药品，做好温湿度监测记录。",
        "处方药凭处方销售，执业药师或者其他依法经过资格认定的药学技术人员在岗履职。",
        "建立并执行药品追溯制度，如实记录购销信息，做到票、账、货、款一致。",
    ),
    ProductClass.DEVICE: (
        "依照《医疗器械监督管理条例》第四十五条，建立并执行进货查验记录制度，"
        "从具备合法资质的企业购进医疗器械。",
        "依照《医疗器械经营质量管理规范》，按照说明书和标签标示的条件贮存、运输医疗器械。",
        "不得经营未取得注册证或者备案、无合格证明文件、过期、失效、淘汰的医疗器械。",
    ),
    ProductClass.COSMETIC: (
        "依照《化妆品监督管理条例》第三十八条，建立并执行进货查验记录制度，"
        "查验供货者的市场主体登记证明、化妆品注册或者备案情况、产品出厂检验合格证明。",
        "不得经营未经注册或者备案、超过使用期限、标签不符合规定的化妆品。",
        "依照《化妆品生产经营监督管理办法》，如实记录并保存相关凭证，做到可追溯。",
    ),
}


def chinese_date(day: dt.date | None) -> str:
    if day is None:
        return ""
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


def local_day(when: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(when).date() if when else None


def issuer() -> str:
    bureau = (
        OrgUnit.objects.filter(kind=OrgUnitKind.BUREAU, parent__isnull=True)
        .order_by("sort_order", "code")
        .first()
    )
    return bureau.name if bureau else ""


def _name(user: Any) -> str:  # a User or None (the nullable step fields)
    return (user.display_name or user.username) if user else ""


def _officer(user: User) -> dict[str, str]:
    try:
        badge = user.inspector_profile.badge_number
    except ObjectDoesNotExist:
        badge = _("未登记")
    return {"name": _name(user), "badge": badge}


@dataclass(frozen=True)
class PenaltyTerms:
    """The penalty as the documents state it: the case's 决定内容 as the deciding officer
    wrote it; the provision violated and the penalty provision from the discretion
    assessment (empty without one: the 决定内容 then states them); whether it holds a fine;
    whether it is a warning alone (no 三书同达)."""

    text: str
    violated: str
    basis: str
    has_fine: bool
    warning_only: bool


def penalty_terms(case: Case) -> PenaltyTerms:
    text = (case.decision_summary or case.proposed_action).strip().rstrip("。")
    is_penalty = case.outcome == DecisionOutcome.PENALTY
    try:
        violation = case.assessment.violation
    except ObjectDoesNotExist:
        violation = None
    kinds = set(case.penalties.values_list("kind", flat=True))
    if kinds:  # the penalties the decision fixed (penalty_services)
        has_fine = bool(kinds & AMOUNT_KINDS)
        warning_only = kinds == {PenaltyKind.WARNING}
    else:
        has_fine = bool(case.fine_total)
        warning_only = not case.execution_required and not case.fine_total
    return PenaltyTerms(
        text=text,
        violated=violation.violated if violation else "",
        basis=violation.basis if violation else "",
        has_fine=is_penalty and has_fine,
        warning_only=is_penalty and warning_only,
    )


def case_context(case: Case) -> dict[str, Any]:
    """The fields every case document carries."""
    entity = case.entity
    officers = [case.lead_officer, case.co_officer]
    return {
        "case_number": case.number,
        "case_title": case.title,
        "party_name": case.party_name,
        "party_credit_code": entity.uscc if entity else "",
        "party_address": entity.address if entity else "",
        "party_legal_representative": entity.legal_representative if entity else "",
        "product_class": case.get_product_class_display(),
        "station": case.org_unit.name,
        "officers": [_officer(u) for u in officers],
        "lead_officer": _name(case.lead_officer),
        "issuer": issuer() or case.org_unit.name,
        "issued_on": chinese_date(timezone.localdate()),
    }


def evidence_rows(case: Case) -> list[dict[str, str]]:
    items = case.evidence.filter(withdrawn_at__isnull=True).order_by("collected_on", "id")
    return [
        {
            "kind": str(e.get_kind_display()),
            "title": e.title,
            "collected_on": chinese_date(e.collected_on),
        }
        for e in items
    ]


def seized_rows(case: Case) -> list[dict[str, str]]:
    return [
        {
            "name": s.name,
            "quantity": f"{s.quantity.normalize():f}{s.quantity_unit}",
            "measure": str(s.get_measure_display()),
            "location": s.location,
        }
        for s in case.seized_items.order_by("seized_on", "id")
    ]


def filing_approval(case: Case) -> dict[str, Any]:
    source = case.get_source_display()
    return {
        **case_context(case),
        "source": f"{source}（{case.source_label}）" if case.source_label else source,
        "discovered_on": chinese_date(case.discovered_on),
        "summary": case.facts,
        "approval_opinion": case.filing_note or (_("同意立案") if case.filed_at else ""),
        "approved_by": _name(case.filed_by),
        "filed_on": chinese_date(local_day(case.filed_at)),
    }


def investigation_report(case: Case) -> dict[str, Any]:
    return {
        **case_context(case),
        "filed_on": chinese_date(local_day(case.filed_at)),
        "summary": case.facts,
        "evidence": evidence_rows(case),
        "facts": case.investigation_report,
        "seized": seized_rows(case),
        "conclusion": case.proposed_action,
    }


def penalty_notice(case: Case) -> dict[str, Any]:
    terms = penalty_terms(case)
    return {
        **case_context(case),
        "facts": case.investigation_report or case.facts,
        "legal_basis": terms.violated,
        "penalty_basis": terms.basis,
        "proposed_penalty": case.proposed_action.strip().rstrip("。"),
        # 行政处罚法 第六十三条: the hearing right for the heavier penalties; told always
        # here, since the party loses nothing by being told and a missed right voids it
        "hearing_right": True,
    }


def _statement_result(case: Case) -> str:
    if case.hearing_held_on:
        return _("当事人申请听证，本局于%(d)s举行了听证。") % {
            "d": chinese_date(case.hearing_held_on)
        }
    if case.statement:
        return _("当事人提出了陈述、申辩意见，本局进行了复核。")
    if case.statement_waived:
        return _("当事人明确表示放弃陈述、申辩和听证的权利。")
    return _("当事人在法定期限内未提出陈述、申辩和听证申请。")


def penalty_decision(case: Case) -> dict[str, Any]:
    terms = penalty_terms(case)
    return {
        **case_context(case),
        "issued_on": chinese_date(local_day(case.decided_at) or timezone.localdate()),
        "filed_on": chinese_date(local_day(case.filed_at)),
        "notified_on": chinese_date(case.notice_served_on),
        "statement_result": _statement_result(case),
        "facts": case.investigation_report or case.facts,
        "evidence": evidence_rows(case),
        "legal_basis": terms.violated,
        "penalty_basis": terms.basis,
        "penalty": terms.text,
        "has_fine": terms.has_fine,
        "review_body": _("%(g)s人民政府") % {"g": _district(case)},
    }


def _district(case: Case) -> str:
    """The district government (行政复议机关 of a district bureau since 2024)."""
    name = issuer() or case.org_unit.name
    return name.removesuffix("市场监督管理局")


def closing_approval(case: Case, decision: GeneratedDocument | None) -> dict[str, Any]:
    return {
        **case_context(case),
        "filed_on": chinese_date(local_day(case.filed_at)),
        "decision_number": decision.number if decision else "",
        "decided_on": chinese_date(local_day(case.decided_at)),
        "outcome": case.decision_summary or case.get_end_reason_display(),
        "execution": case.execution_note or case.get_execution_method_display(),
        "closing_reason": _closing_reason(case),
        "approved_by": _name(case.closed_by),
        "closed_on": chinese_date(local_day(case.closed_at)),
    }


def _closing_reason(case: Case) -> str:
    if case.end_reason:
        return str(case.get_end_reason_display())
    if case.outcome == DecisionOutcome.NO_PENALTY:
        return _("作出不予行政处罚决定")
    return _("行政处罚决定已执行完毕")


def credit_repair_notice(case: Case, decision: GeneratedDocument) -> dict[str, Any]:
    return {
        **case_context(case),
        "issued_on": chinese_date(local_day(case.decided_at) or timezone.localdate()),
        "decision_number": decision.number,
        "repair_wait": REPAIR_WAIT,
    }


def compliance_notice(case: Case) -> dict[str, Any]:
    reminders = REMINDERS.get(ProductClass(case.product_class), ())
    return {
        **case_context(case),
        "issued_on": chinese_date(local_day(case.decided_at) or timezone.localdate()),
        "reminders": list(reminders),
    }


def record_context(evidence: Evidence, *, person: str, person_role: str) -> dict[str, Any]:
    """询问笔录 / 现场笔录 from the evidence row they record."""
    return {
        **case_context(evidence.case),
        "recorded_at": chinese_date(evidence.collected_on),
        "place": evidence.place,
        "person": person,
        "person_role": person_role,
        "content": evidence.description,
        "recorded_on": chinese_date(evidence.collected_on),
    }


def delivery_context(delivery: DocumentDelivery) -> dict[str, Any]:
    served = "；".join(
        f"{d.title}（{d.number}）" if d.number else d.title
        for d in delivery.documents.order_by("id")
    )
    return {
        **case_context(delivery.case),
        "served_documents": served,
        "delivery_place": delivery.place,
        "delivery_method": delivery.get_method_display() if delivery.method else "",
        "delivered_on": chinese_date(delivery.delivered_on),
        "receiver": "",  # signed on paper; the recorded name stays sealed in the database
        "note": delivery.note,
    }


def transfer_context(
    case: Case, *, police_unit: str, suspected_crime: str, procuratorate: str
) -> dict[str, Any]:
    return {
        **case_context(case),
        "police_unit": police_unit,
        "suspected_crime": suspected_crime,
        "facts": case.investigation_report or case.facts,
        "evidence": evidence_rows(case),
        "procuratorate": procuratorate,
    }
