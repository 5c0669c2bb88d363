"""The staff demo step on the loaded demo district: every profiled demo inspector holds a
执法证, two of the draws step's extra inspectors run out soon and one has lapsed, every demo
login stays drawable, and loading again changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from yaoan.common.demo_steps import DEMO_STEPS
from yaoan.registry import demo as registry_demo
from yaoan.staff.enums import QualificationKind
from yaoan.staff.models import InspectorProfile, Qualification
from yaoan.staff.queries import drawable_profiles, qualification_state

pytestmark = pytest.mark.django_db


def test_demo_inspectors_have_certificates_and_the_logins_stay_drawable() -> None:
    registry_demo.load()
    for step in DEMO_STEPS:
        step.load()
    today = timezone.localdate()
    profiles = list(InspectorProfile.objects.select_related("user"))
    certificates = Qualification.objects.filter(kind=QualificationKind.ENFORCEMENT)
    assert certificates.count() == len(profiles) > 0
    states = {
        p.user.username: qualification_state(list(certificates.filter(holder=p.user)), today)
        for p in profiles
    }
    assert sorted(states.values()).count("expiring") == 2
    assert sorted(states.values()).count("expired") == 1
    lapsed = next(name for name, state in states.items() if state == "expired")
    assert lapsed.startswith(registry_demo.POOL_PREFIX)
    units = {p.user.org_unit_id for p in profiles}
    drawable = {p.user.username for p in drawable_profiles(units, today)}
    assert drawable == set(states) - {lapsed}
    before = Qualification.objects.count()
    next(step for step in DEMO_STEPS if step.name == "staff").load()
    assert Qualification.objects.count() == before
