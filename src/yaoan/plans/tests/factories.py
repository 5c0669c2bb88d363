"""Factories and helpers for the plans tests (users, a small grid, plans)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from yaoan.common.testing import (
    EntityFactory,
    OrgUnitFactory,
    StationFactory,
    SubdistrictFactory,
    UserFactory,
    sign_in,
)
from yaoan.core.enums import AreaType, OrgUnitKind, Role
from yaoan.core.models import OrgUnit, User
from yaoan.plans import services
from yaoan.plans.models import AnnualPlan, PlanItem
from yaoan.registry.models import Entity


def bureau() -> OrgUnit:
    return OrgUnitFactory(
        code="test-bureau", name="青江区市场监督管理局", short_name="区局", kind=OrgUnitKind.BUREAU
    )


def chief(username: str | None = None) -> User:
    section = OrgUnitFactory(
        code="test-drug-section", name="药品安全监管股", kind=OrgUnitKind.SECTION, parent=bureau()
    )
    kwargs: dict[str, Any] = {"org_unit": section, "roles": [Role.SECTION_CHIEF]}
    if username:
        kwargs["username"] = username
    return UserFactory(**kwargs)


def leader(username: str = "test.leader") -> User:
    """The bureau's leader: the annual plan's approver under the default configuration."""
    found = User.objects.filter(username=username).first()
    return found or UserFactory(username=username, org_unit=bureau(), roles=[Role.LEADER])


def station_inspector(station: OrgUnit) -> User:
    return UserFactory(org_unit=station, roles=[Role.INSPECTOR])


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def grid(area_type: str = AreaType.URBAN) -> dict[str, Any]:
    station = StationFactory(parent=bureau())
    return {"station": station, "sub": SubdistrictFactory(station=station, area_type=area_type)}


def entity(sub: Any, **kwargs: Any) -> Entity:
    kwargs.setdefault("risk_grade", "A")
    kwargs.setdefault("credit_class", "A")
    return EntityFactory(subdistrict=sub, **kwargs)


def generated(year: int = 2027, actor: User | None = None) -> AnnualPlan:
    return services.generate_plan(year=year, actor=actor)


def approved(year: int = 2027, actor: User | None = None) -> AnnualPlan:
    plan = generated(year, actor)
    submitter = actor or User.objects.filter(username="plans.chief").first() or chief("plans.chief")
    services.submit_plan(actor=submitter, plan=plan)
    return services.approve_plan(actor=leader(), plan=plan)


def item_of(plan: AnnualPlan, target: Entity) -> PlanItem:
    return PlanItem.objects.get(plan=plan, entity=target)


def reason_codes(plan: AnnualPlan, target: Entity) -> list[str]:
    return [r["code"] for r in item_of(plan, target).reasons]
