"""The monthly typical-case report's writers (yeji 附件8): a unit reports 1–2 cases a month,
chosen among the cases decided with a penalty (or ended by transfer to the judicial
organs) in the report's year, each with its 案情概述 and 查办结果 as the unit writes them.
Choosing a penalty case prints its 行政处罚决定书, which the report attaches."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.cases import document_services
from yaoan.cases import documents as kinds
from yaoan.cases.document_context import chinese_date, local_day
from yaoan.cases.enums import CaseStatus, DecisionOutcome, EndReason
from yaoan.cases.models import Case, TypicalCase
from yaoan.cases.queries import cases_visible_to
from yaoan.cases.rules import can_handle_case
from yaoan.common.errors import INVALID, REASON_REQUIRED, invalid
from yaoan.core import audit
from yaoan.core.models import User

PER_UNIT_AND_MONTH = 2
TEXT_LIMIT = 4000
DECIDED = (CaseStatus.DECIDED, CaseStatus.DELIVERED, CaseStatus.EXECUTED, CaseStatus.CLOSED)


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def is_reportable(case: Case) -> bool:
    """Decided with a penalty, or ended because it was handed to the judicial organs."""
    if case.status in DECIDED and case.outcome == DecisionOutcome.PENALTY:
        return True
    return case.status == CaseStatus.TERMINATED and case.end_reason == EndReason.CRIME


def _reported_day(case: Case) -> dt.date | None:
    return local_day(case.decided_at or case.closed_at)


def suggested_overview(case: Case) -> str:
    """The 案情概述 prefilled from the case: the violation, the investigation, the goods."""
    parts = [case.investigation_report or case.facts]
    seized = [f"{s.name}（{s.get_measure_display()}）" for s in case.seized_items.all()]
    if seized:
        parts.append(_("查控问题产品：%(s)s。") % {"s": "、".join(seized)})
    return "\n".join(p for p in parts if p)


def suggested_result(case: Case) -> str:
    """The 查办结果 prefilled: the decision with its date, or the transfer."""
    if case.outcome == DecisionOutcome.PENALTY:
        return _("%(d)s作出行政处罚决定：%(s)s") % {
            "d": chinese_date(local_day(case.decided_at)),
            "s": case.decision_summary,
        }
    return _("涉嫌犯罪，已移送司法机关。")


def _check(case: Case, month: dt.date, overview: str, result: str) -> None:
    if not is_reportable(case):
        raise invalid(INVALID, _("只能报送已作出行政处罚决定或已移送司法机关的案件"), field="case")
    day = _reported_day(case)
    if day is None or day.year != month.year or day > timezone.localdate():
        raise invalid(INVALID, _("只能报送当年作出处罚决定或移送的案件"), field="month")
    if not overview.strip():
        raise invalid(INVALID, _("请填写案情概述"), field="overview")
    if not result.strip():
        raise invalid(INVALID, _("请填写查办结果"), field="result")
    if len(overview) > TEXT_LIMIT or len(result) > TEXT_LIMIT:
        raise invalid(INVALID, _("案情概述、查办结果各不超过4000字"), field="overview")
    if TypicalCase.objects.filter(case=case).exists():
        raise invalid(INVALID, _("该案件已报送过典型案例"), field="case")
    taken = TypicalCase.objects.filter(org_unit=case.org_unit_id, month=month).count()
    if taken >= PER_UNIT_AND_MONTH:
        raise invalid(
            INVALID,
            _("每个单位每月报送1至2个典型案例：%(u)s本月已报送%(n)d个")
            % {"u": case.org_unit.name, "n": taken},
            field="case",
        )


@transaction.atomic
def report_typical_case(
    *, actor: User, case: Case, month: dt.date, overview: str, result: str
) -> TypicalCase:
    """Report the case as one of its unit's typical cases of ``month``."""
    if not cases_visible_to(actor).filter(pk=case.pk).exists() or not can_handle_case(actor, case):
        raise PermissionDenied(_("只有本案执法人员或其负责人可以报送典型案例。"))
    case = Case.objects.select_for_update().get(pk=case.pk)
    month = first_of_month(month)
    _check(case, month, overview, result)
    if case.outcome == DecisionOutcome.PENALTY:
        document_services.print_case_document(actor=actor, case=case, kind=kinds.PENALTY_DECISION)
    typical = TypicalCase.objects.create(
        case=case,
        org_unit=case.org_unit,
        month=month,
        overview=overview.strip(),
        result=result.strip(),
        selected_by=actor,
        selected_at=timezone.now(),
    )
    audit.record(
        "cases.typicalcase.reported", actor=actor, obj=typical, after=audit.snapshot(typical)
    )
    return typical


@transaction.atomic
def withdraw_typical_case(*, actor: User, typical: TypicalCase, reason: str) -> None:
    """Take a case off the month's report (before it is sent); the reason is audited."""
    if not can_handle_case(actor, typical.case):
        raise PermissionDenied(_("只有本案执法人员或其负责人可以撤回典型案例。"))
    if not reason.strip():
        raise invalid(REASON_REQUIRED, _("请填写撤回原因"), field="reason")
    before = audit.snapshot(typical)
    typical.delete()
    audit.record(
        "cases.typicalcase.withdrawn",
        actor=actor,
        object_type="cases.typicalcase",
        before=before,
        reason=reason.strip(),
    )
