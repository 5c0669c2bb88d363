"""Every draws list, page and API, makes as many queries for three rows as for one."""

from __future__ import annotations

from django.test import Client

from yaoan.common.testing import World, api_client_for, assert_list_queries_flat, client_for
from yaoan.draws import services
from yaoan.draws.tests.conftest import spec


def test_draw_lists(world: World) -> None:
    def add(i: int) -> None:
        services.commit_draw(actor=world.chief, spec=spec(world, title=f"第{i}批抽查"))

    assert_list_queries_flat(client_for(world.chief), "/draws/", add)
    assert_list_queries_flat(Client(), "/public/draws/", add)
    assert_list_queries_flat(api_client_for(world.chief), "/api/draws/?page_size=200", add)
