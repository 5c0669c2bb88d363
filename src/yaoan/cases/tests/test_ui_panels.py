"""The cases panels: the dashboard counts the reader's open cases, the overdue ones in
scope and the clues waiting for a case; a business's profile lists its cases; the menu
offers the cases to those who read them."""

from __future__ import annotations

import pytest

from yaoan.cases import services
from yaoan.cases.tests.ui_helpers import NATIONAL_DAY_WEEK, opened
from yaoan.common.testing import World, client_for
from yaoan.core.sweep import sweep_deadlines

pytestmark = pytest.mark.django_db


def test_dashboard_panel_counts_mine_and_overdue(world: World) -> None:
    late = opened(world, discovered_on=NATIONAL_DAY_WEEK)
    opened(world, entity=world.other_entity)
    sweep_deadlines()
    page = client_for(world.officer).get("/home/").content.decode()
    assert 'data-testid="cases-panel"' in page
    mine = page.split('data-testid="cases-mine"')[1].split("</ul>")[0]
    assert late.number in mine and mine.count("<li>") == 2
    assert 'data-testid="cases-overdue-count">1<' in page
    # another station's inspector sees neither case counted
    other = client_for(world.other_inspector).get("/home/").content.decode()
    assert 'data-testid="cases-overdue-count">0<' in other


def test_entity_profile_lists_the_business_cases(world: World) -> None:
    case = opened(world)
    services.refuse_filing(case, actor=world.chief, end_reason="no_violation", reason="查无实据")
    page = client_for(world.chief).get(world.pharmacy.get_absolute_url()).content.decode()
    panel = page.split('data-testid="cases-entity-panel"')[1].split("</section>")[0]
    assert case.number in panel and "不予立案" in panel


def test_menu_offers_cases_to_readers_only(world: World) -> None:
    assert 'href="/cases/"' in client_for(world.inspector).get("/home/").content.decode()
    admin = client_for(world.system_admin)
    assert 'href="/cases/"' not in admin.get("/home/").content.decode()
    assert admin.get("/cases/").status_code == 403
