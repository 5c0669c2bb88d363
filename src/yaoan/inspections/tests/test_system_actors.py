"""A system actor (core.actors) is never offered for a team nor accepted on one, even if
its row were switched on and made an inspector of the station."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from yaoan.core.actors import system_actor
from yaoan.core.enums import Role
from yaoan.core.models import RoleAssignment, User
from yaoan.inspections import scheduling
from yaoan.inspections.enums import InspectionKind
from yaoan.inspections.models import Inspection
from yaoan.inspections.queries import active_inspectors
from yaoan.inspections.tests.helpers import Site


def planted(site: Site) -> User:
    actor = system_actor("demo")
    RoleAssignment.objects.create(user=actor, role=Role.INSPECTOR)
    User.objects.filter(pk=actor.pk).update(is_active=True, org_unit=site.station)
    return User.objects.get(pk=actor.pk)


def test_a_system_actor_is_not_an_inspector_to_offer(site: Site) -> None:
    actor = planted(site)
    offered = set(active_inspectors().values_list("pk", flat=True))
    assert site.inspector.pk in offered
    assert actor.pk not in offered


def test_a_system_actor_is_refused_on_a_team(site: Site) -> None:
    actor = planted(site)
    with pytest.raises(ValidationError) as exc:
        scheduling.schedule_inspection(
            actor=site.chief,
            entity=site.pharmacy,
            kind=InspectionKind.COMPLAINT,
            scheduled_for=timezone.localdate(),
            inspectors=[site.inspector, actor],
            reason="群众投诉该店销售过期药品",
        )
    assert exc.value.message_dict == {"inspectors": ["以下人员不是检查员：演示数据装载"]}
    assert not Inspection.objects.exists()
