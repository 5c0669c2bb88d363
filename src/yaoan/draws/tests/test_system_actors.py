"""A system actor (core.actors) holding the inspector's role is never drawn nor offered,
even if its row were switched on, given a profile and moved into a station."""

from __future__ import annotations

from yaoan.core.actors import system_actor
from yaoan.core.enums import Role
from yaoan.core.models import RoleAssignment, User
from yaoan.draws import services
from yaoan.draws.tests.conftest import spec
from yaoan.staff.queries import inspectors_visible_to
from yaoan.staff.tests.factories import InspectorProfileFactory


def planted_in(station):  # type: ignore[no-untyped-def]
    """The worst case: the demo actor's row switched on, made an inspector of the station."""
    actor = system_actor("demo")
    RoleAssignment.objects.create(user=actor, role=Role.INSPECTOR)
    User.objects.filter(pk=actor.pk).update(is_active=True, org_unit=station)
    InspectorProfileFactory(user=actor, badge_number="SYS001")
    return actor


def test_a_system_actor_is_not_in_the_draws_inspector_pool(world):
    actor = planted_in(world.station)
    draw = services.commit_draw(actor=world.chief, spec=spec(world))
    assert draw.inspector_pool_size == 8  # the world's eight station inspectors only
    draw = services.execute_draw(actor=world.chief, draw=draw)
    drawn = {u.pk for a in draw.assignments.all() for u in a.inspectors.all()}
    assert drawn and actor.pk not in drawn


def test_a_system_actor_is_not_offered_as_an_inspector(world):
    actor = planted_in(world.station)
    offered = set(inspectors_visible_to(world.chief).values_list("pk", flat=True))
    assert offered == {u.pk for u in world.inspector_pool + world.health_inspectors} - {actor.pk}
