"""The whole demo district, every step loaded: what each role meets in it (issue 14)."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from yaoan.common.demo_steps import DEMO_STEPS
from yaoan.core.models import User
from yaoan.registry import demo as registry_demo

pytestmark = pytest.mark.django_db


def test_every_inspector_on_a_demo_team_can_sign_in() -> None:
    registry_demo.load()
    for step in DEMO_STEPS:
        step.load()
    team = User.objects.filter(inspections__isnull=False).distinct()
    listed = {row.username for row in registry_demo.account_rows()}
    assert team.filter(username__startswith=registry_demo.POOL_PREFIX).exists()
    for user in team:
        assert TOTPDevice.objects.filter(
            user=user, confirmed=True, key=registry_demo.totp_key_hex(user.username)
        ).exists(), user.username
        assert user.check_password(registry_demo.DEMO_PASSWORD), user.username
        assert not user.must_change_password, user.username
        assert user.username in listed, user.username
