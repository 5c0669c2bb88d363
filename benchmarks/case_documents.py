"""The full document set of one case, timed, for benchmarks/cases.py.

A fresh case goes through the procedure by its own services (cases.services,
cases.evidence_services) and every document of an ordinary penalty case is printed at the
step it belongs to through cases.document_services — the same calls the pages make:

  立案审批表 (filed) → 询问笔录 and 现场笔录 (their evidence rows) → 调查终结报告 →
  行政处罚告知书 with its 送达回证 → 三书同达: 行政处罚决定书, 信用修复告知书,
  合规提醒告知书 with their 送达回证 → 结案审批表 (executed).

Only the printing is timed (each document rendered from its template, numbered, its file
written with its SM3 digest, audited); the procedure's own steps are not. The notice is
served a fortnight back so that the statement period has run when the decision is taken
(the decision is refused before, SECURITY.md S19). The 涉嫌犯罪案件移送书 belongs to a
transfer to the police, not to this set.

Yardstick: one 责令改正通知书 (inspections) rendered from its default template with its
sample values — the document layer's cost of a single .docx, nothing stored.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import statistics
import time
from collections.abc import Callable
from typing import Any

OFFICER = "qj.case"
CHIEF = "qj.chief"
ENFORCEMENT_UNIT = "qj-enforcement"
# an 8×8 PNG: the photo evidence's file (the attachment layer checks the type by content)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000080000000808020000004b6d29dc0000001449444154789c63"
    "3c2127c7800d3061151db41200d0ca01143e63a8990000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"  # the signed 回证's scan


def measure_document_sets(sets: int) -> dict[str, Any]:
    """Times of ``sets`` cases' document sets; or why they are not measured."""
    if importlib.util.find_spec("yaoan.cases.document_services") is None:
        return {"missing": "the case documents are not in this build (casedocs)"}
    from yaoan.core.models import GeneratedDocument

    people = participants()
    totals: list[float] = []
    per_document: dict[str, float] = {}
    documents = 0
    for n in range(sets):
        before = GeneratedDocument.objects.count()
        timings = one_case(people, n)
        documents = GeneratedDocument.objects.count() - before
        total = sum(timings.values())
        if not totals or total > max(totals):
            per_document = timings
        totals.append(total)
    return {
        "sets_s": [t / 1000 for t in totals],
        "median_s": statistics.median(totals) / 1000,
        "documents": documents,
        "per_document_ms": per_document,
        "yardstick_ms": yardstick_ms(),
    }


def participants() -> dict[str, Any]:
    """The case's two officers, the chief who approves, the legal reviewer: the demo's, or
    an account added in the 支队 (case_rows adds officers) or the drug section."""
    from yaoan.core.enums import Role
    from yaoan.core.models import OrgUnit, RoleAssignment, User

    lead, chief = User.objects.get(username=OFFICER), User.objects.get(username=CHIEF)
    co = (
        User.objects.filter(
            org_unit__code=ENFORCEMENT_UNIT,
            is_active=True,
            role_assignments__role=Role.CASE_OFFICER,
        )
        .exclude(pk=lead.pk)
        .order_by("id")
        .first()
    )
    reviewer = (
        User.objects.filter(is_active=True, role_assignments__role=Role.LEGAL_REVIEWER)
        .order_by("id")
        .first()
    )
    if co is None:
        co = User.objects.create(
            username="bench.case.co", display_name="协办执法员", password="!",  # noqa: S106
            org_unit=OrgUnit.objects.get(code=ENFORCEMENT_UNIT),
        )  # fmt: skip
        RoleAssignment.objects.create(user=co, role=Role.CASE_OFFICER)
    if reviewer is None:
        reviewer = User.objects.create(
            username="bench.legal", display_name="法制审核员", password="!",  # noqa: S106
            org_unit=chief.org_unit,
        )  # fmt: skip
        RoleAssignment.objects.create(user=reviewer, role=Role.LEGAL_REVIEWER)
    return {"lead": lead, "co": co, "chief": chief, "reviewer": reviewer}


