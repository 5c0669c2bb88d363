"""The case reports: the monthly typical-case report (yeji 附件8) as .docx and the case
statistics as .xlsx through the tabular layer.

The typical-case report follows the reference template: 填报单位, 填报日期, then per case
"××所（队）报送××案", 一、案情概述, 二、查办结果, and the case's 行政处罚决定书 attached —
the stored decision's body (its digest checked on the read) copied in after a page break,
so the report is one file to send.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn

from yaoan.cases import documents as kinds
from yaoan.cases.document_context import chinese_date, issuer
from yaoan.cases.enums import CaseStatus, DecisionOutcome
from yaoan.cases.models import Case, TypicalCase
from yaoan.cases.queries import cases_visible_to
from yaoan.core import audit
from yaoan.core.documents import services as documents
from yaoan.core.documents.layout import OfficialDocument
from yaoan.core.models import GeneratedDocument, OrgUnit, User
from yaoan.core.tabular.export import ExportColumn, export_table
from yaoan.registry.enums import ProductClass

REPORT_TITLE = gettext_lazy("药品安全典型案例报送")
STATISTICS_ACTION = "cases.case.statistics_exported"
REPORT_ACTION = "cases.typicalcase.report_generated"


def typical_cases(user: User, month: dt.date, org_unit: OrgUnit | None = None) -> QuerySet[Any]:
    """The month's typical cases the user may see, by unit."""
    qs = TypicalCase.objects.filter(month=month.replace(day=1), case__in=cases_visible_to(user))
    if org_unit is not None:
        qs = qs.filter(org_unit=org_unit)
    return qs.select_related("case", "org_unit").order_by(
        "org_unit__sort_order", "org_unit__code", "id"
    )


def unit_label(unit: OrgUnit) -> str:
    """ "江城所" from 江城市场监督管理所; a unit with a short name uses it."""
    if unit.short_name:
        return unit.short_name
    return unit.name.replace("市场监督管理所", "所").replace("市场监督管理局", "局")


def case_label(case: Case) -> str:
    """The case's name in the report: the party and the cause, "…案"."""
    title = case.title.removesuffix("案")
    return f"{case.party_name}{title}案"


def _page_break(doc: OfficialDocument) -> None:
    doc.paragraph().add_run().add_break(WD_BREAK.PAGE)


def _append_body(target: OfficialDocument, content: bytes) -> None:
    """Copy a stored document's paragraphs and tables to the end of the report."""
    source = Document(io.BytesIO(content)).element.body
    body = target.document.element.body
    end = body.find(qn("w:sectPr"))
    for element in list(source):
        if element.tag == qn("w:sectPr"):
            continue
        clone = copy.deepcopy(element)
        if end is not None:
            end.addprevious(clone)
        else:
            body.append(clone)


def _decision(case: Case) -> GeneratedDocument | None:
    if case.outcome != DecisionOutcome.PENALTY:
        return None
    return documents.latest_document(kinds.PENALTY_DECISION, case)


def _write_case(doc: OfficialDocument, typical: TypicalCase, actor: User) -> None:
    case = typical.case
    doc.heading(
        _("%(unit)s报送%(case)s") % {"unit": unit_label(typical.org_unit), "case": case_label(case)}
    )
    doc.heading(_("一、案情概述"))
    for line in typical.overview.splitlines():
        if line.strip():
            doc.paragraph(line.strip(), indent=True)
    doc.heading(_("二、查办结果"))
    for line in typical.result.splitlines():
        if line.strip():
            doc.paragraph(line.strip(), indent=True)
    decision = _decision(case)
    if decision is not None:
        doc.paragraph(_("附：行政处罚决定书（%(n)s）") % {"n": decision.number})
        _page_break(doc)
        _append_body(doc, documents.read_document(decision, actor=actor))


def _reader_unit(actor: User) -> str:
    return actor.org_unit.name if actor.org_unit else ""


