"""Annual key inspection plan (年度重点检查清单): who is due, how often, and in which quarter.

Pure Python, no Django: the plans app loads entities and rule outcomes with a few bulk
queries and calls ``build_plan``; the result is plain data it writes with ``bulk_create``.

* ``frequency`` — the risk grade × credit class (× entity type) table: the most specific
  matching rule gives an entity's minimum number of inspections a year.
* ``joint`` — the deterministic choice of vaccine units for joint inspections with 卫健委.
* ``allocation`` — spreading each entity's visits over the four quarters so that every
  station's load per quarter is as even as possible.
* ``plan`` — the three together: required count, reasons, quarters, joint flag.
"""

from yaoan.analytics.planning.allocation import (
    QUARTERS,
    allocate_station,
    place_remainder,
    quarter_loads,
    spaced,
)
from yaoan.analytics.planning.frequency import (
    ANY,
    UNRATED,
    FrequencyMatcher,
    FrequencyRuleSpec,
    specificity,
)
from yaoan.analytics.planning.joint import joint_count, select_joint
from yaoan.analytics.planning.plan import (
    EntityRecord,
    KeyListOutcome,
    PlannedItem,
    Reason,
    build_plan,
)

__all__ = [
    "ANY",
    "QUARTERS",
    "UNRATED",
    "EntityRecord",
    "FrequencyMatcher",
    "FrequencyRuleSpec",
    "KeyListOutcome",
    "PlannedItem",
    "Reason",
    "allocate_station",
    "build_plan",
    "joint_count",
    "place_remainder",
    "quarter_loads",
    "select_joint",
    "spaced",
    "specificity",
]
