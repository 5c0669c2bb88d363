"""``yaoan plan generate --year Y``."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from yaoan.core.models import AuditEvent
from yaoan.plans.models import AnnualPlan
from yaoan.plans.tests.factories import chief, entity, grid, station_inspector
from yaoan.registry.enums import EntityType

pytestmark = pytest.mark.django_db


def test_command_generates_a_draft_for_a_year_the_calendar_does_not_know():
    place = grid()
    entity(place["sub"], entity_type=EntityType.VACCINATION_SITE)
    out = io.StringIO()
    call_command("plan", "generate", "--year", "2027", stdout=out)
    plan = AnnualPlan.objects.get(year=2027)
    assert "1 个对象" in out.getvalue() and plan.generated_by is None
    event = AuditEvent.objects.get(action="plans.plan.generated")
    assert event.actor_username == "system:cli"


def test_command_acts_as_a_user_with_their_permissions():
    boss = chief(username="plan.boss")
    call_command("plan", "generate", "--year", "2027", "--user", "plan.boss", stdout=io.StringIO())
    assert AnnualPlan.objects.get(year=2027).generated_by == boss
    inspector = station_inspector(grid()["station"])
    with pytest.raises(CommandError):
        call_command("plan", "generate", "--year", "2028", "--user", inspector.username)
    with pytest.raises(CommandError, match="年度须在"):
        call_command("plan", "generate", "--year", "1990")
