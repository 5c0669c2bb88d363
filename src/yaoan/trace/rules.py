"""Who may read and load trace data, and how far a user's trace questions reach (S9).

Reading follows the registry's data scope (core.rules.data_scope). A unit's chain crosses
grids by nature: a station user may ask about a code or a batch that touched at least one
entity of their grid, and then sees the whole chain (where it came from and went is the
point of tracing); entity reports and the anomaly list stay within their grid. Loading
files changes district-wide data, so it is for district-wide staff only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from yaoan.core.enums import Role
from yaoan.core.rules import Gate, data_scope

if TYPE_CHECKING:
    from yaoan.core.models import User

TRACE_LOADERS = frozenset({Role.INSPECTOR, Role.SECTION_CHIEF, Role.MONITORING})


def can_read_trace(user: User) -> bool:
    return not data_scope(user).nothing


def can_ingest_trace(user: User) -> bool:
    return user.is_authenticated and user.has_role(*TRACE_LOADERS) and data_scope(user).everything


# the door of the trace API (core.access.allowed_user)
READ_TRACE = Gate(can_read_trace, "trace.access.denied", gettext_lazy("您无权查看追溯数据。"))
