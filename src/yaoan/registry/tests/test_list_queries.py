"""Every registry list, page and API, makes as many queries for three rows as for one."""

from __future__ import annotations

from yaoan.common.testing import (
    EntityFactory,
    LicenceFactory,
    ProductFactory,
    World,
    api_client_for,
    assert_list_queries_flat,
    client_for,
)


def test_entity_list_page_and_api(world: World) -> None:
    def add(i: int) -> None:
        LicenceFactory(entity=EntityFactory(subdistrict=world.grid, name=f"康宁药房{i}"))

    for user in (world.inspector, world.chief):
        assert_list_queries_flat(client_for(user), "/registry/entities/?q=康宁", add)
        assert_list_queries_flat(api_client_for(user), "/api/registry/entities?q=康宁", add)


def test_licence_lists(world: World) -> None:
    def add(i: int) -> None:
        LicenceFactory(entity=world.pharmacy)

    api = api_client_for(world.inspector)
    assert_list_queries_flat(api, "/api/registry/licences", add)
    url = f"/api/registry/entities/{world.pharmacy.pk}/licences"
    assert_list_queries_flat(api, url, add)


def test_product_list_page_and_api(world: World) -> None:
    def add(i: int) -> None:
        ProductFactory()

    assert_list_queries_flat(client_for(world.inspector), "/registry/products/", add)
    assert_list_queries_flat(api_client_for(world.inspector), "/api/registry/products", add)
