"""Quarter allocation: spacing of each entity's visits and the balance of each station."""

from __future__ import annotations

import itertools
import random

import pytest

from yaoan.analytics.planning import allocate_station, quarter_loads, spaced
from yaoan.analytics.planning.allocation import OPTIONS


def spread(loads):
    return max(loads) - min(loads)


def best_possible_spread(visits):
    """Exhaustive search over every spaced placement (small cases only)."""
    best = None
    for combo in itertools.product(*(OPTIONS[n % 4] for _id, n in visits)):
        loads = [sum(n // 4 for _id, n in visits)] * 4
        for option in combo:
            for q in option:
                loads[q] += 1
        best = spread(loads) if best is None else min(best, spread(loads))
    return best


def test_each_count_gets_distinct_spaced_quarters():
    result, loads = allocate_station([(1, 1), (2, 2), (3, 3), (4, 4), (5, 6), (6, 9)])
    assert result[2] in ((1, 0, 1, 0), (0, 1, 0, 1))
    assert sorted(result[3]) == [0, 1, 1, 1]
    assert result[4] == (1, 1, 1, 1)
    assert sum(result[5]) == 6 and sorted(result[5]) == [1, 1, 2, 2]
    assert sum(result[6]) == 9 and sorted(result[6]) == [2, 2, 2, 3]
    assert all(spaced(q) for q in result.values())
    assert loads == quarter_loads(result.values())


def test_pairs_alternate_half_years():
    result, loads = allocate_station([(i, 2) for i in range(1, 5)])
    assert [result[i] for i in range(1, 5)] == [
        (1, 0, 1, 0),
        (0, 1, 0, 1),
        (1, 0, 1, 0),
        (0, 1, 0, 1),
    ]
    assert loads == (2, 2, 2, 2)


def test_singles_fill_the_least_loaded_quarter_in_order():
    result, loads = allocate_station([(10, 1), (11, 1), (12, 1), (13, 1), (14, 1)])
    assert [result[i] for i in (10, 11, 12, 13, 14)] == [
        (1, 0, 0, 0),
        (0, 1, 0, 0),
        (0, 0, 1, 0),
        (0, 0, 0, 1),
        (1, 0, 0, 0),
    ]
    assert loads == (2, 1, 1, 1)


def test_result_does_not_depend_on_input_order():
    visits = [(i, (i * 7) % 5 + 1) for i in range(1, 80)]
    shuffled = visits[:]
    random.Random(3).shuffle(shuffled)
    assert allocate_station(visits) == allocate_station(shuffled)


def test_zero_visits_are_left_out():
    result, loads = allocate_station([(1, 0), (2, 1)])
    assert result == {2: (1, 0, 0, 0)}
    assert loads == (1, 0, 0, 0)


@pytest.mark.parametrize("seed", range(200))
def test_station_balance_within_one_visit_when_singles_exist(seed):
    rng = random.Random(seed)
    visits = [(i, rng.choice([1, 1, 1, 2, 2, 3, 4, 5, 6, 8])) for i in range(rng.randint(1, 80))]
    if not any(n % 4 == 1 for _i, n in visits):
        visits.append((10_000, 1))
    result, loads = allocate_station(visits)
    assert spread(loads) <= 1
    assert sum(loads) == sum(n for _i, n in visits)
    assert all(spaced(q) for q in result.values())


@pytest.mark.parametrize("seed", range(300))
def test_greedy_reaches_the_best_spread_on_small_cases(seed):
    rng = random.Random(1000 + seed)
    visits = [(i, rng.choice([1, 2, 2, 3, 3, 5, 6, 7])) for i in range(rng.randint(1, 7))]
    _result, loads = allocate_station(visits)
    assert spread(loads) <= max(1, best_possible_spread(visits))
