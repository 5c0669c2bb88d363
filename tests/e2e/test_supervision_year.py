"""A year of supervision across the apps, as the people involved see it in their pages:
the annual plan approved → a double-random draw executed → the visit on the inspector's
list → the inspection with a serious finding → a rectification order with its deadline →
the finding handed to the intake inbox → next year's plan puts the pharmacy on the key
list. And the refused path: another station's inspector is shown none of it (404)."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from freezegun import freeze_time

import yaoan.urls  # noqa: F401  (URLconf built before any clock is frozen)
from yaoan.common.testing import World, client_for, weekend_calendar_for_coming_years
from yaoan.inspections.enums import InspectionResult, InspectionStatus, RectificationStatus
from yaoan.inspections.models import Inspection
from yaoan.inspections.tests.helpers import answer_all, approved_plan, draw, submit
from yaoan.intake.models import IntakeItem
from yaoan.plans import services as plan_services
from yaoan.plans.models import PlanItem

SPRING = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # a Monday, 10:00 in the district
SUMMER = dt.datetime(2026, 6, 10, 2, 0, tzinfo=dt.UTC)  # a Wednesday
AUTUMN = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # next year's plan is drawn up


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def inspected_with_a_serious_finding(world: World) -> Inspection:
    """Spring: the year's plan approved, a draw executed; summer: the visit done."""
    with freeze_time(SPRING):
        weekend_calendar_for_coming_years()
        plan = approved_plan(world, 2026)
        assert plan.status == "approved"
        executed = draw(world)
        inspection = Inspection.objects.get(draw=executed)
        listed = page(client_for(world.inspector), "/inspections/")
        assert inspection.get_absolute_url() in listed and "仁济大药房" in listed
    with freeze_time(SUMMER):
        return submit(world, answer_all(world, inspection, {"1.1": "许可证已过期仍在经营"}))


def test_a_serious_finding_runs_through_rectification_intake_and_next_years_plan(
    world: World,
) -> None:
    inspection = inspected_with_a_serious_finding(world)
    assert (inspection.status, inspection.result) == (
        InspectionStatus.SUBMITTED,
        InspectionResult.SERIOUS,
    )
    order = inspection.rectification
    assert order.status == RectificationStatus.OPEN and order.deadline > SUMMER.date()

    with freeze_time(SUMMER + dt.timedelta(hours=1)):
        chief = client_for(world.chief)
        orders = page(chief, "/inspections/rectifications/")
        assert order.number in orders and "仁济大药房" in orders
        detail = page(chief, f"/inspections/rectifications/{order.pk}/")
        assert order.deadline.isoformat() in detail
        assert "整改" in page(client_for(world.inspector), "/deadlines/")

        finding = inspection.findings.get()
        escalated = chief.post(
            f"/inspections/findings/{finding.pk}/escalate/",
            {"targets": ["clue"], "summary": "无证经营药品，移交立案"},
        )
        assert escalated.status_code == 302
        clue = IntakeItem.objects.get(kind="clue")
        inbox = page(client_for(world.officer), "/intake/?kind=clue&status=new")
        assert f'href="/intake/{clue.pk}/"' in inbox and "仁济大药房" in inbox

    with freeze_time(AUTUMN):
        next_year = plan_services.generate_plan(year=2027, actor=world.chief)
        item = PlanItem.objects.get(plan=next_year, entity=world.pharmacy)
        assert "serious_finding" in [r["code"] for r in item.reasons]
        key_list = page(client_for(world.chief), f"/plans/{next_year.pk}/?reason=serious_finding")
        assert "仁济大药房" in key_list and world.other_entity.name not in key_list


def test_another_stations_inspector_sees_none_of_it(world: World) -> None:
    inspection = inspected_with_a_serious_finding(world)
    order = inspection.rectification
    with freeze_time(SUMMER + dt.timedelta(hours=1)):
        outsider = client_for(world.other_inspector)
        for url in (
            inspection.get_absolute_url(),
            f"/inspections/rectifications/{order.pk}/",
            world.pharmacy.get_absolute_url(),
            f"/api/inspections/{inspection.pk}",
        ):
            assert outsider.get(url).status_code == 404, url
        assert inspection.get_absolute_url() not in page(outsider, "/inspections/")
        assert order.number not in page(outsider, "/inspections/rectifications/")
        # the inspector of the pharmacy's own station opens the same pages
        own = client_for(world.inspector)
        assert own.get(f"/inspections/rectifications/{order.pk}/").status_code == 200
