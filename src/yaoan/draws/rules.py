"""Who may do what with draws. Reading follows the registry's data scope (S9); a section
chief creates, commits, executes and redraws. Inspector profiles and conflicts of interest
are the staff app's (``yaoan.staff.rules``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy

from yaoan.core.enums import Role
from yaoan.core.rules import Gate, data_scope

if TYPE_CHECKING:
    from yaoan.core.models import User


def can_read_draws(user: User) -> bool:
    return user.is_authenticated and not data_scope(user).nothing


def can_manage_draws(user: User) -> bool:
    return can_read_draws(user) and user.has_role(Role.SECTION_CHIEF)


def covers_draw(user: User, draw: Any) -> bool:
    """The draw's stations are all in the user's scope (a district-wide unit: every draw)."""
    scope = data_scope(user)
    if scope.everything:
        return True
    stations = set(draw.stations.values_list("pk", flat=True))
    return bool(stations) and stations <= set(scope.station_ids or ())


def may_manage_draw(user: User, draw: Any) -> bool:
    """Execute or redraw this draw: a section chief whose scope covers it."""
    return can_manage_draws(user) and covers_draw(user, draw)


# the doors of the draws pages and API (core.access.allowed_user)
READ_DRAWS = Gate(can_read_draws, "draws.access.denied", gettext_lazy("您无权查看抽取。"))
MANAGE_DRAWS = Gate(
    can_manage_draws,
    "draws.access.denied",
    gettext_lazy("只有股室负责人可以发起、执行或重新抽取。"),
)
