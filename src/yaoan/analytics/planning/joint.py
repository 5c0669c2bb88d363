"""Which vaccine units get the joint inspection with the health commission (卫健委).

瑶海要点 7 asks for joint inspections of "辖区疫苗使用单位基数的5%左右". The number is
``share × units`` rounded half up, at least one when there is any unit. The choice is
deterministic and reproducible: higher risk grade first (D, C, B, A, ungraded), then a
hash of (year, entity id), so equal-risk units rotate from year to year instead of the
same ones being picked every time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

RISK_ORDER = {"D": 0, "C": 1, "B": 2, "A": 3}


def joint_count(units: int, share: float) -> int:
    if units <= 0 or share <= 0:
        return 0
    wanted = Decimal(str(share)) * units
    return min(units, max(1, int(wanted.quantize(Decimal(1), rounding=ROUND_HALF_UP))))


def _rotation(year: int, entity_id: int) -> str:
    return hashlib.sha256(f"{year}:{entity_id}".encode()).hexdigest()


def select_joint(candidates: Iterable[tuple[int, str]], *, share: float, year: int) -> list[int]:
    """Entity ids chosen from (entity id, risk grade) pairs, in the order of choice."""
    pool = sorted(
        candidates,
        key=lambda c: (RISK_ORDER.get(c[1], len(RISK_ORDER)), _rotation(year, c[0])),
    )
    return [entity_id for entity_id, _grade in pool[: joint_count(len(pool), share)]]