def typical_case_report(*, actor: User, month: dt.date, org_unit: OrgUnit | None = None) -> bytes:
    """The month's report of the cases the user may see (one unit's, or every unit's)."""
    chosen = list(typical_cases(actor, month, org_unit))
    doc = OfficialDocument()
    doc.title(str(REPORT_TITLE))
    doc.labelled(_("填报单位"), org_unit.name if org_unit else issuer() or _reader_unit(actor))
    doc.labelled(_("填报日期"), chinese_date(timezone.localdate()))
    doc.labelled(_("报送月份"), _("%(y)d年%(m)d月") % {"y": month.year, "m": month.month})
    if not chosen:
        doc.paragraph(_("本月没有报送的典型案例。"), indent=True)
    for index, typical in enumerate(chosen):
        if index:
            _page_break(doc)
        _write_case(doc, typical, actor)
    with transaction.atomic():
        audit.record(
            REPORT_ACTION,
            actor=actor,
            object_type="cases.typicalcase",
            after={
                "month": f"{month:%Y-%m}",
                "unit": org_unit.name if org_unit else "",
                "cases": [t.case.number for t in chosen],
            },
        )
    return doc.to_bytes()


# --- statistics ------------------------------------------------------------------------------


OUTCOME_LABELS = {
    CaseStatus.NOT_FILED: gettext_lazy("不予立案"),
    CaseStatus.REVOKED: gettext_lazy("撤销立案"),
    CaseStatus.TERMINATED: gettext_lazy("终止调查"),
    CaseStatus.TRANSFERRED: gettext_lazy("移交其他机关"),
}


def outcome_label(status: str, outcome: str) -> str:
    if status in OUTCOME_LABELS:
        return str(OUTCOME_LABELS[CaseStatus(status)])
    if outcome:
        return str(DecisionOutcome(outcome).label)
    return _("办理中")


@dataclass
class StatisticsRow:
    month: str
    product_class: str
    violation: str
    station: str
    outcome: str
    cases: int = 0
    fines: Decimal = Decimal(0)


def statistics_rows(cases: QuerySet[Case]) -> list[StatisticsRow]:
    """Counts and fines by month (of 立案, or of registration for a case never filed),
    product class, violation (the discretion baseline's, else the 案由), station and
    outcome."""
    grouped = (
        cases.annotate(
            month=TruncMonth(Coalesce("filed_at", "created_at")),
            # the baseline's violation when the case was assessed, else its 案由
            violation=Coalesce("assessment__violation__name", "title"),
        )
        .values("month", "product_class", "violation", "org_unit__name", "status", "outcome")
        .annotate(n=Count("id"), fines=Sum("fine_total"))
        .order_by()
    )
    rows: dict[tuple[str, ...], StatisticsRow] = {}
    for g in grouped:
        key = (
            f"{g['month']:%Y-%m}",
            str(ProductClass(g["product_class"]).label),
            g["violation"],
            g["org_unit__name"],
            outcome_label(g["status"], g["outcome"]),
        )
        row = rows.setdefault(key, StatisticsRow(*key))
        row.cases += g["n"]
        row.fines += g["fines"] or Decimal(0)
    return [rows[k] for k in sorted(rows)]


def statistics_columns() -> list[ExportColumn[StatisticsRow]]:
    return [
        ExportColumn(_("月份"), lambda r: r.month, identifier=True),
        ExportColumn(_("产品类别"), lambda r: r.product_class),
        ExportColumn(_("违法类型"), lambda r: r.violation),
        ExportColumn(_("承办单位"), lambda r: r.station),
        ExportColumn(_("处理结果"), lambda r: r.outcome),
        ExportColumn(_("案件数"), lambda r: r.cases),
        ExportColumn(_("罚没款（元）"), lambda r: f"{r.fines:.2f}"),
    ]


def totals_by(rows: Iterable[StatisticsRow], attribute: str) -> dict[str, int]:
    """Case counts by one dimension (the page's summary tables)."""
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        totals[getattr(row, attribute)] += row.cases
    return dict(sorted(totals.items()))


def export_statistics(
    *, actor: User, cases: QuerySet[Case], filters: Mapping[str, Any]
) -> IO[bytes]:
    """The statistics of the cases given (scoped and filtered by the caller), audited."""
    return export_table(
        actor=actor,
        action=STATISTICS_ACTION,
        object_type="cases.case",
        rows=statistics_rows(cases),
        columns=statistics_columns,
        title=gettext_lazy("案件统计"),
        sheet_name=gettext_lazy("案件统计"),
        filters=filters,
    )
