"""Who may do what with staff records. Reading follows the data scope (S9: a station sees
its own inspectors, the district-wide units all); a section chief keeps profiles and
qualifications of the inspectors in their scope; conflicts are recorded by a chief, or by
an inspector about themself (自行申报回避)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy

from yaoan.core.enums import Role
from yaoan.core.rules import Gate, data_scope

if TYPE_CHECKING:
    from yaoan.core.models import User


def can_read_staff(user: User) -> bool:
    return user.is_authenticated and not data_scope(user).nothing


def can_manage_staff(user: User) -> bool:
    return can_read_staff(user) and user.has_role(Role.SECTION_CHIEF)


def can_declare_own_conflict(user: User) -> bool:
    return can_read_staff(user) and user.has_role(Role.INSPECTOR)


def covers_inspector(user: User, inspector: User) -> bool:
    """The inspector's unit is within the user's scope (a district-wide unit: everyone)."""
    scope = data_scope(user)
    return not scope.nothing and scope.covers(inspector.org_unit_id)


def may_manage_qualification(user: User, qualification: Any) -> bool:
    """Renew or revoke this certificate: a section chief whose scope covers its holder."""
    return can_manage_staff(user) and covers_inspector(user, qualification.holder)


# the workflow page (/workflows/) names who may take the step
may_manage_qualification.label = gettext_lazy("股室负责人（持证人在其辖区内）")  # type: ignore[attr-defined]


# the doors of the staff pages and API (core.access.allowed_user)
READ_STAFF = Gate(can_read_staff, "staff.access.denied", gettext_lazy("您无权查看执法人员信息。"))
MANAGE_STAFF = Gate(
    can_manage_staff,
    "staff.access.denied",
    gettext_lazy("只有股室负责人可以维护执法人员档案。"),
)
