"""``yaoan plan generate --year Y``."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from yaoan.common.testing import UserFactory
from yaoan.core.actors import os_user, system_actor
from yaoan.core.enums import Role
from yaoan.core.models import AuditEvent
from yaoan.plans import rules, services
from yaoan.plans.enums import PlanStatus
from yaoan.plans.models import AnnualPlan
from yaoan.plans.tests.factories import entity, grid_of
from yaoan.registry.enums import EntityType

pytestmark = pytest.mark.django_db


def test_command_generates_a_draft_for_a_year_the_calendar_does_not_know(world):
    place = grid_of(world)
    entity(place["sub"], entity_type=EntityType.VACCINATION_SITE)
    out = io.StringIO()
    call_command("plan", "generate", "--year", "2027", stdout=out)
    plan = AnnualPlan.objects.get(year=2027)
    actor = system_actor("plan-command")
    assert "1 个对象" in out.getvalue() and plan.generated_by == actor
    event = AuditEvent.objects.get(action="plans.plan.generated")
    assert (event.actor, event.actor_username) == (actor, "system:plan-command")
    assert event.reason == f"cli:{os_user()}"


def test_the_command_actor_holds_only_the_chiefs_plan_powers(world):
    place = grid_of(world)
    entity(place["sub"], entity_type=EntityType.VACCINATION_SITE)
    call_command("plan", "generate", "--year", "2027", stdout=io.StringIO())
    actor = system_actor("plan-command")
    plan = AnnualPlan.objects.get(year=2027)
    assert rules.can_manage_plans(actor)
    assert not rules.is_plan_approver(actor)  # the leader approves (default configuration)
    # submitting and approving stay a person's act, whatever the actor's roles
    with pytest.raises(PermissionDenied):
        services.submit_plan(actor=actor, plan=plan)
    assert AnnualPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


def test_without_a_district_the_command_is_refused_like_a_person_without_scope():
    """No world: the command's actor works for the bureau, and there is none yet."""
    with pytest.raises(CommandError, match="只有股室负责人"):
        call_command("plan", "generate", "--year", "2027", stdout=io.StringIO())
    assert not AnnualPlan.objects.exists()


def test_command_acts_as_a_user_with_their_permissions(world):
    boss = UserFactory(username="plan.boss", org_unit=world.section, roles=[Role.SECTION_CHIEF])
    call_command("plan", "generate", "--year", "2027", "--user", "plan.boss", stdout=io.StringIO())
    assert AnnualPlan.objects.get(year=2027).generated_by == boss
    inspector = world.inspector
    with pytest.raises(CommandError):
        call_command("plan", "generate", "--year", "2028", "--user", inspector.username)
    with pytest.raises(CommandError, match="年度须在"):
        call_command("plan", "generate", "--year", "1990")
