"""Read-side querysets of transfers, supervisions and escalations, scoped like their
case (S9): a station sees its own cases', the district-wide units all. The register and
the supervision list take their due date and overdue flag from the deadline records in
the same query (no query per row)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, QuerySet, Subquery

from yaoan.cases.beyond_enums import SupervisionStatus
from yaoan.cases.beyond_rules import can_read_beyond
from yaoan.cases.models import CaseEscalation, CaseSupervision, CriminalTransfer
from yaoan.core.deadlines import LIVE, row_deadlines
from yaoan.core.enums import DeadlineState
from yaoan.core.models import User
from yaoan.core.scoping import visible_to

TRANSFER_TYPE = "cases.criminaltransfer"
SUPERVISION_TYPE = "cases.casesupervision"
DENIED = "cases.access.denied"
ROW_RELATED = ("case", "case__org_unit", "case__entity")


def _scoped(user: User, qs: QuerySet[Any]) -> QuerySet[Any]:
    if not can_read_beyond(user):
        return qs.none()
    return visible_to(user, qs, station="case__org_unit")


def transfers_visible_to(user: User) -> QuerySet[CriminalTransfer]:
    return _scoped(user, CriminalTransfer.objects.all())


def supervisions_visible_to(user: User) -> QuerySet[CaseSupervision]:
    return _scoped(user, CaseSupervision.objects.all())


def escalations_visible_to(user: User) -> QuerySet[CaseEscalation]:
    return _scoped(user, CaseEscalation.objects.all())


def with_due(qs: QuerySet[Any], subject_type: str) -> QuerySet[Any]:
    """``due_on``: the earliest running deadline; ``overdue``: one of them is overdue."""
    live = row_deadlines(subject_type).filter(state__in=LIVE).order_by("due_on")
    return qs.annotate(
        due_on_next=Subquery(live.values("due_on")[:1]),
        overdue=Exists(row_deadlines(subject_type).filter(state=DeadlineState.OVERDUE)),
    )


def transfer_register(user: User) -> QuerySet[CriminalTransfer]:
    """The district's register of transfers (移送案件报告制度) with every column shown."""
    return with_due(
        transfers_visible_to(user).select_related(*ROW_RELATED, "proposed_by"), TRANSFER_TYPE
    )


def supervision_list(user: User) -> QuerySet[CaseSupervision]:
    return with_due(
        supervisions_visible_to(user).select_related(*ROW_RELATED, "case__lead_officer"),
        SUPERVISION_TYPE,
    )


def only_overdue(qs: QuerySet[Any]) -> QuerySet[Any]:
    """Rows of a ``with_due`` queryset with an overdue deadline (the annotation by name:
    the type checker knows only the model's fields)."""
    return qs.filter(**{"overdue": True})


def supervised_case_ids() -> QuerySet[Any]:
    """Cases under a running 挂牌督办 (a case list may mark them)."""
    return CaseSupervision.objects.filter(
        status__in=(SupervisionStatus.ACTIVE, SupervisionStatus.REPORTED)
    ).values("case_id")
