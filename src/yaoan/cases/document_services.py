"""Printing a case's documents and delivering them: the only writers of case documents and
of their deliveries (atomic, audited; the files themselves through core.documents).

- ``print_case_document``: one document about the case, refused in the wrong state;
  printing again returns the stored one while the case is unchanged, a new version when it
  has changed.
- ``issue_decision_set``: 三书同达 — the 行政处罚决定书 with the 信用修复告知书 and the
  合规提醒（企业赋能）告知书, printed together and put in one delivery (not for 简易程序
  nor for a warning alone: then the decision goes alone).
- ``prepare_delivery`` / ``record_document_delivery``: the 送达回证 listing what is
  served, then how, when and who signed, with the signed receipt or the electronic
  confirmation stored as an attachment; the decision's delivery also takes the case's
  送达 step, the 告知书's delivery its 告知 step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.cases import document_context as ctx
from yaoan.cases import documents as kinds
from yaoan.cases import services
from yaoan.cases.enums import CaseStatus, DecisionOutcome, DeliveryMethod, EvidenceKind
from yaoan.cases.models import Case, DocumentDelivery, Evidence
from yaoan.cases.rules import can_handle_case
from yaoan.common.errors import ILLEGAL_TRANSITION, INVALID, invalid
from yaoan.core import audit
from yaoan.core.attachments import store_attachment
from yaoan.core.documents import services as documents
from yaoan.core.enums import AttachmentPolicy
from yaoan.core.models import GeneratedDocument, User

CASE_KINDS = frozenset(
    {
        kinds.FILING_APPROVAL,
        kinds.INVESTIGATION_REPORT,
        kinds.PENALTY_NOTICE,
        kinds.PENALTY_DECISION,
        kinds.CLOSING_APPROVAL,
        kinds.CREDIT_REPAIR_NOTICE,
        kinds.COMPLIANCE_NOTICE,
    }
)
RECORD_KINDS = {EvidenceKind.INQUIRY: kinds.INQUIRY_RECORD}
RECORD_KINDS[EvidenceKind.SITE_RECORD] = kinds.SITE_RECORD
# a delivery is proven by the signed 送达回证 (or the electronic confirmation); on the
# spot the party signs the decision itself, and a 公告送达 is proven by the notice
NO_RECEIPT_NEEDED = frozenset({DeliveryMethod.ON_SPOT, DeliveryMethod.PUBLIC})


def _may_see(actor: User, kind: str, subject_id: int) -> None:
    if not documents.document_kind(kind).visible(actor, subject_id):
        raise PermissionDenied(_("您无权查看该案件。"))


def _may_handle(actor: User, case: Case) -> None:
    if not can_handle_case(actor, case):
        raise PermissionDenied(_("只有本案执法人员或其负责人可以办理送达。"))


def _check_state(case: Case, kind: str) -> None:
    if case.status not in kinds.PRINTABLE[kind]:
        raise invalid(ILLEGAL_TRANSITION, str(kinds.WRONG_STATE[kind]))


def _store(
    actor: User, kind: str, subject: object, context: dict[str, object], number: str = ""
) -> GeneratedDocument:
    """Print, or fetch the stored print while the record is unchanged; a new version
    (under the same 文号) when it has changed since."""
    latest = documents.latest_document(kind, subject)  # type: ignore[arg-type]
    changed = latest is not None and documents.differs(latest, context)
    keep = number or (latest.number if latest else "")
    return documents.generate_document(
        actor=actor,
        kind=kind,
        subject=subject,  # type: ignore[arg-type]
        context=context,
        number_prefix=None if keep else kinds.PREFIXES[kind],
        number=keep,
        new_version=changed,
    )


def _decision_only_reason(case: Case) -> str:
    """Why the decision goes without the two notices, or "" for 三书同达."""
    if case.is_simple:
        return _("简易程序案件不适用三书同达")
    if ctx.penalty_terms(case).warning_only:
        return _("仅给予警告的案件不适用三书同达")
    return ""


def _check_decision(case: Case, kind: str) -> None:
    _check_state(case, kind)
    if case.outcome != DecisionOutcome.PENALTY:
        raise invalid(ILLEGAL_TRANSITION, _("不予行政处罚的案件没有行政处罚决定书"))
    if kind != kinds.PENALTY_DECISION:
        reason = _decision_only_reason(case)
        if reason:
            raise invalid(ILLEGAL_TRANSITION, reason)


def _case_context(case: Case, kind: str) -> dict[str, object]:
    if kind == kinds.FILING_APPROVAL:
        return ctx.filing_approval(case)
    if kind == kinds.INVESTIGATION_REPORT:
        return ctx.investigation_report(case)
    if kind == kinds.PENALTY_NOTICE:
        return ctx.penalty_notice(case)
    if kind == kinds.PENALTY_DECISION:
        return ctx.penalty_decision(case)
    if kind == kinds.COMPLIANCE_NOTICE:
        return ctx.compliance_notice(case)
    decision = documents.latest_document(kinds.PENALTY_DECISION, case)
    if kind == kinds.CLOSING_APPROVAL:
        return ctx.closing_approval(case, decision)
    if decision is None:
        raise invalid(ILLEGAL_TRANSITION, _("请先打印行政处罚决定书"))
    return ctx.credit_repair_notice(case, decision)


def print_case_document(*, actor: User, case: Case, kind: str) -> GeneratedDocument:
    """One document about the case; refused for an unknown kind, a reader outside the
    case's scope, or a case in a state where the document does not apply."""
    if kind not in CASE_KINDS:
        raise invalid(INVALID, _("未知的文书类型"))
    _may_see(actor, kind, case.pk)
    if kind in kinds.DECISION_SET:
        _check_decision(case, kind)
    else:
        _check_state(case, kind)
    return _store(actor, kind, case, _case_context(case, kind))


