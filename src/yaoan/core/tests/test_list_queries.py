"""Every core list page makes as many queries for three rows as for one (no N+1)."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from yaoan.common.testing import (
    StationFactory,
    SubdistrictFactory,
    UserFactory,
    World,
    assert_list_queries_flat,
    client_for,
    sign_in,
)
from yaoan.core import audit
from yaoan.core.deadlines import open_deadline
from yaoan.core.enums import NotificationKind, Role
from yaoan.core.notifications import notify
from yaoan.core.services import issue_api_token


def test_audit_log(world: World) -> None:
    def add(i: int) -> None:
        entity = [world.pharmacy, world.other_entity, world.pharmacy][i]
        audit.record(
            "registry.entity.updated",
            actor=[world.chief, world.inspector, world.other_inspector][i],
            obj=entity,
            # a grid by id: the page names it, without a query per row
            before={"address": f"旧地址{i}", "subdistrict_id": world.grid.pk},
            after={"subdistrict_id": SubdistrictFactory(station=world.station).pk},
            reason=f"核实{i}",
        )

    assert_list_queries_flat(client_for(world.audit_admin), "/audit/?action=registry", add)


def test_account_list(world: World) -> None:
    def add(i: int) -> None:
        UserFactory(org_unit=StationFactory(), roles=[Role.INSPECTOR, Role.MONITORING])

    for admin in (world.system_admin, world.security_admin):
        assert_list_queries_flat(client_for(admin), "/admin-users/?q=user", add)


def test_org_tree(world: World) -> None:
    def add(i: int) -> None:
        station = StationFactory(parent=world.bureau)
        SubdistrictFactory(station=station)
        UserFactory(org_unit=station)

    assert_list_queries_flat(client_for(world.system_admin), "/org/", add)


def test_notifications(world: World) -> None:
    def add(i: int) -> None:
        notify(world.inspector, NotificationKind.ASSIGNED, f"分派给您：事项{i}", link="/home/")

    assert_list_queries_flat(client_for(world.inspector), "/notifications/", add)


def test_my_and_the_units_deadlines(world: World) -> None:
    def add(i: int) -> None:
        open_deadline(
            actor=world.chief,
            subject=[world.pharmacy, world.other_entity, world.station][i],
            rule_code="rectification",
            org_unit=world.station,
            assignee=world.inspector,
            start=timezone.localdate(),
            label=f"整改事项{i}",
            url="/home/",
        )

    client = client_for(world.inspector)
    assert_list_queries_flat(client, "/deadlines/", add)
    chief = UserFactory(org_unit=world.station, roles=[Role.SECTION_CHIEF])
    assert_list_queries_flat(client_for(chief), "/deadlines/unit/?state=all", lambda i: add(0))


def test_sessions_and_tokens(world: World) -> None:
    client = client_for(world.inspector)

    def another_session(i: int) -> None:
        # a minute apart: each sign-in needs a fresh one-time code
        with freeze_time(timezone.now() + dt.timedelta(minutes=i + 1)):
            sign_in(Client(), world.inspector)

    assert_list_queries_flat(client, "/me/sessions/", another_session)
    assert_list_queries_flat(
        client, "/me/tokens/", lambda i: issue_api_token(user=world.inspector, name=f"令牌{i}")
    )
