"""The double-random draw in public, end to end (双随机、一公开): the chief executes a draw,
anyone can read it on the public page and recompute it; the inspection it scheduled is
done, the chief publishes the result, and anyone finds it on the portal, page and API."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from freezegun import freeze_time

import yaoan.urls  # noqa: F401  (URLconf built before any clock is frozen)
from yaoan.analytics.draws import verify
from yaoan.common.testing import World, client_for, weekend_calendar_for_coming_years
from yaoan.inspections.models import Inspection
from yaoan.inspections.tests.helpers import answer_all, draw, submit

SPRING = dt.datetime(2026, 4, 1, 2, 0, tzinfo=dt.UTC)  # a Wednesday, 10:00 in the district


def test_a_drawn_visit_is_published_for_anyone_to_read(world: World) -> None:
    with freeze_time(SPRING):
        weekend_calendar_for_coming_years()
        executed = draw(world)
        inspection = Inspection.objects.get(draw=executed)
        public = Client()
        assert executed.title in public.get("/public/draws/").content.decode()
        detail = public.get(f"/public/draws/{executed.pk}/").content.decode()
        assert "仁济大药房" in detail
        # anyone recomputes the result from the published inputs and seed
        report = verify(public.get(f"/public/draws/{executed.pk}/draw.json").json())
        assert report.ok and report.entities_checked == 1

        submit(world, answer_all(world, inspection))
        assert "仁济大药房" not in public.get("/public/inspections/").content.decode()
        chief = client_for(world.chief)
        pending = chief.get("/inspections/publication/").content.decode()
        assert f'value="{inspection.pk}"' in pending
        published = chief.post("/inspections/publication/", {"inspection": [inspection.pk]})
        assert published.status_code == 302

    portal = public.get("/public/inspections/").content.decode()
    assert "仁济大药房" in portal
    results = public.get("/api/public/inspection-results").json()
    assert [r["entity_name"] for r in results["results"]] == ["仁济大药房"]
    # the other station's entity was never drawn, so it appears nowhere in public
    assert world.other_entity.name not in portal + detail
