"""Getting an inspection to any state through the real services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from yaoan.common.testing import totp_code
from yaoan.core.models import OrgUnit, User
from yaoan.draws import services as draw_services
from yaoan.draws.models import Draw
from yaoan.draws.services import DrawSpec
from yaoan.inspections import scheduling, services
from yaoan.inspections.enums import InspectionKind, ItemResult
from yaoan.inspections.models import Inspection
from yaoan.plans import services as plan_services
from yaoan.plans.models import AnnualPlan, PlanItem
from yaoan.plans.tests import factories as plan_factories
from yaoan.registry.models import Entity
from yaoan.staff import services as staff_services
from yaoan.staff.models import InspectorProfile


@dataclass
class Site:
    station: OrgUnit
    other_station: OrgUnit
    pharmacy: Entity
    other_entity: Entity
    inspector: User
    partner: User
    outsider: User
    chief: User


def profile_inspectors(site: Site) -> None:
    """Draws take inspectors with a profile (a badge number) only."""
    for n, user in enumerate((site.inspector, site.partner)):
        if not InspectorProfile.objects.filter(user=user).exists():
            staff_services.save_profile(
                actor=site.chief,
                user=user,
                badge_number=f"YJ{user.pk:05d}{n}",
                home_subdistrict=None,
                posted_subdistricts=[],
            )


def draw(site: Site, entity: Entity | None = None, **period: Any) -> Draw:
    """A committed and executed draw of one entity (the pharmacy unless told) over the
    station's two inspectors; executing it schedules the random inspection."""
    entity = entity or site.pharmacy
    profile_inspectors(site)
    spec = DrawSpec(
        title="2026年药品零售双随机抽查",
        kind="random",
        selection_mode="count",
        selection_value=1,
        inspector_units=[site.station],
        pool_filters={"q": entity.uscc},
        rules=frozenset(),
        **period,
    )
    committed = draw_services.commit_draw(actor=site.chief, spec=spec)
    return scheduling.execute_draw(actor=site.chief, draw=committed)


def schedule(site: Site, kind: str = InspectionKind.RANDOM, **kwargs: Any) -> Inspection:
    """An inspection of ``kind``; a random one the only way there is: drawn."""
    if kind == InspectionKind.RANDOM:
        return Inspection.objects.get(draw=draw(site, kwargs.get("entity")))
    return scheduling.schedule_inspection(
        actor=kwargs.pop("actor", site.chief),
        entity=kwargs.pop("entity", site.pharmacy),
        kind=kind,
        scheduled_for=kwargs.pop("scheduled_for", timezone.localdate()),
        inspectors=kwargs.pop("inspectors", [site.inspector, site.partner]),
        **kwargs,
    )


def answer_all(
    site: Site, inspection: Inspection, failing: dict[str, str] | None = None
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
    return services.save_draft(actor=site.inspector, inspection=inspection, records=records)


def submit(site: Site, inspection: Inspection, at: dt.datetime | None = None) -> Inspection:
    return services.submit_inspection(
        actor=site.inspector,
        inspection=inspection,
        co_inspector=site.partner,
        co_code=totp_code(site.partner, at),
    )


def approved_plan(site: Site, year: int) -> AnnualPlan:
    """The year's plan generated and submitted by the chief, approved by the leader."""
    plan = plan_services.generate_plan(year=year, actor=site.chief)
    plan = plan_services.submit_plan(actor=site.chief, plan=plan)
    return plan_services.approve_plan(actor=plan_factories.leader(), plan=plan)


def edit_quarters(plan: AnnualPlan, entity: Entity, quarters: list[int]) -> None:
    """Give a plan's item exactly these visits per quarter (as an approved plan may hold
    them), whatever the generator spread."""
    PlanItem.objects.filter(plan=plan, entity=entity).update(
        required_count=sum(quarters), **{f"q{n}": v for n, v in enumerate(quarters, start=1)}
    )
