"""Spreading visits over the four quarters, evenly per station.

Each entity needs ``n`` visits in the year. It gets ``n // 4`` in every quarter (the same
for all quarters, so this part cannot unbalance anything) and its remaining ``r = n % 4``
visits in ``r`` *distinct* quarters, spaced out:

* r = 1: any one quarter;
* r = 2: two quarters half a year apart — Q1+Q3 or Q2+Q4;
* r = 3: every quarter but one.

Within one station the entities are placed greedily: the pairs first (r = 2, the most
constrained), then r = 3, then the single visits (r = 1), which level out what is left;
ties by entity id. Each entity takes the option that leaves the station's quarters best
balanced, judged in this order:

1. the spread of the quarter loads after placing it (max − min), smaller first;
2. the imbalance between the half-year pairs, |(Q1+Q3) − (Q2+Q4)|, smaller first — this
   keeps room for the pairs still to come;
3. the largest quarter load, smaller first;
4. the load already in the chosen quarters, smaller first;
5. the earlier quarter(s).

The result depends only on the input (never on dict or set order). Whenever a station has
at least one single-visit entity its quarter loads end within one visit of each other
(max − min ≤ 1); with only pairs and triples that is not always possible, and the greedy
reaches the best spread on every small case the tests enumerate exhaustively.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

QUARTERS = 4
OPTIONS: dict[int, tuple[tuple[int, ...], ...]] = {
    0: ((),),
    1: ((0,), (1,), (2,), (3,)),
    2: ((0, 2), (1, 3)),
    3: ((1, 2, 3), (0, 2, 3), (0, 1, 3), (0, 1, 2)),
}
PLACEMENT_ORDER = {2: 0, 3: 1, 1: 2, 0: 3}

Quarters = tuple[int, int, int, int]


# each option with its per-quarter increments, precomputed for the scoring loop
DELTAS = {
    remainder: tuple(
        (option, tuple(1 if q in option else 0 for q in range(QUARTERS))) for option in options
    )
    for remainder, options in OPTIONS.items()
}


def place_remainder(loads: Sequence[int], remainder: int) -> tuple[int, ...]:
    """The quarter indexes (0-based) that take the ``remainder`` extra visits: the option
    with the smallest (spread, half-year imbalance, maximum, load already there); the
    first of equal options, i.e. the earlier quarters. Written out by hand because it runs
    once per entity of the district."""
    a, b, c, d = loads
    best: tuple[int, ...] = ()
    best_key: tuple[int, int, int, int] | None = None
    for option, (da, db, dc, dd) in DELTAS[remainder]:
        x, y, z, w = a + da, b + db, c + dc, d + dd
        high = max(x, y, z, w)
        key = (high - min(x, y, z, w), abs(x + z - y - w), high, a * da + b * db + c * dc + d * dd)
        if best_key is None or key < best_key:
            best, best_key = option, key
    return best


def allocate_station(visits: Iterable[tuple[int, int]]) -> tuple[dict[int, Quarters], Quarters]:
    """(entity id, visits a year) of one station → each entity's visits per quarter, and the
    station's total per quarter."""
    loads = [0] * QUARTERS
    result: dict[int, Quarters] = {}
    ordered = sorted(
        ((entity_id, n) for entity_id, n in visits if n > 0),
        key=lambda item: (PLACEMENT_ORDER[item[1] % QUARTERS], item[0]),
    )
    for entity_id, n in ordered:
        base, remainder = divmod(n, QUARTERS)
        counts = [base] * QUARTERS
        for q in place_remainder(loads, remainder):
            counts[q] += 1
        for q in range(QUARTERS):
            loads[q] += counts[q]
        result[entity_id] = (counts[0], counts[1], counts[2], counts[3])
    return result, (loads[0], loads[1], loads[2], loads[3])


def quarter_loads(quarters: Iterable[Sequence[int]]) -> Quarters:
    """Sum of per-quarter visit counts."""
    totals = [0] * QUARTERS
    for counts in quarters:
        for q in range(QUARTERS):
            totals[q] += counts[q]
    return (totals[0], totals[1], totals[2], totals[3])


def spaced(counts: Sequence[int]) -> bool:
    """True when a visit pattern keeps the spacing rule: per-quarter counts differ by at
    most one, and two extra visits sit half a year apart (Q1+Q3 or Q2+Q4)."""
    if len(counts) != QUARTERS or min(counts) < 0:
        return False
    base = min(counts)
    extra = tuple(q for q in range(QUARTERS) if counts[q] > base)
    if any(counts[q] > base + 1 for q in range(QUARTERS)):
        return False
    return extra in OPTIONS[len(extra)] if len(extra) < QUARTERS else False
