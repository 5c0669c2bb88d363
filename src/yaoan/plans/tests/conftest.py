"""Every plans test starts with no extension registered (sources, done counters), whatever
other apps registered in their ready(); the registrations are restored afterwards.

The plans tests run on the shared test world (yaoan.common.testing.World), with its two
pharmacies closed (注销): a generated plan lists every open entity of the district, and
each test asserts exactly which entities its plan holds — those it adds itself."""

import pytest

from yaoan.common.testing import World
from yaoan.plans import extensions
from yaoan.registry.enums import EntityStatus
from yaoan.registry.models import Entity


@pytest.fixture
def world(db: None, world: World) -> World:
    shared = [world.pharmacy.pk, world.other_entity.pk]
    Entity.objects.filter(pk__in=shared).update(status=EntityStatus.CANCELLED)
    return world


@pytest.fixture(autouse=True)
def _no_extensions():
    saved = (dict(extensions.KEY_LIST_SOURCES), dict(extensions.DONE_COUNTERS))
    extensions.KEY_LIST_SOURCES.clear()
    extensions.DONE_COUNTERS.clear()
    yield
    extensions.KEY_LIST_SOURCES.clear()
    extensions.DONE_COUNTERS.clear()
    extensions.KEY_LIST_SOURCES.update(saved[0])
    extensions.DONE_COUNTERS.update(saved[1])
