"""Every inspections list, page and API, makes as many queries for three rows as for one:
inspections, rectification orders, results to publish and published, an inspection's
photos (attachments)."""

from __future__ import annotations

import datetime as dt
import io
import itertools

from django.test import Client
from django.utils import timezone
from freezegun import freeze_time
from PIL import Image

from yaoan.common.testing import World, api_client_for, assert_list_queries_flat, client_for
from yaoan.inspections import photos, publication
from yaoan.inspections.enums import InspectionKind
from yaoan.inspections.models import Inspection
from yaoan.inspections.tests.helpers import answer_all, schedule, submit


def visit(world: World, kind: str = InspectionKind.CAMPAIGN) -> Inspection:
    """A scheduled inspection of the pharmacy: a campaign's, or drawn (random)."""
    if kind == InspectionKind.RANDOM:
        return schedule(world)
    return schedule(world, kind, campaign="药品质量安全专项检查")


def submitted(world: World, minute: int, kind: str, failing: dict[str, str]) -> Inspection:
    """A submitted inspection; a minute apart, as each co-signature takes a fresh code."""
    with freeze_time(timezone.now() + dt.timedelta(minutes=minute)):
        return submit(world, answer_all(world, visit(world, kind), failing))


def test_inspection_lists(world: World) -> None:
    def add(i: int) -> None:
        visit(world)

    for user in (world.chief, world.inspector):
        assert_list_queries_flat(client_for(user), "/inspections/", add)
        assert_list_queries_flat(api_client_for(user), "/api/inspections/", add)


def test_rectification_lists(world: World) -> None:
    minutes = itertools.count(1)

    def add(i: int) -> None:
        submitted(world, next(minutes), InspectionKind.CAMPAIGN, {"2.1": "执业药师不在岗"})

    for user in (world.chief, world.inspector):
        assert_list_queries_flat(client_for(user), "/inspections/rectifications/", add)
        api = api_client_for(user)
        assert_list_queries_flat(api, "/api/inspections/rectifications/", add)


def test_publication_and_the_public_results(world: World) -> None:
    minutes = itertools.count(1)

    def add(i: int) -> Inspection:
        return submitted(world, next(minutes), InspectionKind.RANDOM, {"4.3": "无"} if i else {})

    assert_list_queries_flat(client_for(world.chief), "/inspections/publication/", add)

    def published(i: int) -> None:
        publication.publish_results(actor=world.chief, inspections=[add(i)])

    assert_list_queries_flat(Client(), "/public/inspections/", published)
    assert_list_queries_flat(Client(), "/api/public/inspection-results", published)


def test_an_inspections_photos(world: World) -> None:
    inspection = visit(world)
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (1, 2, 3)).save(buffer, "JPEG")

    def add(i: int) -> None:
        content = buffer.getvalue()
        photos.add_photo(
            actor=world.inspector, inspection=inspection, content=content, name="a.jpg"
        )

    url = f"/inspections/{inspection.pk}/"
    assert_list_queries_flat(client_for(world.inspector), url, add)
