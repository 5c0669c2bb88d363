"""The staff API: list and detail scoped like the pages, filters, 404 outside the scope,
422 for bad filters, a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from yaoan.common.testing import UserFactory
from yaoan.core.enums import Role
from yaoan.core.models import AuditEvent
from yaoan.core.services import issue_api_token
from yaoan.staff import services
from yaoan.staff.tests.factories import QualificationFactory

pytestmark = pytest.mark.django_db


def headers(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_api_token(user=user, name='测试')[1]}"}


def test_list_is_scoped_and_shaped(world):
    current = world.inspector
    QualificationFactory(holder=current, valid_until=dt.date(2030, 6, 30))
    response = Client().get("/api/staff/", **headers(world.station_chief))
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2 and {r["id"] for r in data["results"]} == {
        p.pk for p in [world.inspector, world.partner]
    }
    row = next(r for r in data["results"] if r["id"] == current.pk)
    assert row["profile"]["badge_number"] == "QJ000"
    assert row["profile"]["home_subdistrict_id"] == world.grid.pk
    assert (row["qualification_state"], row["certificate_valid_until"]) == ("current", "2030-06-30")
    other = next(r for r in data["results"] if r["id"] != current.pk)
    assert (other["qualification_state"], other["certificate_valid_until"]) == ("missing", None)


def test_list_filters(world):
    today = timezone.localdate()
    QualificationFactory(holder=world.other_inspector, valid_until=today + dt.timedelta(days=30))
    client, auth = Client(), headers(world.chief)
    expiring = client.get("/api/staff/?qualification=expiring", **auth).json()
    assert [r["id"] for r in expiring["results"]] == [world.other_inspector.pk]
    by_unit = client.get(f"/api/staff/?unit_id={world.other_station.pk}", **auth).json()
    assert {r["id"] for r in by_unit["results"]} == {
        p.pk for p in [world.other_inspector, world.other_partner]
    }
    by_badge = client.get("/api/staff/?q=qj001", **auth).json()
    assert [r["id"] for r in by_badge["results"]] == [world.partner.pk]
    bad = client.get("/api/staff/?qualification=soon", **auth)
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"]


def test_detail_has_qualifications_and_conflicts_and_404s_outside_the_scope(world):
    person = world.inspector
    old = services.add_qualification(
        actor=world.chief,
        holder=person,
        certificate_number="ZF1",
        issuing_authority="重庆市人民政府",
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2026, 12, 31),
    )
    services.renew_qualification(
        actor=world.chief,
        qualification=old,
        valid_from=dt.date(2027, 1, 1),
        valid_until=dt.date(2031, 12, 31),
    )
    services.record_conflict(
        actor=world.chief, inspector=person, entity=world.pharmacy, kind="relative"
    )
    client = Client()
    detail = client.get(f"/api/staff/{person.pk}", **headers(world.station_chief)).json()
    assert [(q["status"], q["valid_until"]) for q in detail["qualifications"]] == [
        ("active", "2031-12-31"),
        ("renewed", "2026-12-31"),
    ]
    assert [(c["entity_name"], c["kind"]) for c in detail["conflicts"]] == [
        ("仁济大药房", "relative")
    ]
    outsider = world.other_inspector
    missing = client.get(f"/api/staff/{outsider.pk}", **headers(world.station_chief))
    assert missing.status_code == 404 and "detail" in missing.json()
    assert AuditEvent.objects.filter(
        action="staff.access.denied", object_id=str(outsider.pk)
    ).exists()


def test_member_department_is_refused(world):
    liaison = UserFactory(org_unit=world.health, roles=[Role.LIAISON])
    response = Client().get("/api/staff/", **headers(liaison))
    assert response.status_code == 403 and response.json()["detail"] == "您无权查看执法人员信息。"
