"""What inspections gives draws and plans: a drawn entity becomes a random inspection with
the drawn team (a redraw cancels the old ones), the last team feeds the avoidance rule,
completed inspections feed coverage, critical findings feed the key list."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time

import yaoan.urls  # noqa: F401  (freezegun: import the URLconf before freezing time)
from yaoan.draws import services as draw_services
from yaoan.inspections import hooks
from yaoan.inspections.enums import InspectionKind, InspectionStatus
from yaoan.inspections.models import Inspection
from yaoan.inspections.tests.helpers import Site, answer_all, draw, schedule, submit
from yaoan.plans.extensions import KEY_LIST_SOURCES, done_counter

pytestmark = pytest.mark.django_db


def test_an_executed_draw_schedules_random_inspections_with_the_drawn_team(site: Site) -> None:
    drawn = draw(site)
    inspection = Inspection.objects.get(draw=drawn)
    assert inspection.kind == InspectionKind.RANDOM
    assert inspection.entity == site.pharmacy
    assert set(inspection.inspectors.all()) == {site.inspector, site.partner}
    assert "双随机抽取" in inspection.reason


def test_a_redraw_cancels_the_old_draws_waiting_inspections(site: Site) -> None:
    old = draw(site)
    new = draw_services.redraw(actor=site.chief, draw=old, reason="抽取范围设置有误")  # type: ignore[arg-type]
    draw_services.execute_draw(actor=site.chief, draw=new)
    assert Inspection.objects.get(draw=old).status == InspectionStatus.CANCELLED
    assert Inspection.objects.get(draw=new).status == InspectionStatus.SCHEDULED


def test_last_inspectors_are_the_latest_submitted_team(site: Site) -> None:
    assert hooks.last_inspectors([site.pharmacy.pk]) == {}
    submit(site, answer_all(site, schedule(site)))
    assert hooks.last_inspectors([site.pharmacy.pk]) == {
        site.pharmacy.pk: {site.inspector.pk, site.partner.pk}
    }


def test_coverage_counts_completed_inspections_of_the_year(site: Site) -> None:
    with freeze_time(dt.datetime(2026, 6, 10, 2, 0, tzinfo=dt.UTC)):
        submit(site, answer_all(site, schedule(site)))
    schedule(site)  # not done yet
    counter = done_counter()
    assert counter is not None
    assert counter(2026) == {site.pharmacy.pk: 1}
    assert counter(2025) == {}


def test_critical_finding_puts_the_entity_on_next_years_key_list(site: Site) -> None:
    with freeze_time(dt.datetime(2026, 6, 10, 2, 0, tzinfo=dt.UTC)):
        submit(site, answer_all(site, schedule(site), {"4.2": "冷藏柜温度12℃"}))
    with freeze_time(dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)):
        selected = KEY_LIST_SOURCES["serious_finding"](2027)
    assert list(selected) == [site.pharmacy.pk]
    assert "严重缺陷 1 项" in selected[site.pharmacy.pk]


def approved_plan(site: Site, year: int) -> object:
    from yaoan.plans import services as plan_services

    plan = plan_services.generate_plan(year=year, actor=site.chief)
    plan = plan_services.submit_plan(actor=site.chief, plan=plan)
    return plan_services.approve_plan(actor=site.chief, plan=plan)


def test_a_quarter_of_the_approved_plan_becomes_planned_inspections(site: Site) -> None:
    from django.core.exceptions import ValidationError

    from yaoan.inspections import services

    with freeze_time(dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)):
        with pytest.raises(ValidationError) as exc:
            services.schedule_from_plan(
                actor=site.chief, year=2026, quarter=1, station=site.station
            )
        assert "尚未批准" in str(exc.value)
        plan = approved_plan(site, 2026)
        item = plan.items.get(entity=site.pharmacy)  # type: ignore[attr-defined]
        quarter = next(q for q in (1, 2, 3, 4) if item.quarters[q - 1])
        count = services.schedule_from_plan(
            actor=site.chief, year=2026, quarter=quarter, station=site.station
        )
        again = services.schedule_from_plan(
            actor=site.chief, year=2026, quarter=quarter, station=site.station
        )
    planned = Inspection.objects.filter(kind=InspectionKind.PLANNED, entity=site.pharmacy)
    assert count == item.quarters[quarter - 1] == planned.count() >= 1
    assert again == 0
    start, end = services.quarter_span(2026, quarter)
    for inspection in planned:
        assert start <= inspection.scheduled_for <= end
        assert set(inspection.inspectors.all()) == {site.inspector, site.partner}
        assert inspection.plan_year == 2026


def test_joint_items_of_the_plan_carry_the_partner_department(site: Site) -> None:
    from django.core.exceptions import ValidationError

    from yaoan.common.testing import EntityFactory, OrgUnitFactory, UserFactory
    from yaoan.core.enums import OrgUnitKind
    from yaoan.inspections import services

    health = OrgUnitFactory(kind=OrgUnitKind.MEMBER_DEPARTMENT, name="区卫生健康委员会")
    doctor = UserFactory(org_unit=health, display_name="卫健委检查员")
    site_entity = EntityFactory(
        subdistrict=site.pharmacy.subdistrict,
        entity_type="vaccination_site",
        name="江城社区接种门诊",
    )
    with freeze_time(dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)):
        plan = approved_plan(site, 2026)
        item = plan.items.get(entity=site_entity)  # type: ignore[attr-defined]
        assert item.joint  # the only vaccine unit: 5%, at least one
        quarter = next(q for q in (1, 2, 3, 4) if item.quarters[q - 1])
        with pytest.raises(ValidationError) as exc:
            services.schedule_from_plan(
                actor=site.chief, year=2026, quarter=quarter, station=site.station
            )
        assert "联合检查部门" in str(exc.value)
        services.schedule_from_plan(
            actor=site.chief,
            year=2026,
            quarter=quarter,
            station=site.station,
            joint_department=health,
        )
    joint = Inspection.objects.filter(entity=site_entity)
    assert joint.exists() and all(i.joint_department == health for i in joint)
    assert all(doctor in i.inspectors.all() for i in joint)
    assert not Inspection.objects.filter(entity=site.pharmacy, joint_department__isnull=False)


def test_demo_reports_an_unknown_calendar_year_instead_of_failing() -> None:
    from yaoan.core.models import CalendarYearOverride
    from yaoan.inspections import demo
    from yaoan.registry import demo as registry_demo

    with freeze_time(dt.datetime(2026, 12, 20, 2, 0, tzinfo=dt.UTC)):
        registry_demo.load()
        Inspection.objects.all().delete()  # the draws step's inspections: start afresh
        CalendarYearOverride.objects.all().delete()
        assert "演示检查记录未生成" in demo.load()
    assert not Inspection.objects.filter(draw__isnull=True).exists()
