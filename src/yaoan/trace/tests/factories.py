"""The trace tests' district in the registry: the same entities, licences and products as
the engine tests' synthetic district (yaoan.analytics.tests.trace.district)."""

from __future__ import annotations

from dataclasses import dataclass

from yaoan.analytics.tests.trace import district as d
from yaoan.common.testing import (
    EntityFactory,
    LicenceFactory,
    OrgUnitFactory,
    ProductFactory,
    StationFactory,
    SubdistrictFactory,
)
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit
from yaoan.registry.models import Entity


@dataclass
class District:
    station: OrgUnit  # the grid of every entity but PHARMACY_2
    other_station: OrgUnit  # the grid of PHARMACY_2
    entities: dict[str, Entity]


def district_in_registry() -> District:
    # the district's bureau: the unit of the ``yaoan trace`` command's actor (core.actors)
    bureau = OrgUnitFactory(code="trace-bureau", kind=OrgUnitKind.BUREAU)
    station, other = StationFactory(parent=bureau), StationFactory(parent=bureau)
    home, away = SubdistrictFactory(station=station), SubdistrictFactory(station=other)
    entities = {}
    for spec in d.REGISTRY["entities"]:
        entities[spec["uscc"]] = EntityFactory(
            uscc=spec["uscc"],
            name=spec["name"],
            entity_type=spec["entity_type"],
            subdistrict=away if spec["uscc"] == d.PHARMACY_2 else home,
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
    return District(station, other, entities)
