"""What inspections gives draws and plans through their extension points: the last team
feeds the avoidance rule, completed inspections feed coverage, critical findings feed the
key list. (Executing a draw is a direct call: test_draw_visits.py.)"""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time

import yaoan.urls  # noqa: F401  (freezegun: import the URLconf before freezing time)
from yaoan.inspections import hooks, plan_visits
from yaoan.inspections.enums import InspectionKind
from yaoan.inspections.models import Inspection
from yaoan.inspections.tests.helpers import (
    World,
    answer_all,
    approved_plan,
    edit_quarters,
    schedule,
    submit,
)
from yaoan.plans.extensions import KEY_LIST_SOURCES, done_counter

pytestmark = pytest.mark.django_db


def test_last_inspectors_are_the_latest_submitted_team(world: World) -> None:
    assert hooks.last_inspectors([world.pharmacy.pk]) == {}
    submit(world, answer_all(world, schedule(world)))
    assert hooks.last_inspectors([world.pharmacy.pk]) == {
        world.pharmacy.pk: {world.inspector.pk, world.partner.pk}
    }


def test_coverage_counts_completed_inspections_of_the_year(world: World) -> None:
    with freeze_time(dt.datetime(2026, 6, 10, 2, 0, tzinfo=dt.UTC)):
        submit(world, answer_all(world, schedule(world)))
    schedule(world)  # not done yet
    counter = done_counter()
    assert counter is not None
    assert counter(2026) == {world.pharmacy.pk: 1}
    assert counter(2025) == {}


def test_critical_finding_puts_the_entity_on_next_years_key_list(world: World) -> None:
    with freeze_time(dt.datetime(2026, 6, 10, 2, 0, tzinfo=dt.UTC)):
        submit(world, answer_all(world, schedule(world), {"4.2": "冷藏柜温度12℃"}))
    with freeze_time(dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)):
        selected = KEY_LIST_SOURCES["serious_finding"](2027)
    assert list(selected) == [world.pharmacy.pk]
    assert "严重缺陷 1 项" in selected[world.pharmacy.pk]


def test_a_quarter_of_the_approved_plan_becomes_planned_inspections(world: World) -> None:
    from django.core.exceptions import ValidationError

    with freeze_time(dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)):
        with pytest.raises(ValidationError) as exc:
            plan_visits.schedule_from_plan(
                actor=world.chief, year=2026, quarter=1, station=world.station
            )
        assert "尚未批准" in str(exc.value)
        plan = approved_plan(world, 2026)
        item = plan.items.get(entity=world.pharmacy)
        quarter = next(q for q in (1, 2, 3, 4) if item.quarters[q - 1])
        count = plan_visits.schedule_from_plan(
            actor=world.chief, year=2026, quarter=quarter, station=world.station
        )
        again = plan_visits.schedule_from_plan(
            actor=world.chief, year=2026, quarter=quarter, station=world.station
        )
    planned = Inspection.objects.filter(kind=InspectionKind.PLANNED, entity=world.pharmacy)
    assert count.scheduled == item.quarters[quarter - 1] == planned.count() >= 1
    assert again == plan_visits.PlanScheduling(0)
    start, end = plan_visits.quarter_span(2026, quarter)
    for inspection in planned:
        assert start <= inspection.scheduled_for <= end
        assert set(inspection.inspectors.all()) == {world.inspector, world.partner}
        assert inspection.plan_year == 2026


def test_joint_items_of_the_plan_carry_the_partner_department(world: World) -> None:
    from django.core.exceptions import ValidationError

    from yaoan.common.testing import EntityFactory, OrgUnitFactory, UserFactory
    from yaoan.core.enums import OrgUnitKind

    health = OrgUnitFactory(kind=OrgUnitKind.MEMBER_DEPARTMENT, name="区卫生健康委员会")
    doctor = UserFactory(org_unit=health, display_name="卫健委检查员")
    site_entity = EntityFactory(
        subdistrict=world.pharmacy.subdistrict,
        entity_type="vaccination_site",
        name="江城社区接种门诊",
    )
    with freeze_time(dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)):
        plan = approved_plan(world, 2026)
        item = plan.items.get(entity=site_entity)
        assert item.joint  # the only vaccine unit: 5%, at least one
        quarter = next(q for q in (1, 2, 3, 4) if item.quarters[q - 1])
        with pytest.raises(ValidationError) as exc:
            plan_visits.schedule_from_plan(
                actor=world.chief, year=2026, quarter=quarter, station=world.station
            )
        assert "联合检查部门" in str(exc.value)
        plan_visits.schedule_from_plan(
            actor=world.chief,
            year=2026,
            quarter=quarter,
            station=world.station,
            joint_department=health,
        )
    joint = Inspection.objects.filter(entity=site_entity)
    assert joint.exists() and all(i.joint_department == health for i in joint)
    assert all(doctor in i.inspectors.all() for i in joint)
    assert not Inspection.objects.filter(entity=world.pharmacy, joint_department__isnull=False)


