"""Who sees and decides intake items. Everyone who reads the registry sees the items of the
stations in their data scope (a station its own, the district-wide units all: S9); the
enforcement team's officers and the section chiefs decide them (accept, reject, merge,
keep waiting); any business role may hand one on through the module that found it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from yaoan.core.enums import Role
from yaoan.core.rules import REGISTRY_READERS, Gate, data_scope

if TYPE_CHECKING:
    from yaoan.core.models import User
    from yaoan.intake.models import IntakeItem

INTAKE_READERS = REGISTRY_READERS
INTAKE_DECIDERS = frozenset({Role.CASE_OFFICER, Role.SECTION_CHIEF})
INTAKE_SUBMITTERS = REGISTRY_READERS


def can_read_intake(user: User) -> bool:
    return user.is_authenticated and user.has_role(*INTAKE_READERS)


def can_submit_intake(user: User) -> bool:
    return user.is_authenticated and user.has_role(*INTAKE_SUBMITTERS)


def can_decide_intake(user: User) -> bool:
    return user.is_authenticated and user.has_role(*INTAKE_DECIDERS)


def can_decide_item(user: User, item: IntakeItem) -> bool:
    """A decider whose data scope covers the item's station (a district item: district-wide
    deciders only)."""
    return can_decide_intake(user) and data_scope(user).covers(item.org_unit_id)


# who takes the decisions, as the generated workflow page (docs/workflows.md) shows it
can_decide_item.label = gettext_lazy("执法人员或股室负责人（本辖区）")  # type: ignore[attr-defined]


# the door of the intake pages and API (core.access.allowed_user)
READ_INTAKE = Gate(can_read_intake, "intake.access.denied", gettext_lazy("您无权查看移交事项。"))
