"""Executing a draw schedules its visits, through one call a reader can follow
(inspections.scheduling.execute_draw): the drawn teams, spread over the working days of
the draw's inspection period, never in the past; a redraw cancels the old draw's visits.
Nothing here is monkeypatched: the real scheduling runs."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

import yaoan.urls  # noqa: F401  (freezegun: import the URLconf before freezing time)
from yaoan.common.testing import sign_in
from yaoan.core.calendar import WorkingCalendar
from yaoan.core.models import Notification
from yaoan.core.transitions import allowed_actions
from yaoan.draws import services as draw_services
from yaoan.draws.enums import DrawStatus
from yaoan.draws.models import Draw
from yaoan.draws.specs import DrawSpec
from yaoan.draws.workflow import DRAW
from yaoan.inspections import scheduling
from yaoan.inspections.enums import InspectionKind, InspectionStatus
from yaoan.inspections.models import Inspection
from yaoan.inspections.tests.helpers import World, draw, profile_inspectors
from yaoan.registry.models import Entity

pytestmark = pytest.mark.django_db


def test_an_executed_draw_schedules_random_inspections_with_the_drawn_team(world: World) -> None:
    drawn = draw(world)
    inspection = Inspection.objects.get(draw=drawn)
    assert inspection.kind == InspectionKind.RANDOM
    assert inspection.entity == world.pharmacy
    assert set(inspection.inspectors.all()) == {world.inspector, world.partner}
    assert "双随机抽取" in inspection.reason


def test_a_redraw_cancels_the_old_draws_waiting_inspections(world: World) -> None:
    old = draw(world)
    new = draw_services.redraw(actor=world.chief, draw=old, reason="抽取范围设置有误")  # type: ignore[arg-type]
    scheduling.execute_draw(actor=world.chief, draw=new)
    assert Inspection.objects.get(draw=old).status == InspectionStatus.CANCELLED
    assert Inspection.objects.get(draw=new).status == InspectionStatus.SCHEDULED


def test_a_redraw_of_an_unexecuted_redraw_cancels_the_first_draws_inspections(
    world: World,
) -> None:
    first = draw(world)
    second = draw_services.redraw(actor=world.chief, draw=first, reason="人员变动")  # type: ignore[arg-type]
    # the first draw's inspections stay until a redraw is executed: no gap without any
    assert Inspection.objects.get(draw=first).status == InspectionStatus.SCHEDULED
    third = draw_services.redraw(actor=world.chief, draw=second, reason="再次调整")
    scheduling.execute_draw(actor=world.chief, draw=third)
    cancelled = Inspection.objects.get(draw=first)
    assert cancelled.status == InspectionStatus.CANCELLED
    live = Inspection.objects.filter(entity=world.pharmacy).exclude(
        status=InspectionStatus.CANCELLED
    )
    assert [i.draw_id for i in live] == [third.pk]


def _committed(world: World, entities: list[Entity], **period: object) -> Draw:
    profile_inspectors(world)
    spec = DrawSpec(
        title="2026年第四季度双随机抽查",
        kind="random",
        selection_mode="count",
        selection_value=len(entities),
        inspector_units=[world.station],
        pool_filters={"station": str(world.station.pk)},
        rules=frozenset(),
        **period,  # type: ignore[arg-type]
    )
    return draw_services.commit_draw(actor=world.chief, spec=spec)


@freeze_time("2026-12-07 02:00:00")  # a Monday
def test_drawn_visits_are_spread_over_the_working_days_of_the_period(world: World) -> None:
    entities = [world.pharmacy, *[_entity_like(world, n) for n in range(3)]]
    committed = _committed(
        world, entities, visits_from=dt.date(2026, 12, 8), visits_until=dt.date(2026, 12, 18)
    )
    scheduling.execute_draw(actor=world.chief, draw=committed)
    days = sorted(Inspection.objects.filter(draw=committed).values_list("scheduled_for", flat=True))
    assert len(days) == 4
    assert days[0] == dt.date(2026, 12, 8) and days[-1] <= dt.date(2026, 12, 18)
    assert len(set(days)) == 4  # not all due on one day
    calendar = WorkingCalendar()
    assert all(calendar.is_workday(day) for day in days)


@freeze_time("2026-11-16 02:00:00")
def test_the_default_period_is_the_rest_of_the_quarter(world: World) -> None:
    drawn = draw(world)
    # the drawn team is told: "assigned to you", with a link to the visit
    visit = Inspection.objects.get(draw=drawn)
    for user in (world.inspector, world.partner):
        notice = Notification.objects.get(recipient=user, kind="assigned")
        assert notice.link == visit.get_absolute_url() and "仁济大药房" in notice.title
    assert (drawn.visits_from, drawn.visits_until) == (dt.date(2026, 11, 16), dt.date(2026, 12, 31))
    assert Inspection.objects.get(draw=drawn).scheduled_for == dt.date(2026, 11, 16)


def test_a_period_starting_in_the_past_or_ending_before_it_starts_is_refused(world: World) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        _committed(world, [world.pharmacy], visits_from=today - dt.timedelta(days=1))
    assert caught.value.error_dict["visits_from"][0].code == "in_the_past"
    assert "不能早于今天" in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        _committed(
            world,
            [world.pharmacy],
            visits_from=today + dt.timedelta(days=5),
            visits_until=today + dt.timedelta(days=2),
        )
    assert "visits_until" in caught.value.message_dict
    assert not Draw.objects.exists()


def test_a_draw_whose_period_is_over_is_not_executed(world: World) -> None:
    with freeze_time("2026-11-16 02:00:00"):
        committed = _committed(world, [world.pharmacy], visits_until=dt.date(2026, 11, 20))
    with freeze_time("2026-11-23 02:00:00"):
        # the page offers no 执行抽取 (the guard of the execute row), only 重新抽取
        offered = allowed_actions(DRAW, committed, world.chief, guards=draw_services.DRAW_GUARDS)
        assert [t.action for t in offered] == ["supersede"]
        with pytest.raises(ValidationError) as caught:
            scheduling.execute_draw(actor=world.chief, draw=committed)
    assert caught.value.code == "guard_failed"
    assert "检查期限已于 2026-11-20 结束" in caught.value.messages[0]
    committed.refresh_from_db()
    assert committed.status == DrawStatus.COMMITTED and committed.drawn_at is None
    assert not Inspection.objects.exists()


def test_a_visit_cannot_be_scheduled_in_the_past(world: World) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        scheduling.schedule_inspection(
            actor=world.chief,
            entity=world.pharmacy,
            kind=InspectionKind.PLANNED,
            scheduled_for=yesterday,
            inspectors=[world.inspector, world.partner],
        )
    assert caught.value.message_dict["scheduled_for"] == [
        f"计划检查日期（{yesterday.isoformat()}）不能早于今天"
    ]
    assert not Inspection.objects.exists()


def test_a_failing_visit_leaves_the_draw_unexecuted(world: World) -> None:
    committed = _committed(world, [world.pharmacy])
    # the drawn inspector loses the role between commitment and execution: the team check
    # of the visit refuses, and the draw's own result is rolled back with it
    world.partner.role_assignments.all().delete()
    with pytest.raises(ValidationError):
        scheduling.execute_draw(actor=world.chief, draw=committed)
    committed.refresh_from_db()
    assert committed.status == DrawStatus.COMMITTED and not committed.assignments.exists()


def test_the_draw_page_and_the_api_execute_and_schedule(world: World) -> None:
    page_draw = _committed(world, [world.pharmacy])
    client = Client()
    sign_in(client, world.chief)
    response = client.post(f"/inspections/draws/{page_draw.pk}/execute/", follow=True)
    assert "已安排 1 次检查" in response.content.decode()
    assert Inspection.objects.filter(draw=page_draw).count() == 1
    api_draw = draw_services.redraw(actor=world.chief, draw=page_draw, reason="重新抽取测试")
    response = client.post(f"/api/draws/{api_draw.pk}/execute")
    assert response.status_code == 200, response.content
    assert json.loads(response.content)["status"] == DrawStatus.DRAWN
    assert Inspection.objects.get(draw=page_draw).status == InspectionStatus.CANCELLED
    assert Inspection.objects.get(draw=api_draw).status == InspectionStatus.SCHEDULED
    again = client.post(f"/api/draws/{api_draw.pk}/execute")
    assert again.status_code == 409


def test_an_inspector_cannot_execute_a_draw(world: World) -> None:
    committed = _committed(world, [world.pharmacy])
    client = Client()
    sign_in(client, world.inspector)
    assert client.post(f"/inspections/draws/{committed.pk}/execute/").status_code == 403
    committed.refresh_from_db()
    assert committed.status == DrawStatus.COMMITTED


def _entity_like(world: World, n: int) -> Entity:
    from yaoan.common.testing import EntityFactory

    return EntityFactory(subdistrict=world.pharmacy.subdistrict, name=f"抽查药房{n}")
