"""The intake inbox, page and API, makes as many queries for three items as for one."""

from __future__ import annotations

import itertools

from yaoan.common.testing import World, api_client_for, assert_list_queries_flat, client_for
from yaoan.intake.tests.helpers import hand_on


def test_inbox_page_and_api(world: World) -> None:
    sources = itertools.count(100)

    def add(i: int) -> None:
        entity = [world.pharmacy, world.other_entity][i % 2]
        hand_on(world.inspector, entity, source_id=next(sources), kind=["clue", "risk"][i % 2])

    for user in (world.officer, world.chief, world.inspector):
        assert_list_queries_flat(client_for(user), "/intake/", add)
        assert_list_queries_flat(api_client_for(user), "/api/intake/", add)
