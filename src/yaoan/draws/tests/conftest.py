"""The draws tests run on the shared test world (yaoan.common.testing.World) with all of
its draw pool built: twelve entities in four grids, the eight station inspectors with
profiles and the member department's two — a draw over a handful of rows would not show a
ratio, a redraw or an avoidance rule doing anything."""

from __future__ import annotations

import pytest

from yaoan.common.testing import World
from yaoan.draws.enums import DrawKind, SelectionMode
from yaoan.draws.specs import DrawSpec


@pytest.fixture
def world(db: None, world: World) -> World:
    """The shared world with its draw pool built up front (its properties are lazy)."""
    world.entities, world.inspector_pool, world.health_inspectors  # noqa: B018
    return world


def spec(world: World, **overrides: object) -> DrawSpec:
    """Half of the world's entities, inspectors of both stations."""
    args: dict[str, object] = {
        "title": "2026年第一批药品零售双随机抽查",
        "kind": DrawKind.RANDOM,
        "selection_mode": SelectionMode.RATIO,
        "selection_value": 5000,
        "inspector_units": [world.station, world.other_station],
    }
    args.update(overrides)
    return DrawSpec(**args)  # type: ignore[arg-type]
