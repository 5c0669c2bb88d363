"""The staff tests run on the shared test world (yaoan.common.testing.World) with the
parts a staff list needs built up front: the station's chief (所长), who manages his
station's people only, and profiles for the station's two inspectors (QJ000, QJ001), while
the other station's two inspectors keep none — the lists show both kinds."""

from __future__ import annotations

import pytest

from yaoan.common.testing import World


@pytest.fixture
def world(db: None, world: World) -> World:
    world.station_chief, world.station_profiles, world.other_partner  # noqa: B018
    return world