def test_demo_works_in_december_before_next_year_is_loaded() -> None:
    import time_machine

    from yaoan.common.demo_steps import DEMO_STEPS
    from yaoan.core.models import CalendarYearOverride
    from yaoan.inspections import demo
    from yaoan.registry import demo as registry_demo

    with time_machine.travel(dt.datetime(2026, 12, 20, 2, 0, tzinfo=dt.UTC), tick=False):
        registry_demo.load(60)
        CalendarYearOverride.objects.all().delete()
        for step in DEMO_STEPS:
            if step.name != "inspections":
                step.load()
        # deadlines reaching 2027 are provisional: the demo's history is built all the same
        assert "演示检查：" in demo.load()
    assert Inspection.objects.filter(draw__isnull=True, status="submitted").exists()


def test_deleted_and_cancelled_entities_are_skipped_by_name(world: World) -> None:
    from yaoan.common.testing import EntityFactory
    from yaoan.registry.enums import EntityStatus
    from yaoan.registry.models import Entity

    sub = world.pharmacy.subdistrict
    gone = EntityFactory(subdistrict=sub, name="已删除药房")
    closed = EntityFactory(subdistrict=sub, name="已注销药房")
    with freeze_time(dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)):
        plan = approved_plan(world, 2026)
        for entity in (world.pharmacy, gone, closed):
            edit_quarters(plan, entity, [1, 0, 0, 0])
        # deregistered after the plan was approved
        Entity.objects.filter(pk=gone.pk).update(is_deleted=True)
        Entity.objects.filter(pk=closed.pk).update(status=EntityStatus.CANCELLED)
        done = plan_visits.schedule_from_plan(
            actor=world.chief, year=2026, quarter=1, station=world.station
        )
    assert done.skipped == ("已删除药房（已删除）", "已注销药房（已注销）")
    planned = Inspection.objects.filter(kind=InspectionKind.PLANNED)
    assert [i.entity for i in planned] == [world.pharmacy]
    assert done.scheduled == 1


def test_plan_visits_fall_on_working_days(world: World) -> None:
    from yaoan.core.calendar import is_workday

    with freeze_time(dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)):
        plan = approved_plan(world, 2026)
        edit_quarters(plan, world.pharmacy, [8, 0, 0, 0])
        plan_visits.schedule_from_plan(
            actor=world.chief, year=2026, quarter=1, station=world.station
        )
    days = sorted(
        Inspection.objects.filter(entity=world.pharmacy).values_list("scheduled_for", flat=True)
    )
    assert len(days) == 8 and all(is_workday(day) for day in days)
    # spread over the calendar, 2026-02-16 falls in the Spring Festival: the next working day
    assert dt.date(2026, 2, 16) not in days and dt.date(2026, 2, 24) in days
    assert days[-1] <= dt.date(2026, 3, 31)


def test_plan_visits_in_a_year_the_calendar_does_not_know_fall_on_provisional_workdays(
    world: World,
) -> None:
    with freeze_time(dt.datetime(2031, 1, 1, 2, 0, tzinfo=dt.UTC)):
        plan = approved_plan(world, 2031)
        edit_quarters(plan, world.pharmacy, [6, 0, 0, 0])
        plan_visits.schedule_from_plan(
            actor=world.chief, year=2031, quarter=1, station=world.station
        )
    days = sorted(
        Inspection.objects.filter(entity=world.pharmacy).values_list("scheduled_for", flat=True)
    )
    assert len(days) == 6
    assert all(day.weekday() < 5 for day in days)
    assert dt.date(2031, 1, 1) not in days  # 元旦, a statutory holiday even before the notice