def print_record(*, actor: User, evidence: Evidence) -> GeneratedDocument:
    """The 询问笔录 or 现场笔录 of an evidence row of that kind, during the investigation;
    the person's name is written and signed on paper, never stored in the print."""
    kind = RECORD_KINDS.get(EvidenceKind(evidence.kind))
    if kind is None:
        raise invalid(INVALID, _("只有询问笔录、现场笔录类证据可以打印笔录"))
    _may_see(actor, kind, evidence.pk)
    _check_state(evidence.case, kind)
    return _store(actor, kind, evidence, ctx.record_context(evidence, person="", person_role=""))


def print_criminal_transfer(
    *, actor: User, case: Case, police_unit: str, suspected_crime: str, procuratorate: str = ""
) -> GeneratedDocument:
    """The 涉嫌犯罪案件移送书 with the case's evidence list (行刑衔接 calls this)."""
    kind = kinds.CRIMINAL_TRANSFER
    _may_see(actor, kind, case.pk)
    _check_state(case, kind)
    if not police_unit.strip():
        raise invalid(INVALID, _("请填写接收移送的公安机关"), field="police_unit")
    if not suspected_crime.strip():
        raise invalid(INVALID, _("请填写涉嫌罪名"), field="suspected_crime")
    if not ctx.evidence_rows(case):
        raise invalid(INVALID, _("移送涉嫌犯罪案件须附证据清单：本案尚无证据"))
    context = ctx.transfer_context(
        case,
        police_unit=police_unit.strip(),
        suspected_crime=suspected_crime.strip(),
        procuratorate=procuratorate.strip(),
    )
    return _store(actor, kind, case, context)


# --- deliveries ------------------------------------------------------------------------------


def _receipt_for(actor: User, delivery: DocumentDelivery) -> GeneratedDocument:
    return _store(actor, kinds.DELIVERY_RECEIPT, delivery, ctx.delivery_context(delivery))


@transaction.atomic
def prepare_delivery(
    *, actor: User, case: Case, docs: Sequence[GeneratedDocument], decision_set: bool = False
) -> DocumentDelivery:
    """Put printed documents of the case into one delivery and print its 送达回证."""
    _may_handle(actor, case)
    _check_state(case, kinds.DELIVERY_RECEIPT)
    if not docs:
        raise invalid(INVALID, _("请选择要送达的文书"), field="documents")
    label = audit.object_label(case)
    for doc in docs:
        if doc.subject_type != label or doc.subject_id != case.pk:
            raise invalid(INVALID, _("所选文书不属于本案件"), field="documents")
    delivery = DocumentDelivery.objects.create(
        case=case,
        is_decision_set=decision_set,
        place=case.entity.address if case.entity else "",
        prepared_by=actor,
        prepared_at=timezone.now(),
    )
    delivery.documents.set(docs)
    delivery.receipt_document = _receipt_for(actor, delivery)
    delivery.save(update_fields=["receipt_document"])
    audit.record(
        "cases.documentdelivery.prepared",
        actor=actor,
        obj=delivery,
        after={
            "case": case.number,
            "documents": [d.number or d.title for d in docs],
            "receipt": delivery.receipt_document.number,
            "decision_set": decision_set,
        },
    )
    return delivery


@transaction.atomic
def issue_decision_set(*, actor: User, case: Case) -> DocumentDelivery:
    """三书同达: print the decision and, unless the case is 简易程序 or a warning alone,
    the 信用修复告知书 and the 合规提醒告知书; put them in one delivery."""
    _may_handle(actor, case)
    decision = print_case_document(actor=actor, case=case, kind=kinds.PENALTY_DECISION)
    docs = [decision]
    if not _decision_only_reason(case):
        for kind in (kinds.CREDIT_REPAIR_NOTICE, kinds.COMPLIANCE_NOTICE):
            docs.append(print_case_document(actor=actor, case=case, kind=kind))
    pending = case.document_deliveries.filter(is_decision_set=True, delivered_on__isnull=True)
    for delivery in pending:  # an earlier unserved set (the decision was reprinted)
        if set(delivery.documents.values_list("pk", flat=True)) == {d.pk for d in docs}:
            return delivery
    return prepare_delivery(actor=actor, case=case, docs=docs, decision_set=True)


