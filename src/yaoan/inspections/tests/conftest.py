"""The inspections tests work in the shared world (root conftest): its station with the
pharmacy and two inspectors, another station's inspector, the section chief."""

from __future__ import annotations

import pytest

from yaoan.common.testing import World, weekend_calendar_for_coming_years


@pytest.fixture
def world(world: World, db: None) -> World:
    """Deadlines of rectification orders run weeks ahead: the calendar must know them.
    (``db`` named again: pytest's fixture closure reads only the overriding definition.)"""
    weekend_calendar_for_coming_years()
    return world
