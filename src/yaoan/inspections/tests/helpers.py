"""Getting an inspection to any state through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from yaoan.common.testing import World, totp_code
from yaoan.draws import services as draw_services
from yaoan.draws.models import Draw
from yaoan.draws.specs import DrawSpec
from yaoan.inspections import scheduling, services
from yaoan.inspections.enums import InspectionKind, ItemResult
from yaoan.inspections.models import Inspection
from yaoan.plans import services as plan_services
from yaoan.plans.models import AnnualPlan, PlanItem
from yaoan.registry.models import Entity
from yaoan.staff import services as staff_services
from yaoan.staff.models import InspectorProfile


def profile_inspectors(world: World) -> None:
    """Draws take inspectors with a profile (a badge number) only."""
    for n, user in enumerate((world.inspector, world.partner)):
        if not InspectorProfile.objects.filter(user=user).exists():
            staff_services.save_profile(
                actor=world.chief,
                user=user,
                badge_number=f"YJ{user.pk:05d}{n}",
                home_subdistrict=None,
                posted_subdistricts=[],
            )


def draw(world: World, entity: Entity | None = None, **period: Any) -> Draw:
    """A committed and executed draw of one entity (the pharmacy unless told) over the
    station's two inspectors; executing it schedules the random inspection."""
    entity = entity or world.pharmacy
    profile_inspectors(world)
    spec = DrawSpec(
        title="2026年药品零售双随机抽查",
        kind="random",
        selection_mode="count",
        selection_value=1,
        inspector_units=[world.station],
        pool_filters={"q": entity.uscc},
        rules=frozenset(),
        **period,
    )
    committed = draw_services.commit_draw(actor=world.chief, spec=spec)
    return scheduling.execute_draw(actor=world.chief, draw=committed)


def schedule(world: World, kind: str = InspectionKind.RANDOM, **kwargs: Any) -> Inspection:
    """An inspection of ``kind``; a random one the only way there is: drawn."""
    if kind == InspectionKind.RANDOM:
        return Inspection.objects.get(draw=draw(world, kwargs.get("entity")))
    return scheduling.schedule_inspection(
        actor=kwargs.pop("actor", world.chief),
        entity=kwargs.pop("entity", world.pharmacy),
        kind=kind,
        scheduled_for=kwargs.pop("scheduled_for", timezone.localdate()),
        inspectors=kwargs.pop("inspectors", [world.inspector, world.partner]),
        **kwargs,
    )


def answer_all(
    world: World, inspection: Inspection, failing: dict[str, str] | None = None
) -> Inspection:
    """Answer every item compliant except ``failing`` (item number → note)."""
    failing = failing or {}
    records = {
        item.pk: (
            (ItemResult.NON_COMPLIANT, failing[item.number])
            if item.number in failing
            else (ItemResult.COMPLIANT, "")
        )
        for item in inspection.checklist.items.all()
    }
    return services.save_draft(actor=world.inspector, inspection=inspection, records=records)


def submit(world: World, inspection: Inspection, at: dt.datetime | None = None) -> Inspection:
    return services.submit_inspection(
        actor=world.inspector,
        inspection=inspection,
        co_inspector=world.partner,
        co_code=totp_code(world.partner, at),
    )


def approved_plan(world: World, year: int) -> AnnualPlan:
    """The year's plan generated and submitted by the chief, approved by the leader."""
    plan = plan_services.generate_plan(year=year, actor=world.chief)
    plan = plan_services.submit_plan(actor=world.chief, plan=plan)
    return plan_services.approve_plan(actor=world.leader, plan=plan)


def edit_quarters(plan: AnnualPlan, entity: Entity, quarters: list[int]) -> None:
    """Give a plan's item exactly these visits per quarter (as an approved plan may hold
    them), whatever the generator spread."""
    PlanItem.objects.filter(plan=plan, entity=entity).update(
        required_count=sum(quarters), **{f"q{n}": v for n, v in enumerate(quarters, start=1)}
    )
