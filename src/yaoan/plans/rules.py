"""Who may read and change annual plans and their rules.

Reading follows the registry's data scope (S9): a station sees the items of its own grid,
district-wide units see every item. Changing rules and plans is the section chief's
(股室负责人) work and needs the whole district in scope: a plan is a district document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from yaoan.core.enums import Role
from yaoan.core.rules import data_scope

if TYPE_CHECKING:
    from yaoan.core.models import User


def can_read_plans(user: User) -> bool:
    return user.is_authenticated and not data_scope(user).nothing


def can_manage_plans(user: User) -> bool:
    return (
        user.is_authenticated and user.has_role(Role.SECTION_CHIEF) and data_scope(user).everything
    )
