"""The staff pages: scope (a station chief sees only their station's inspectors; another
station's inspector is a 404 with an audit row), filters, query counts, and every form
going through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from yaoan.common.testing import UserFactory, sign_in
from yaoan.core.enums import Role
from yaoan.core.models import AuditEvent
from yaoan.staff import services
from yaoan.staff.models import InspectorConflict, InspectorProfile, Qualification
from yaoan.staff.tests.factories import QualificationFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    sign_in(client, user)
    return client


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_station_chief_sees_only_own_stations_inspectors(world):
    client = client_for(world.station_chief)
    listing = page(client, "/staff/")
    assert all(p.display_name in listing for p in [world.inspector, world.partner])
    assert not any(p.display_name in listing for p in [world.other_inspector, world.other_partner])
    outsider = world.other_inspector
    assert client.get(f"/staff/{outsider.pk}/").status_code == 404
    assert client.get(f"/staff/{outsider.pk}/profile/").status_code == 404
    refused = AuditEvent.objects.filter(action="staff.access.denied", object_id=str(outsider.pk))
    assert refused.count() == 2
    district = page(client_for(world.chief), "/staff/")
    assert all(p.display_name in district for p in [world.other_inspector, world.other_partner])


def test_list_filters_by_certificate_state_and_profile(world):
    today = timezone.localdate()
    current, expired = world.inspector, world.partner
    QualificationFactory(holder=current)
    QualificationFactory(holder=expired, valid_until=today - dt.timedelta(days=1))
    client = client_for(world.chief)
    only_expired = page(client, "/staff/?qualification=expired")
    assert expired.display_name in only_expired and current.display_name not in only_expired
    assert "已失效，不参加抽取" in only_expired
    missing = page(client, "/staff/?qualification=missing")
    assert world.other_inspector.display_name in missing
    assert current.display_name not in missing
    unprofiled = page(client, "/staff/?profile=no")
    assert world.other_partner.display_name in unprofiled
    assert current.display_name not in unprofiled
    found = page(client, "/staff/?q=QJ001")
    assert expired.display_name in found and current.display_name not in found


def test_chief_keeps_a_profile_and_certificates_through_the_pages(world):
    client = client_for(world.chief)
    person = world.other_inspector
    response = client.post(
        f"/staff/{person.pk}/profile/",
        {"badge_number": "xc500", "posted_subdistricts": [world.other_grid.pk]},
    )
    assert response["Location"] == f"/staff/{person.pk}/"
    assert InspectorProfile.objects.get(user=person).badge_number == "XC500"
    bad = client.post(
        f"/staff/{person.pk}/qualifications/new/",
        {
            "kind": "enforcement",
            "certificate_number": "ZF1",
            "issuing_authority": "重庆市人民政府",
            "valid_from": "2026-01-01",
            "valid_until": "2025-01-01",
        },
    )
    assert "有效期至不能早于有效期自" in bad.content.decode()
    client.post(
        f"/staff/{person.pk}/qualifications/new/",
        {
            "kind": "enforcement",
            "certificate_number": "ZF1",
            "issuing_authority": "重庆市人民政府",
            "valid_from": "2026-01-01",
            "valid_until": "2027-01-31",
            "product_classes": ["drug", "cosmetic"],
        },
    )
    q = Qualification.objects.get(holder=person)
    detail = page(client, f"/staff/{person.pk}/")
    assert "ZF1" in detail and "化妆品、药品" in detail and "XC500" in detail
    client.post(
        f"/staff/qualifications/{q.pk}/renew/",
        {"valid_from": "2027-01-01", "valid_until": "2032-01-31"},
    )
    renewed = Qualification.objects.get(renewal_of=q)
    assert renewed.valid_until == dt.date(2032, 1, 31)
    client.post(f"/staff/qualifications/{renewed.pk}/revoke/", {"reason": "调离执法岗位"})
    renewed.refresh_from_db()
    assert renewed.status == "revoked"
    assert "调离执法岗位" in page(client, f"/staff/{person.pk}/")


def test_inspector_reads_but_cannot_change_profiles(world):
    me = world.inspector
    client = client_for(me)
    detail = page(client, f"/staff/{me.pk}/")
    assert "QJ000" in detail and "修改档案" not in detail
    assert client.get(f"/staff/{me.pk}/profile/").status_code == 403
    q = QualificationFactory(holder=me)
    assert client.post(f"/staff/qualifications/{q.pk}/revoke/", {"reason": "x"}).status_code == 403
    assert Qualification.objects.get(pk=q.pk).status == "active"


def test_conflict_pages_record_and_remove(world):
    client = client_for(world.chief)
    person = world.inspector
    bad = client.post(
        "/staff/conflicts/",
        {"inspector": person.pk, "entity_uscc": "91500000MA0000000X", "kind": "relative"},
    )
    assert "没有统一社会信用代码为" in bad.content.decode()
    client.post(
        "/staff/conflicts/",
        {
            "inspector": person.pk,
            "entity_uscc": world.pharmacy.uscc.lower(),
            "kind": "relative",
            "note": "表亲",
        },
    )
    conflict = InspectorConflict.objects.get()
    assert conflict.entity == world.pharmacy and conflict.recorded_by == world.chief
    assert "表亲" in page(client, f"/staff/{person.pk}/")
    client.post(f"/staff/conflicts/{conflict.pk}/remove/", {"reason": "登记错误"})
    conflict.refresh_from_db()
    assert conflict.is_removed and conflict.removed_reason == "登记错误"
    assert client.get(f"/staff/conflicts/{conflict.pk}/remove/").status_code == 404


def test_station_chief_cannot_remove_another_stations_conflict(world):
    conflict = services.record_conflict(
        actor=world.chief,
        inspector=world.other_inspector,
        entity=world.other_entity,
        kind="other",
    )
    client = client_for(world.station_chief)
    assert (
        client.post(f"/staff/conflicts/{conflict.pk}/remove/", {"reason": "x"}).status_code == 404
    )
    assert not InspectorConflict.objects.get(pk=conflict.pk).is_removed
    assert AuditEvent.objects.filter(
        action="staff.access.denied", object_type="staff.inspectorconflict"
    ).exists()


def test_member_department_sees_no_staff_pages(world):
    liaison = UserFactory(org_unit=world.health, roles=[Role.LIAISON])
    assert client_for(liaison).get("/staff/").status_code == 403


def test_nav_and_dashboard_panel_show_certificates_running_out(world):
    soon = timezone.localdate() + dt.timedelta(days=10)
    QualificationFactory(holder=world.partner, certificate_number="ZF777", valid_until=soon)
    QualificationFactory(holder=world.other_inspector, certificate_number="ZF888", valid_until=soon)
    home = page(client_for(world.station_chief), "/home/")
    assert 'href="/staff/"' in home and "执法人员" in home
    assert "执法证 60 天内到期" in home and "ZF777" in home and "ZF888" not in home
    inspector_home = page(client_for(world.inspector), "/home/")
    assert "执法证 60 天内到期" not in inspector_home
