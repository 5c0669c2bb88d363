"""The dashboard panel (my overdue and near-due complaints) and the entity profile's panel
(the complaints about the business, never who made them); the overdue filter of the list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yaoan.common.testing import World, client_for
from yaoan.complaints import services
from yaoan.complaints.tests.ui_helpers import receive

pytestmark = pytest.mark.django_db


def test_dashboard_lists_my_overdue_complaint(world: World) -> None:
    late = receive(
        world.inspector, world.pharmacy, received_at=timezone.now() - dt.timedelta(days=40)
    )
    services.accept_complaint(late, actor=world.inspector)
    fresh = receive(world.inspector, world.pharmacy)
    client = client_for(world.inspector)
    home = client.get("/home/").content.decode()
    panel = home[home.index('data-testid="complaints-panel"') :]
    mine = panel[panel.index('data-testid="complaints-overdue-mine"') :]
    assert late.number in mine and fresh.number not in mine
    listed = client.get("/complaints/?overdue=1").content.decode()
    assert late.number in listed and fresh.number not in listed
    stations = client_for(world.chief).get("/complaints/overdue/").content.decode()
    assert f"overdue=1&amp;station={world.station.pk}" in stations


def test_entity_profile_shows_complaints_without_the_reporter(world: World) -> None:
    complaint = receive(
        world.inspector, world.pharmacy, reporter_name="欧阳娜娜", reporter_phone="13912345678"
    )
    page = client_for(world.inspector).get(world.pharmacy.get_absolute_url()).content.decode()
    panel = page[page.index('data-testid="complaints-entity-panel"') :]
    panel = panel[: panel.index("</section>")]
    assert complaint.number in panel
    assert "欧阳" not in panel and "5678" not in panel and "139" not in panel
