"""Every plans list, page and API, makes as many queries for three rows as for one."""

from __future__ import annotations

import itertools

from yaoan.common.testing import (
    EntityFactory,
    World,
    api_client_for,
    assert_list_queries_flat,
    client_for,
)
from yaoan.plans import item_services, rule_services, services
from yaoan.registry.enums import EntityType

TYPES = [EntityType.WHOLESALER, EntityType.PHARMACY_CHAIN, EntityType.MEDICAL_INSTITUTION]


def test_plan_list_and_versions(world: World) -> None:
    EntityFactory(subdistrict=world.grid, name="清单药房")  # a plan of no entity is not submitted
    years = itertools.count(2027)
    client = client_for(world.chief)

    def add(i: int) -> None:
        services.generate_plan(year=next(years), actor=world.chief)

    assert_list_queries_flat(client, "/plans/", add)
    assert_list_queries_flat(api_client_for(world.chief), "/api/plans/annual-plans", add)

    def again(i: int) -> None:
        """Another approved version of the year's plan."""
        plan = services.generate_plan(year=2045, actor=world.chief)
        plan = services.submit_plan(actor=world.chief, plan=plan)
        services.approve_plan(actor=world.leader, plan=plan)

    assert_list_queries_flat(client, "/plans/year/2045/versions/", again)


def test_plan_items_and_history(world: World) -> None:
    plan = services.generate_plan(year=2027, actor=world.chief)

    def add(i: int) -> None:
        grid = [world.grid, world.other_grid][i % 2]
        entity = EntityFactory(subdistrict=grid, name=f"清单药房{i}")
        item_services.add_item(actor=world.chief, plan=plan, entity=entity, reason=f"专项检查{i}")

    clients = {user: client_for(user) for user in (world.chief, world.inspector)}
    for user, client in clients.items():
        assert_list_queries_flat(client, f"/plans/{plan.pk}/?q=清单", add)
        api = api_client_for(user)
        assert_list_queries_flat(api, f"/api/plans/annual-plans/{plan.pk}/items?q=清单", add)
    assert_list_queries_flat(clients[world.chief], f"/plans/{plan.pk}/history/", add)


def test_frequency_rules(world: World) -> None:
    conditions = itertools.product(TYPES, "BC")

    def add(i: int) -> None:
        entity_type, grade = next(conditions)
        data = {"entity_type": entity_type, "risk_grade": grade, "credit_class": "D"}
        data["min_visits"] = 4
        data["source"] = "年度工作要点"
        rule_services.create_frequency_rule(actor=world.chief, data=data, reason="年度调整")

    client = client_for(world.chief)
    assert_list_queries_flat(client, "/plans/rules/frequency/", add)
    assert_list_queries_flat(api_client_for(world.chief), "/api/plans/frequency-rules", add)
