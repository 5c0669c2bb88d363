"""Who reads and moves a criminal transfer, a 挂牌督办 and a 提级办理. Whoever reads the
case reads what goes beyond it (the case's scope, S9). The case's officers and chiefs
propose a transfer and record the police's answers; only a leader (本机关正职负责人,
国务院令第310号 第五条) approves it, and not the one who proposed it. The bureau
(a chief or leader over the whole district) records a higher unit's supervision and
lifts it, and takes a case up to the bureau; the case's handlers report progress."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from yaoan.core.enums import Role
from yaoan.core.rules import REGISTRY_READERS, Gate, data_scope

if TYPE_CHECKING:
    from yaoan.cases.models import Case, CaseSupervision, CriminalTransfer
    from yaoan.core.models import User

READERS = REGISTRY_READERS
HANDLERS = frozenset({Role.CASE_OFFICER, Role.SECTION_CHIEF, Role.LEADER})
TRANSFER_APPROVERS = frozenset({Role.LEADER})
BUREAU_DECIDERS = frozenset({Role.SECTION_CHIEF, Role.LEADER})


def can_read_beyond(user: User) -> bool:
    return user.is_authenticated and user.has_role(*READERS)


def covers_case(user: User, case: Case) -> bool:
    return data_scope(user).covers(case.org_unit_id)


def can_handle_case_beyond(user: User, case: Case) -> bool:
    """A case officer, chief or leader whose scope covers the case."""
    return user.is_authenticated and user.has_role(*HANDLERS) and covers_case(user, case)


def can_handle_transfer(user: User, transfer: CriminalTransfer) -> bool:
    return can_handle_case_beyond(user, transfer.case)


def can_approve_transfer(user: User, transfer: CriminalTransfer) -> bool:
    return (
        user.is_authenticated
        and user.has_role(*TRANSFER_APPROVERS)
        and covers_case(user, transfer.case)
    )


def is_bureau_decider(user: User) -> bool:
    """A chief or leader over the whole district: the bureau's own level."""
    return user.is_authenticated and user.has_role(*BUREAU_DECIDERS) and data_scope(user).everything


def can_supervise_case(user: User, case: Case) -> bool:
    return is_bureau_decider(user)


def can_escalate_case(user: User, case: Case) -> bool:
    return is_bureau_decider(user)


def can_decide_supervision(user: User, supervision: CaseSupervision) -> bool:
    return is_bureau_decider(user)


def can_report_supervision(user: User, supervision: CaseSupervision) -> bool:
    return can_handle_case_beyond(user, supervision.case)


# who takes each step, as the generated workflow page (docs/workflows.md) shows it
can_handle_transfer.label = gettext_lazy("承办案件的执法人员、股室负责人或领导")  # type: ignore[attr-defined]
can_approve_transfer.label = gettext_lazy("领导（本机关负责人，非提出人）")  # type: ignore[attr-defined]
can_decide_supervision.label = gettext_lazy("区局股室负责人或领导")  # type: ignore[attr-defined]
can_report_supervision.label = gettext_lazy("承办案件的执法人员、股室负责人或领导")  # type: ignore[attr-defined]

READ_BEYOND = Gate(
    can_read_beyond, "cases.access.denied", gettext_lazy("您无权查看案件移送与督办信息。")
)
