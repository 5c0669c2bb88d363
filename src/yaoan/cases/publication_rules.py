"""Who reads and who publishes penalty information (S9: scoped to the case's handling unit).

* Readers of the publication list and its overdue list: enforcement officers, section
  chiefs and leaders within their data scope.
* Preparing, publishing and recording that the law exempts a decision from publication:
  enforcement officers and section chiefs whose scope covers the case's unit.
* Withdrawing published information (信用修复, a revoked decision, an error): a section
  chief or a leader (负责人) whose scope covers the case's unit — it takes a public record
  off the portal, and the credit-repair approval that calls it is theirs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from yaoan.core.enums import Role
from yaoan.core.rules import Gate, data_scope

if TYPE_CHECKING:
    from yaoan.core.models import User

READERS = frozenset({Role.CASE_OFFICER, Role.SECTION_CHIEF, Role.LEADER})
PUBLISHERS = frozenset({Role.CASE_OFFICER, Role.SECTION_CHIEF})
WITHDRAWERS = frozenset({Role.SECTION_CHIEF, Role.LEADER})


def can_read_publications(user: User) -> bool:
    return user.is_authenticated and user.has_role(*READERS) and not data_scope(user).nothing


def can_publish_for(user: User, org_unit_id: int | None) -> bool:
    return (
        user.is_authenticated
        and user.has_role(*PUBLISHERS)
        and data_scope(user).covers(org_unit_id)
    )


def can_withdraw_for(user: User, org_unit_id: int | None) -> bool:
    return (
        user.is_authenticated
        and user.has_role(*WITHDRAWERS)
        and data_scope(user).covers(org_unit_id)
    )


READ_PUBLICATIONS = Gate(
    can_read_publications,
    "cases.publication.access.denied",
    gettext_lazy("您无权查看行政处罚信息公示"),
)
