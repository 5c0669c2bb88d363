"""Who may be drawn and the certificate states: the list filter (a query) and the state a
row shows (Python) say the same thing for every kind of history a certificate can have."""

from __future__ import annotations

import datetime as dt

import pytest

from yaoan.common.testing import UserFactory
from yaoan.core.enums import Role
from yaoan.core.models import User
from yaoan.staff.enums import QualificationKind, QualificationStatus
from yaoan.staff.queries import drawable_profiles, qualification_state, state_condition
from yaoan.staff.tests.factories import InspectorProfileFactory, QualificationFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)
DAY = dt.timedelta(days=1)


def person(world, name, *certificates):
    user = UserFactory(org_unit=world.station, roles=[Role.INSPECTOR], display_name=name)
    InspectorProfileFactory(user=user)
    for fields in certificates:
        QualificationFactory(holder=user, valid_from=TODAY - 400 * DAY, **fields)
    return user


def test_states_and_the_draw_pool_agree(world):
    expected = {
        "有效": ("current", person(world, "有效", {"valid_until": TODAY + 61 * DAY})),
        "将到期": ("expiring", person(world, "将到期", {"valid_until": TODAY + 60 * DAY})),
        "今天到期": ("expiring", person(world, "今天到期", {"valid_until": TODAY})),
        "昨天过期": ("expired", person(world, "昨天过期", {"valid_until": TODAY - DAY})),
        "已撤销": (
            "expired",
            person(world, "已撤销", {"status": QualificationStatus.REVOKED}),
        ),
        "已换证": (
            "current",
            person(
                world,
                "已换证",
                {"status": QualificationStatus.RENEWED, "valid_until": TODAY - 10 * DAY},
                {"valid_until": TODAY + 900 * DAY},
            ),
        ),
        "只有检查员资格": (
            "missing",
            person(world, "只有检查员资格", {"kind": QualificationKind.DRUG_INSPECTOR}),
        ),
        "无证书": ("missing", person(world, "无证书")),
    }
    for name, (state, user) in expected.items():
        certificates = list(user.qualifications.filter(kind=QualificationKind.ENFORCEMENT))
        assert qualification_state(certificates, TODAY) == state, name
    ours = User.objects.filter(pk__in=[user.pk for _state, user in expected.values()])
    for state in ("current", "expiring", "expired", "missing"):
        found = set(ours.filter(state_condition(state, TODAY)).values_list("pk", flat=True))
        assert found == {user.pk for s, user in expected.values() if s == state}, state
    pool = {p.user.display_name for p in drawable_profiles([world.station.pk], TODAY)}
    lapsed = {"昨天过期", "已撤销"}
    assert pool == {p.display_name for p in [world.inspector, world.partner]} | (
        set(expected) - lapsed
    )
