"""Who may do what with inspections; which ones a user sees is core.rules.data_scope (S9)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from yaoan.core.enums import OrgUnitKind, Role
from yaoan.core.rules import REGISTRY_READERS

if TYPE_CHECKING:
    from yaoan.core.models import User

INSPECTION_READERS = REGISTRY_READERS
# besides the entity's own station, inspectors of these units may join a team
JOINABLE_UNIT_KINDS = frozenset(
    {
        OrgUnitKind.BUREAU,
        OrgUnitKind.SECTION,
        OrgUnitKind.ENFORCEMENT_TEAM,
        OrgUnitKind.MEMBER_DEPARTMENT,
    }
)


def can_read_inspections(user: User) -> bool:
    return user.is_authenticated and user.has_role(*INSPECTION_READERS)


def can_schedule_inspections(user: User) -> bool:
    """Chiefs schedule from the plan; inspectors open complaint-driven and unannounced ones."""
    return user.is_authenticated and user.has_role(Role.SECTION_CHIEF, Role.INSPECTOR)


def can_inspect(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.INSPECTOR)


def can_supervise_inspections(user: User) -> bool:
    """Cancel, publish results, escalate, recompute a risk grade: the section chief."""
    return user.is_authenticated and user.has_role(Role.SECTION_CHIEF)


def can_follow_up_rectification(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.SECTION_CHIEF, Role.INSPECTOR)


def may_join_team(inspector: User, station_id: int | None) -> bool:
    """An inspector of the entity's own station or of a district-wide unit (S9); another
    station's inspectors are not sent to a business outside their grid by hand."""
    if inspector.org_unit_id is not None and inspector.org_unit_id == station_id:
        return True
    unit = inspector.org_unit
    return unit is not None and str(unit.kind) in JOINABLE_UNIT_KINDS
