"""The case lists: scope (a station sees its own), my cases, and the overdue list read from
the deadline side — a clock past its date counts before the daily sweep has marked it."""

from __future__ import annotations

import datetime as dt

import pytest

from yaoan.cases import services
from yaoan.cases.queries import case_list, cases_visible_to, my_cases, overdue_cases
from yaoan.cases.tests.helpers import on, registered
from yaoan.common.testing import World
from yaoan.core.deadlines import sweep_deadlines

pytestmark = pytest.mark.django_db


def test_overdue_list_before_and_after_the_sweep(world: World) -> None:
    with on(dt.date(2026, 11, 2)):
        late = registered(world, discovered_on=dt.date(2026, 10, 12))  # due 2 Nov
        fresh = registered(world, entity=world.other_entity)
    with on(dt.date(2026, 11, 3)):
        assert list(overdue_cases(world.chief)) == [late]
        row = case_list(world.chief).get(pk=late.pk)
        assert (row.due_on, row.overdue) == (dt.date(2026, 11, 2), True)  # type: ignore[attr-defined]
        sweep_deadlines(dt.date(2026, 11, 3))
        assert list(overdue_cases(world.chief)) == [late]
        # the other station's inspector sees neither this case nor its lateness
        assert list(overdue_cases(world.other_inspector)) == []
        services.approve_filing(late, actor=world.chief)  # the filing clock is met (late)
        assert list(overdue_cases(world.chief)) == []
    assert fresh in cases_visible_to(world.other_inspector)
    assert set(my_cases(world.officer)) == {late, fresh}
    assert list(my_cases(world.chief)) == []
