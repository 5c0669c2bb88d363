"""Who reads and moves a 线索 (clue). Everyone who reads the registry sees the clues of the
stations in their data scope (S9). Case officers and chiefs register clues and take
intake items over; a chief (or a leader) assigns a clue to a case officer whose scope
covers it and decides it (close, transfer, 移送立案); the assignee verifies; monitoring
staff record online-sales pushes; the station answers a 工作提示单."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from yaoan.core.enums import Role
from yaoan.core.rules import REGISTRY_READERS, Gate, data_scope

if TYPE_CHECKING:
    from yaoan.clues.models import Clue
    from yaoan.core.models import User

READERS = REGISTRY_READERS
REGISTRARS = frozenset({Role.CASE_OFFICER, Role.SECTION_CHIEF, Role.LEADER})
DECIDERS = frozenset({Role.SECTION_CHIEF, Role.LEADER})
PUSHERS = frozenset({Role.MONITORING, Role.CASE_OFFICER, Role.SECTION_CHIEF})
ANSWERERS = frozenset({Role.INSPECTOR, Role.CASE_OFFICER, Role.SECTION_CHIEF})
ASSIGNEE_ROLE = Role.CASE_OFFICER


def can_read_clues(user: User) -> bool:
    return user.is_authenticated and user.has_role(*READERS)


def can_register_clue(user: User) -> bool:
    return user.is_authenticated and user.has_role(*REGISTRARS)


def can_record_push(user: User) -> bool:
    return user.is_authenticated and user.has_role(*PUSHERS)


def covers(user: User, clue: Clue) -> bool:
    return data_scope(user).covers(clue.org_unit_id)


def may_be_assigned(user: User, clue: Clue) -> bool:
    """A case officer whose data scope covers the clue's unit."""
    return user.is_active and user.has_role(ASSIGNEE_ROLE) and covers(user, clue)


def can_decide_clue(user: User, clue: Clue) -> bool:
    return user.is_authenticated and user.has_role(*DECIDERS) and covers(user, clue)


def can_assign_clue(user: User, clue: Clue) -> bool:
    """A chief assigns to any eligible officer; a case officer in scope may take a new
    clue for themselves (认领; the service holds them to that)."""
    return can_decide_clue(user, clue) or (
        user.is_authenticated and user.has_role(ASSIGNEE_ROLE) and covers(user, clue)
    )


def assigns_to_others(user: User) -> bool:
    return user.has_role(*DECIDERS)


def can_verify_clue(user: User, clue: Clue) -> bool:
    if not user.is_authenticated:
        return False
    return clue.assignee_id == user.pk or can_decide_clue(user, clue)


def can_answer_prompt(user: User, clue: Clue) -> bool:
    return user.is_authenticated and user.has_role(*ANSWERERS) and covers(user, clue)


def can_send_prompt(user: User, clue: Clue) -> bool:
    """Monitoring staff (district-wide) or a chief send the 工作提示单 to the station."""
    return user.is_authenticated and user.has_role(*PUSHERS) and covers(user, clue)


# who takes each step, as the generated workflow page (docs/workflows.md) shows it
can_assign_clue.label = gettext_lazy("股室负责人或领导；执法人员可认领（本辖区）")  # type: ignore[attr-defined]
can_decide_clue.label = gettext_lazy("股室负责人或领导（本辖区）")  # type: ignore[attr-defined]
can_verify_clue.label = gettext_lazy("承办人，或股室负责人、领导（本辖区）")  # type: ignore[attr-defined]
can_send_prompt.label = gettext_lazy("监测人员、执法人员或股室负责人")  # type: ignore[attr-defined]
can_answer_prompt.label = gettext_lazy("承办所的检查员、执法人员或负责人")  # type: ignore[attr-defined]

READ_CLUES = Gate(can_read_clues, "clues.access.denied", gettext_lazy("您无权查看线索。"))
REGISTER_CLUE = Gate(can_register_clue, "clues.access.denied", gettext_lazy("您无权登记线索。"))
RECORD_PUSH = Gate(can_record_push, "clues.access.denied", gettext_lazy("您无权登记网络监测推送。"))
