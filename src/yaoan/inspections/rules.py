"""Who may do what with inspections; which ones a user sees is core.rules.data_scope (S9).

The ``may_*`` predicates take the record too: they are the permissions of the workflow
tables (workflow.py), so a page offers exactly the buttons the service will accept."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy

from yaoan.core.enums import OrgUnitKind, Role
from yaoan.core.rules import REGISTRY_READERS, Gate, data_scope

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


def covers(user: User, entity: Any) -> bool:
    return data_scope(user).covers(entity.subdistrict.station_id)


def on_team(user: User, inspection: Any) -> bool:
    return bool(inspection.team.filter(inspector=user).exists())


def may_work_on(user: User, inspection: Any) -> bool:
    """Start and submit: an inspector of the inspection's team."""
    return can_inspect(user) and on_team(user, inspection)


def may_cancel(user: User, inspection: Any) -> bool:
    """A chief cancels in scope; never a drawn inspection (a published draw is not quietly
    thinned out: only an executed redraw cancels it)."""
    return (
        can_supervise_inspections(user)
        and not inspection.draw_id
        and covers(user, inspection.entity)
    )


def _replaced_by_executed_redraw(draw: Any) -> bool:
    later = getattr(draw, "redrawn_as", None)
    while later is not None:
        if later.drawn_at is not None:
            return True
        later = getattr(later, "redrawn_as", None)
    return False


def may_cancel_for_redraw(user: User, inspection: Any) -> bool:
    return (
        can_supervise_inspections(user)
        and inspection.draw_id is not None
        and _replaced_by_executed_redraw(inspection.draw)
        and covers(user, inspection.entity)
    )


def may_follow_up(user: User, order: Any) -> bool:
    return can_follow_up_rectification(user) and covers(user, order.entity)


def may_decide_amendment(user: User, amendment: Any) -> bool:
    return can_supervise_inspections(user) and covers(user, amendment.inspection.entity)


def may_join_team(inspector: User, station_id: int | None) -> bool:
    """An inspector of the entity's own station or of a district-wide unit (S9); another
    station's inspectors are not sent to a business outside their grid by hand."""
    if inspector.org_unit_id is not None and inspector.org_unit_id == station_id:
        return True
    unit = inspector.org_unit
    return unit is not None and str(unit.kind) in JOINABLE_UNIT_KINDS


# the door of the inspections pages and API (core.access.allowed_user)
READ_INSPECTIONS = Gate(
    can_read_inspections, "inspections.access.denied", gettext_lazy("您无权查看监督检查信息。")
)