def one_case(people: dict[str, Any], n: int) -> dict[str, float]:
    """Document name → ms spent printing it, over one case's whole procedure."""
    from django.utils import timezone

    from yaoan.cases import document_services as docs
    from yaoan.cases import documents as kinds
    from yaoan.cases import evidence_services as evidence
    from yaoan.cases import services
    from yaoan.cases.models import Violation
    from yaoan.cases.opening import CaseInput
    from yaoan.cases.penalty_services import Proposal, assess_case, suggestion_for
    from yaoan.registry.models import Entity

    lead, chief, reviewer = people["lead"], people["chief"], people["reviewer"]
    today = timezone.localdate()
    timings: dict[str, float] = {}

    def timed(name: str, call: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        result = call()
        timings[name] = (time.perf_counter() - t0) * 1000
        return result

    entity = Entity.objects.filter(is_deleted=False).order_by("id")[n]
    case = services.open_case(
        actor=lead,
        data=CaseInput(
            title=f"{entity.name}销售过期药品案",
            facts="执法人员检查时发现该店货架上陈列销售已过有效期的药品12盒。",
            lead_officer=lead,
            co_officer=people["co"],
            source="inspection",
            product_class="drug",
            entity=entity,
            discovered_on=today - dt.timedelta(days=40),
        ),
    )
    case = services.approve_filing(case, actor=chief, note="符合立案条件，同意立案。")
    print_ = docs.print_case_document
    timed("立案审批表", lambda: print_(actor=lead, case=case, kind=kinds.FILING_APPROVAL))
    for kind, title, name in (("inquiry", "询问笔录（店长）", "询问笔录"),
                              ("site_record", "现场笔录", "现场笔录")):  # fmt: skip
        item = evidence.record_evidence(
            case, actor=lead, kind=kind, title=title, collected_on=today - dt.timedelta(days=30)
        )
        timed(name, lambda item=item: docs.print_record(actor=lead, evidence=item))
    evidence.record_evidence(
        case, actor=lead, kind="photo", title="货架陈列过期药品照片",
        file=evidence.EvidenceFile(name="shelf.png", content=PNG),
    )  # fmt: skip
    case = services.finish_investigation(
        case, actor=lead, report="经查，当事人销售过期药品12盒，货值金额360元。",
        proposal="依据《药品管理法》第一百一十七条，没收过期药品并处罚款。",
    )  # fmt: skip
    timed("调查终结报告", lambda: print_(actor=lead, case=case, kind=kinds.INVESTIGATION_REPORT))
    case = services.review(case, actor=chief, opinion="事实清楚，同意处理建议。")
    case = services.legal_review(case, actor=reviewer, opinion="证据确实充分，适用依据正确。")
    # the notice states the proposed penalty: the baseline's suggestion, taken as proposed
    violation = Violation.objects.get(code="drug.gsp")
    suggested = suggestion_for(violation, [], goods_value=None, illegal_income=None)
    assess_case(
        case, actor=lead, violation=violation, circumstance_ids=[], goods_value=None,
        illegal_income=None, proposal=Proposal(kinds=suggested.kinds, fine=suggested.fine),
    )  # fmt: skip
    notice = timed("行政处罚告知书",
                   lambda: print_(actor=lead, case=case, kind=kinds.PENALTY_NOTICE))  # fmt: skip
    timed("告知书送达回证", lambda: docs.prepare_delivery(actor=lead, case=case, docs=[notice]))
    case = services.serve_notice(case, actor=lead, served_on=today - dt.timedelta(days=14))
    case = services.decide(
        case, actor=chief, outcome="penalty", summary="警告，并处罚款（按裁量建议）。"
    )
    delivery = timed("三书同达（决定书、两份告知书、送达回证）",
                     lambda: docs.issue_decision_set(actor=lead, case=case))  # fmt: skip
    docs.record_document_delivery(
        actor=lead, delivery=delivery, method="direct", delivered_on=today, receiver="店长",
        receipt=(PDF, "receipt.pdf"),
    )  # fmt: skip
    case.refresh_from_db()
    case = services.record_execution(case, actor=lead, method="paid", note="罚没款已缴纳。")
    timed("结案审批表", lambda: print_(actor=lead, case=case, kind=kinds.CLOSING_APPROVAL))
    return timings


def yardstick_ms(rounds: int = 5) -> float:
    """The median time to render one 责令改正通知书 from its default template."""
    from yaoan.core.documents.kinds import document_kind
    from yaoan.core.documents.rendering import render_docx
    from yaoan.core.documents.services import default_template

    kind = document_kind("inspections.rectification_notice")
    template, context = default_template(kind), kind.sample_context()
    times = []
    for _round in range(rounds):
        t0 = time.perf_counter()
        render_docx(template, context)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)
