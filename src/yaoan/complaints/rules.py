"""Who reads, handles and approves 投诉举报 (roles from core.enums.Role, scope from
core.rules.data_scope: S9).

* Readers: the registry's readers, within their data scope (a station its own, the
  district-wide units all).
* Handlers — receive, accept / not accept, transfer, verify, mediate, reply, record the
  evaluation, close, hand a report on as a clue, propose a reward, record a payment:
  the people who work the cases at a station or in the section, i.e. inspectors (检查员),
  enforcement officers (执法人员) and section chiefs, within their data scope. Monitoring
  staff, the committee office and leaders read but do not handle.
* A transfer is confirmed by a handler whose scope covers the *receiving* unit (首办负责制:
  until then the record stays with the first unit and in its scope); a hand-over to a unit
  outside the system (another department or district) is confirmed by the first unit,
  citing the receiver's acknowledgement.
* Approvals — a reward (举报奖励) and the extension of a clock — are a section chief's
  (股室负责人) within scope, and never the proposer's own (the workflow's approval step;
  extensions through core.deadlines.decide_extension, which applies the same rule).
* Reporter data (name, phone, ID number, address) is revealed, with a reason and audited,
  only to handlers whose scope covers the record: they call the person back. A leader or
  the monitoring staff see it masked; the reported business never sees it at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy

from yaoan.complaints.enums import ComplaintKind
from yaoan.core.enums import OrgUnitKind, Role
from yaoan.core.rules import REGISTRY_READERS, Gate, data_scope

if TYPE_CHECKING:
    from yaoan.complaints.models import Complaint, ComplaintReward
    from yaoan.core.models import User

READERS = REGISTRY_READERS
HANDLERS = frozenset({Role.INSPECTOR, Role.CASE_OFFICER, Role.SECTION_CHIEF})
APPROVERS = frozenset({Role.SECTION_CHIEF})
# a transfer inside the bureau moves the record to the unit that confirms it; a transfer to
# a member department (another department, another district) ends with the hand-over
INTERNAL_UNIT_KINDS = frozenset(
    {OrgUnitKind.STATION, OrgUnitKind.SECTION, OrgUnitKind.ENFORCEMENT_TEAM}
)
TRANSFER_UNIT_KINDS = INTERNAL_UNIT_KINDS | {OrgUnitKind.MEMBER_DEPARTMENT}


def can_read_complaint(user: User) -> bool:
    return user.is_authenticated and user.has_role(*READERS)


def can_receive_complaint(user: User) -> bool:
    return user.is_authenticated and user.has_role(*HANDLERS)


def can_handle_complaint(user: User, obj: Complaint) -> bool:
    return can_receive_complaint(user) and data_scope(user).covers(obj.org_unit_id)


def can_confirm_transfer(user: User, obj: Complaint) -> bool:
    """A handler of the receiving unit (its scope covers the unit the record goes to)."""
    return (
        can_receive_complaint(user)
        and obj.transfer_to_id is not None
        and data_scope(user).covers(obj.transfer_to_id)
    )


def can_approve_reward(user: User, reward: ComplaintReward) -> bool:
    return (
        user.is_authenticated
        and user.has_role(*APPROVERS)
        and data_scope(user).covers(reward.complaint.org_unit_id)
    )


def can_handle_reward(user: User, reward: ComplaintReward) -> bool:
    return can_handle_complaint(user, reward.complaint)


def can_reveal_reporter(user: User, obj: Complaint) -> bool:
    return can_handle_complaint(user, obj)


# who takes each step, as the generated workflow page (docs/workflows.md) shows it
can_handle_complaint.label = gettext_lazy("检查员、执法人员或股室负责人（本辖区）")  # type: ignore[attr-defined]
can_confirm_transfer.label = gettext_lazy("接收单位的检查员、执法人员或股室负责人")  # type: ignore[attr-defined]
can_approve_reward.label = gettext_lazy("股室负责人（本辖区，非申请人）")  # type: ignore[attr-defined]
can_handle_reward.label = gettext_lazy("检查员、执法人员或股室负责人（本辖区）")  # type: ignore[attr-defined]


# --- guards of the workflow (core.transitions.take: a message refuses the step) -----------


def only_complaints(obj: Complaint) -> str | None:
    if obj.kind != ComplaintKind.COMPLAINT:
        return str(gettext_lazy("只有投诉可以调解"))
    return None


def only_reports(obj: Complaint) -> str | None:
    if obj.kind != ComplaintKind.REPORT:
        return str(gettext_lazy("投诉须经调解后再答复"))
    return None


def violation_found(obj: Complaint) -> str | None:
    if obj.kind != ComplaintKind.REPORT or not obj.violation_found:
        return str(gettext_lazy("只有核查发现违法行为的举报可以转为案件线索"))
    return None


def internal_target(obj: Complaint) -> str | None:
    unit = obj.transfer_to
    if unit is None or unit.kind not in INTERNAL_UNIT_KINDS:
        return str(gettext_lazy("接收单位不在本系统内：请按“确认已移交”办理"))
    return None


def external_target(obj: Complaint) -> str | None:
    unit = obj.transfer_to
    if unit is None or unit.kind in INTERNAL_UNIT_KINDS:
        return str(gettext_lazy("接收单位在本系统内：须由接收单位确认"))
    return None


# typed for core.transitions (a guard receives the record as a Model)
GUARDS: dict[str, Callable[[Any], str | None]] = {
    "only_complaints": only_complaints,
    "only_reports": only_reports,
    "violation_found": violation_found,
    "internal_target": internal_target,
    "external_target": external_target,
}

# the doors of the pages and the API: core.access.allowed_user(request, READ_COMPLAINT)
READ_COMPLAINT = Gate(
    can_read_complaint, "complaints.access.denied", gettext_lazy("您无权查看投诉举报。")
)
RECEIVE_COMPLAINT = Gate(
    can_receive_complaint, "complaints.access.denied", gettext_lazy("您无权登记投诉举报。")
)
# the skeleton's name, kept for pages that create a record
CREATE_COMPLAINT = RECEIVE_COMPLAINT
can_create_complaint = can_receive_complaint
