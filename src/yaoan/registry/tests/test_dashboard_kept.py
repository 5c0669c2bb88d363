"""The dashboard keeps each panel's HTML until something is recorded (a write moves the
audit chain's head), per user: summaries are not recomputed on every visit, and never
shown stale after a change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from yaoan.common.panels import PANELS, Panel, register_panel
from yaoan.common.testing import EntityFactory, UserFactory, sign_in
from yaoan.core import audit
from yaoan.core.enums import OrgUnitKind, Role
from yaoan.registry import services as registry
from yaoan.registry.enums import LicenceKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def counting_panel() -> Iterator[list[int]]:
    calls: list[int] = []

    def render(request: Any, obj: Any) -> str:
        calls.append(request.user.pk)
        return f'<p data-testid="counted">第{len(calls)}次</p>'

    panel = Panel(999, "dashboard", render)
    register_panel(panel)
    cache.clear()
    yield calls
    PANELS.remove(panel)
    cache.clear()


def _home(client: Client) -> str:
    response = client.get("/home/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_panel_is_kept_until_something_is_recorded(counting_panel: list[int]) -> None:
    user = UserFactory(roles=[Role.INSPECTOR])
    client = Client()
    sign_in(client, user)

    assert "第1次" in _home(client)
    assert "第1次" in _home(client)  # nothing recorded in between: kept
    assert counting_panel == [user.pk]

    audit.record("core.test.changed", actor=user, object_type="test")
    assert "第2次" in _home(client)
    assert counting_panel == [user.pk, user.pk]


def test_each_user_has_their_own_panels(counting_panel: list[int]) -> None:
    first, second = UserFactory(roles=[Role.INSPECTOR]), UserFactory(roles=[Role.INSPECTOR])
    for user in (first, second):
        client = Client()
        sign_in(client, user)
        _home(client)
    # signing in is itself recorded, so count the renders per user, not in total
    assert set(counting_panel) == {first.pk, second.pk}


def test_a_licence_added_shows_on_the_next_visit() -> None:
    cache.clear()
    user = UserFactory(roles=[Role.INSPECTOR], org_unit__kind=OrgUnitKind.BUREAU)
    entity = EntityFactory()
    client = Client()
    sign_in(client, user)
    assert "30天内 0" in _home(client)

    registry.add_licence(
        actor=user,
        entity=entity,
        data={
            "kind": LicenceKind.DRUG_RETAIL,
            "number": "渝CA7654321",
            "valid_from": timezone.localdate() - dt.timedelta(days=1800),
            "valid_until": timezone.localdate() + dt.timedelta(days=10),
        },
    )
    assert "30天内 1" in _home(client)
