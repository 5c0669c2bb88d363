"""The staff API: list and detail scoped like the pages, filters, 404 outside the scope,
422 for bad filters, a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from yaoan.common.testing import OrgUnitFactory, UserFactory
from yaoan.core.enums import OrgUnitKind, Role
from yaoan.core.models import AuditEvent
from yaoan.core.services import issue_api_token
from yaoan.staff import services
from yaoan.staff.tests.factories import QualificationFactory

pytestmark = pytest.mark.django_db


def headers(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_api_token(user=user, name='测试')[1]}"}


def test_list_is_scoped_and_shaped(staffing):
    current = staffing.east_inspectors[0]
    QualificationFactory(holder=current, valid_until=dt.date(2030, 6, 30))
    response = Client().get("/api/staff/", **headers(staffing.east_chief))
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2 and {r["id"] for r in data["results"]} == {
        p.pk for p in staffing.east_inspectors
    }
    row = next(r for r in data["results"] if r["id"] == current.pk)
    assert row["profile"]["badge_number"] == "DC000"
    assert row["profile"]["home_subdistrict_id"] == staffing.subdistricts[0].pk
    assert (row["qualification_state"], row["certificate_valid_until"]) == ("current", "2030-06-30")
    other = next(r for r in data["results"] if r["id"] != current.pk)
    assert (other["qualification_state"], other["certificate_valid_until"]) == ("missing", None)


def test_list_filters(staffing):
    today = timezone.localdate()
    QualificationFactory(
        holder=staffing.west_inspectors[0], valid_until=today + dt.timedelta(days=30)
    )
    client, auth = Client(), headers(staffing.chief)
    expiring = client.get("/api/staff/?qualification=expiring", **auth).json()
    assert [r["id"] for r in expiring["results"]] == [staffing.west_inspectors[0].pk]
    by_unit = client.get(f"/api/staff/?unit_id={staffing.west.pk}", **auth).json()
    assert {r["id"] for r in by_unit["results"]} == {p.pk for p in staffing.west_inspectors}
    by_badge = client.get("/api/staff/?q=dc001", **auth).json()
    assert [r["id"] for r in by_badge["results"]] == [staffing.east_inspectors[1].pk]
    bad = client.get("/api/staff/?qualification=soon", **auth)
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"]


def test_detail_has_qualifications_and_conflicts_and_404s_outside_the_scope(staffing):
    person = staffing.east_inspectors[0]
    old = services.add_qualification(
        actor=staffing.chief,
        holder=person,
        certificate_number="ZF1",
        issuing_authority="重庆市人民政府",
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2026, 12, 31),
    )
    services.renew_qualification(
        actor=staffing.chief,
        qualification=old,
        valid_from=dt.date(2027, 1, 1),
        valid_until=dt.date(2031, 12, 31),
    )
    services.record_conflict(
        actor=staffing.chief, inspector=person, entity=staffing.east_entity, kind="relative"
    )
    client = Client()
    detail = client.get(f"/api/staff/{person.pk}", **headers(staffing.east_chief)).json()
    assert [(q["status"], q["valid_until"]) for q in detail["qualifications"]] == [
        ("active", "2031-12-31"),
        ("renewed", "2026-12-31"),
    ]
    assert [(c["entity_name"], c["kind"]) for c in detail["conflicts"]] == [
        ("东城药房", "relative")
    ]
    outsider = staffing.west_inspectors[0]
    missing = client.get(f"/api/staff/{outsider.pk}", **headers(staffing.east_chief))
    assert missing.status_code == 404 and "detail" in missing.json()
    assert AuditEvent.objects.filter(
        action="staff.access.denied", object_id=str(outsider.pk)
    ).exists()


def test_member_department_is_refused(staffing):
    health = OrgUnitFactory(code="dept-health", kind=OrgUnitKind.MEMBER_DEPARTMENT)
    liaison = UserFactory(org_unit=health, roles=[Role.LIAISON])
    response = Client().get("/api/staff/", **headers(liaison))
    assert response.status_code == 403 and response.json()["detail"] == "您无权查看执法人员信息。"
