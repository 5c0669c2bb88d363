"""Who may do what, and which org units' data a user sees (S8, S9).

Data scope: the bureau, its sections, the enforcement team, the committee office and
leaders see the whole district; a station sees the subdistricts of its grid; member
departments and the three administrators see no registry data.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yaoan.core.enums import BUSINESS_ROLES, OrgUnitKind, Role

if TYPE_CHECKING:
    from yaoan.core.models import Deadline, User

DISTRICT_WIDE_UNITS = frozenset(
    {
        OrgUnitKind.BUREAU,
        OrgUnitKind.SECTION,
        OrgUnitKind.ENFORCEMENT_TEAM,
        OrgUnitKind.COMMITTEE_OFFICE,
    }
)
REGISTRY_READERS = frozenset(
    {
        Role.INSPECTOR,
        Role.CASE_OFFICER,
        Role.SECTION_CHIEF,
        Role.COMMITTEE_OFFICE,
        Role.MONITORING,
        Role.LEADER,
        # reads the cases (and so the businesses) put to 法制审核
        Role.LEGAL_REVIEWER,
    }
)
REGISTRY_EDITORS = frozenset({Role.INSPECTOR, Role.SECTION_CHIEF})
# who works with the people behind a record and may see a full phone or ID number after
# giving a reason (S10); monitoring staff and the committee office see them masked
PERSONAL_DATA_READERS = frozenset(
    {Role.INSPECTOR, Role.CASE_OFFICER, Role.SECTION_CHIEF, Role.LEADER}
)


@dataclass(frozen=True)
class DataScope:
    """``station_ids`` is None for the whole district, else the stations whose grid is seen."""

    station_ids: frozenset[int] | None

    @property
    def everything(self) -> bool:
        return self.station_ids is None

    @property
    def nothing(self) -> bool:
        return self.station_ids is not None and not self.station_ids

    def covers(self, station_id: int | None) -> bool:
        """Whether an object in this station's grid is within the scope."""
        return self.station_ids is None or station_id in self.station_ids


@dataclass(frozen=True)
class Gate:
    """The door to an app's pages and API, declared once beside its rule: who may pass,
    the audit action a refusal is recorded as (S14), and the message the refused see.
    ``core.access.allowed_user(request, gate)`` checks it."""

    allowed: Callable[[User], bool]
    action: str
    message: str | Promise = ""


NO_DATA = DataScope(frozenset())
WHOLE_DISTRICT = DataScope(None)


def data_scope(user: User) -> DataScope:
    if not user.is_authenticated:
        return NO_DATA
    unit = user.org_unit
    return _scope_of(user.role_set, unit.kind if unit else None, unit.pk if unit else None)


@functools.lru_cache(maxsize=256)
def _scope_of(roles: frozenset[str], unit_kind: str | None, unit_pk: int | None) -> DataScope:
    """Memoised on exactly what decides it: a page asks several times (the view, its
    queries, the navigation)."""
    if not roles & REGISTRY_READERS:
        return NO_DATA
    if Role.LEADER in roles:
        return WHOLE_DISTRICT
    if unit_kind is None or unit_pk is None:
        return NO_DATA
    if unit_kind in DISTRICT_WIDE_UNITS:
        return WHOLE_DISTRICT
    if unit_kind == OrgUnitKind.STATION:
        return DataScope(frozenset({unit_pk}))
    return NO_DATA


def can_read_registry(user: User) -> bool:
    return not data_scope(user).nothing


def can_edit_registry(user: User) -> bool:
    return user.is_authenticated and user.has_role(*REGISTRY_EDITORS) and can_read_registry(user)


READ_REGISTRY = Gate(can_read_registry, "registry.access.denied", _("您无权查看监管对象信息。"))
EDIT_REGISTRY = Gate(can_edit_registry, "registry.access.denied", _("您无权修改监管对象信息。"))


def can_reveal_personal_data(user: User) -> bool:
    """Role only: the object's own scope is checked by whoever finds the object."""
    return user.is_authenticated and user.has_role(*PERSONAL_DATA_READERS)


def can_set_ratings(user: User) -> bool:
    """Risk grade and credit class are set by a section chief (later computed by modules)."""
    return user.is_authenticated and user.has_role(Role.SECTION_CHIEF) and can_read_registry(user)


def can_read_audit(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.AUDIT_ADMIN)


def can_manage_accounts(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.SYSTEM_ADMIN)


def can_manage_roles(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.SECURITY_ADMIN)


def can_manage_org_structure(user: User) -> bool:
    """Units and the 镇街 grid are configuration (三员): the system administrator's, who
    holds no business role and so sees none of the data the grid scopes."""
    return user.is_authenticated and user.has_role(Role.SYSTEM_ADMIN)


def can_manage_calendar(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.SYSTEM_ADMIN)


# --- deadlines -------------------------------------------------------------------------
DEADLINE_APPROVERS = frozenset({Role.SECTION_CHIEF, Role.LEADER})


def _in_unit(user: User, org_unit_id: int | None) -> bool:
    """A leader answers for every unit; a chief for their own and, when it is district-wide
    (bureau, section), for deadlines that have no unit."""
    if user.has_role(Role.LEADER):
        return True
    return org_unit_id is None or user.org_unit_id == org_unit_id


def can_approve_extension(user: User, deadline: Deadline) -> bool:
    return (
        user.is_authenticated
        and user.has_role(*DEADLINE_APPROVERS)
        and _in_unit(user, deadline.org_unit_id)
    )


def can_manage_deadline(user: User, deadline: Deadline) -> bool:
    """The assignee, or a chief/leader of the deadline's unit: may suspend, resume and ask
    for an extension."""
    if not user.is_authenticated:
        return False
    if deadline.assignee_id == user.pk:
        return True
    return can_approve_extension(user, deadline)


def can_see_unit_deadlines(user: User) -> bool:
    return user.is_authenticated and user.has_role(*DEADLINE_APPROVERS)


def has_business_role(user: User) -> bool:
    return user.is_authenticated and bool(user.role_set & BUSINESS_ROLES)


def can_read_workflows(user: User) -> bool:
    """Signed-in staff with any role see which state changes are legal."""
    return user.is_authenticated and bool(user.role_set)


def can_manage_document_templates(user: User) -> bool:
    """Replacing an official document's template is configuration: the system administrator."""
    return user.is_authenticated and user.has_role(Role.SYSTEM_ADMIN)
