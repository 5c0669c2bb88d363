"""The default rules on the demo district: every vaccination unit and cosmetics dealer is on
the list, the joint share is chosen, each station's quarters are balanced; the demo step
generates and approves the current year's plan once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from yaoan.analytics.planning import joint_count, spaced
from yaoan.core.actors import system_actor
from yaoan.core.demo.clock import go_live
from yaoan.plans import services
from yaoan.plans.demo import load_demo_plan
from yaoan.plans.enums import PlanStatus
from yaoan.plans.models import AnnualPlan, PlanItem
from yaoan.plans.queries import station_loads
from yaoan.registry import demo
from yaoan.registry.enums import EntityStatus, EntityType
from yaoan.registry.models import Entity

pytestmark = pytest.mark.django_db


def test_demo_district_plan_covers_the_mandated_categories():
    demo.load()
    plan = services.generate_plan(year=2027, actor=system_actor("plan-command"))
    items = {i.entity_id: i for i in PlanItem.objects.filter(plan=plan)}
    live = Entity.objects.filter(is_deleted=False).exclude(status=EntityStatus.CANCELLED)
    vaccine_units = set(
        live.filter(entity_type__in=[EntityType.VACCINATION_SITE, EntityType.CDC]).values_list(
            "pk", flat=True
        )
    )
    cosmetics = set(
        live.filter(entity_type=EntityType.COSMETICS_DEALER).values_list("pk", flat=True)
    )
    assert len(vaccine_units) >= 15 and len(cosmetics) >= 30
    assert vaccine_units <= items.keys()
    assert cosmetics <= items.keys()
    assert all("vaccine_unit" in items[pk].reason_codes for pk in vaccine_units)
    assert all("cosmetics_dealer" in items[pk].reason_codes for pk in cosmetics)
    cancelled = set(
        Entity.objects.filter(status=EntityStatus.CANCELLED).values_list("pk", flat=True)
    )
    assert cancelled and not cancelled & items.keys()
    joint = [i for i in items.values() if i.joint]
    assert len(joint) == joint_count(len(vaccine_units), 0.05) >= 1
    assert {i.entity_id for i in joint} <= vaccine_units
    assert all(sum(i.quarters) == i.required_count and spaced(i.quarters) for i in items.values())
    loads = station_loads(PlanItem.objects.filter(plan=plan))
    assert len(loads) == 3
    assert all(row.spread <= 1 for row in loads), [(r.station, r.quarters) for r in loads]


def test_demo_step_approves_the_current_year_once():
    demo.load(60)
    note = load_demo_plan()
    year = go_live(timezone.localdate()).year  # the year the demo's history begins in
    plan = AnnualPlan.objects.get(year=year)
    assert plan.status == PlanStatus.APPROVED
    assert plan.document_number.startswith("青江市监药检〔") and plan.document_number in note
    assert plan.approved_by.username == "qj.leader"
    assert load_demo_plan() == ""
    assert AnnualPlan.objects.filter(year=year).count() == 1