def _check_delivery_input(
    delivery: DocumentDelivery, method: str, delivered_on: dt.date, receipt: bool, note: str
) -> None:
    if delivery.is_done:
        raise invalid(ILLEGAL_TRANSITION, _("该送达已登记"))
    if method not in DeliveryMethod.values:
        raise invalid(INVALID, _("送达方式取值无效"), field="method")
    today = timezone.localdate()
    prepared = timezone.localtime(delivery.prepared_at).date()
    if delivered_on > today or delivered_on < prepared:
        raise invalid(INVALID, _("送达日期须在文书制作之后、今天之前（含）"), field="delivered_on")
    if method not in NO_RECEIPT_NEEDED and not receipt:
        raise invalid(INVALID, _("请上传签收的送达回证或电子送达确认"), field="receipt")
    if method == DeliveryMethod.PUBLIC and not note.strip():
        raise invalid(INVALID, _("公告送达须在备注中写明公告的载体和日期"), field="note")


@transaction.atomic
def record_document_delivery(
    *,
    actor: User,
    delivery: DocumentDelivery,
    method: str,
    delivered_on: dt.date,
    receiver: str = "",
    note: str = "",
    receipt: tuple[bytes, str] | None = None,
) -> DocumentDelivery:
    """Record that the delivery was made; the 送达回证 is reprinted with how and when. For
    the decision set of a case awaiting 送达, and for the 告知书 of a case awaiting 告知,
    the case's own step is taken too (the statement period runs from this date)."""
    delivery = DocumentDelivery.objects.select_for_update().get(pk=delivery.pk)
    case = delivery.case
    _may_handle(actor, case)
    _check_delivery_input(delivery, method, delivered_on, receipt is not None, note)
    before = audit.snapshot(delivery)
    if receipt is not None:
        content, name = receipt
        delivery.receipt = store_attachment(
            actor=actor,
            subject=case,
            content=content,
            name=name,
            policy=AttachmentPolicy.DOCUMENT,
            label=_("送达回证（签收）"),
            personal=True,
        )
    delivery.method = method
    delivery.delivered_on = delivered_on
    delivery.receiver = receiver.strip()[:50]
    delivery.note = note.strip()[:200]
    delivery.recorded_by = actor
    delivery.recorded_at = timezone.now()
    delivery.save()
    delivery.receipt_document = _receipt_for(actor, delivery)
    delivery.save(update_fields=["receipt_document"])
    audit.record(
        "cases.documentdelivery.recorded",
        actor=actor,
        obj=delivery,
        before=before,
        after=audit.snapshot(delivery),
    )
    if delivery.is_decision_set and case.status == CaseStatus.DECIDED:
        _take_delivery_step(actor, case, delivery)
    elif case.status == CaseStatus.PENDING_NOTICE and _holds(delivery, kinds.PENALTY_NOTICE):
        # the 告知书 served: the party's 5 working days run from this delivery
        services.serve_notice(case, actor=actor, served_on=delivered_on, method=method)
    return delivery


def _holds(delivery: DocumentDelivery, kind: str) -> bool:
    return delivery.documents.filter(kind=kind).exists()


def _take_delivery_step(actor: User, case: Case, delivery: DocumentDelivery) -> None:
    numbers = "、".join(d.number for d in delivery.documents.order_by("id") if d.number)
    services.record_delivery(
        case,
        actor=actor,
        delivered_on=delivery.delivered_on,
        method=delivery.method,
        note=_("三书同达：%(n)s") % {"n": numbers},
    )


def decision_delivered(case: Case) -> bool:
    """Whether the decision set has been served (a guard the 送达 step may use)."""
    return case.document_deliveries.filter(
        is_decision_set=True, delivered_on__isnull=False
    ).exists()


def print_all_documents(*, actor: User, case: Case) -> list[GeneratedDocument]:
    """Every document the case's state allows: the case's own kinds, the 笔录 of its
    inquiry and site-record evidence, and the 三书同达 notices where they apply (stored
    ones are returned as they are). The benchmark's "full document set of one case"."""
    printed = []
    for kind in kinds.CASE_BUTTONS:
        if case.status in kinds.PRINTABLE[kind] and (
            kind != kinds.PENALTY_DECISION or case.outcome == DecisionOutcome.PENALTY
        ):
            printed.append(print_case_document(actor=actor, case=case, kind=kind))
    if kinds.offers_decision_set(case) and not _decision_only_reason(case):
        for kind in (kinds.CREDIT_REPAIR_NOTICE, kinds.COMPLIANCE_NOTICE):
            printed.append(print_case_document(actor=actor, case=case, kind=kind))
    if case.status in kinds.PRINTABLE[kinds.INQUIRY_RECORD]:
        records = case.evidence.filter(kind__in=RECORD_KINDS, withdrawn_at__isnull=True)
        printed += [print_record(actor=actor, evidence=e) for e in records.order_by("id")]
    return printed
