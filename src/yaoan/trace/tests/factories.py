"""The trace engine's synthetic district (yaoan.analytics.tests.trace.district) entered in
the shared test world's registry: its entities, licences and products, with the codes the
engine tests' trace files name. Every entity sits in ``world.grid`` (``world.station``)
but PHARMACY_2, which sits in ``world.other_grid`` — the grid another station's staff must
not reach into."""

from __future__ import annotations

from yaoan.analytics.tests.trace import district as d
from yaoan.common.testing import EntityFactory, LicenceFactory, ProductFactory, World
from yaoan.registry.models import Entity


def trace_registry(world: World) -> dict[str, Entity]:
    """The engine district's registry rows added to ``world``; its entities by USCC."""
    entities = {}
    for spec in d.REGISTRY["entities"]:
        entities[spec["uscc"]] = EntityFactory(
            uscc=spec["uscc"],
            name=spec["name"],
            entity_type=spec["entity_type"],
            subdistrict=world.other_grid if spec["uscc"] == d.PHARMACY_2 else world.grid,
            handles_cold_chain=spec["handles_cold_chain"],
        )
    for spec in d.REGISTRY["licences"]:
        LicenceFactory(
            entity=entities[spec["uscc"]],
            kind=spec["kind"],
            valid_from=spec["valid_from"],
            valid_until=spec["valid_until"],
        )
    for spec in d.REGISTRY["products"]:
        ProductFactory(
            name=spec["name"],
            product_identifier=spec["product_key"],
            is_prescription=spec["is_prescription"],
            is_vaccine=spec["is_vaccine"],
            is_cold_chain=spec["is_cold_chain"],
        )
    return entities
