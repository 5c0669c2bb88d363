"""The registry tests run on the shared test world (yaoan.common.testing.World): the root
fixtures a registry test names are the world's — ``station`` and ``subdistrict`` its home
station and grid (which hold ``world.pharmacy``), ``inspector`` its station inspector,
``bureau_chief`` its drug section's chief."""

from __future__ import annotations

import pytest

from yaoan.common.testing import World
from yaoan.core.models import OrgUnit, Subdistrict, User


@pytest.fixture
def station(world: World) -> OrgUnit:
    return world.station


@pytest.fixture
def subdistrict(world: World) -> Subdistrict:
    return world.grid


@pytest.fixture
def inspector(world: World) -> User:
    return world.inspector


@pytest.fixture
def bureau_chief(world: World) -> User:
    return world.chief
