"""The writers: profiles, qualifications and conflicts, each audited, scoped to the actor's
stations and refusing bad input with a coded message and nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yaoan.common.testing import UserFactory
from yaoan.core.enums import Role
from yaoan.core.models import AuditEvent
from yaoan.staff import services
from yaoan.staff.enums import ConflictKind, QualificationStatus
from yaoan.staff.models import InspectorConflict, InspectorProfile, Qualification

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)


def actions(object_type):
    return list(
        AuditEvent.objects.filter(object_type=object_type)
        .order_by("seq")
        .values_list("action", flat=True)
    )


def add(world, holder, **overrides):
    args = {
        "actor": world.chief,
        "holder": holder,
        "certificate_number": "zf500001",
        "issuing_authority": "重庆市人民政府",
        "valid_from": TODAY - dt.timedelta(days=400),
        "valid_until": TODAY + dt.timedelta(days=800),
        "product_classes": ["drug", "device"],
    }
    args.update(overrides)
    return services.add_qualification(**args)


def field_codes(exc):
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


# --- profiles ----------------------------------------------------------------------------


def test_profile_create_and_update_are_audited(world):
    user = world.other_inspector
    profile = services.create_profile(actor=world.chief, user=user, badge_number=" xc777 ")
    assert profile.badge_number == "XC777"
    services.update_profile(
        actor=world.chief,
        profile=profile,
        badge_number="XC777",
        home_subdistrict=world.other_grid,
        posted_subdistricts=[world.grid],
    )
    assert actions("staff.inspectorprofile") == ["staff.profile.created", "staff.profile.updated"]
    event = AuditEvent.objects.filter(action="staff.profile.updated").get()
    assert event.after == {
        "home_subdistrict_id": world.other_grid.pk,
        "posted_subdistricts": [world.grid.pk],
    }


def test_profile_badge_taken_is_refused_with_its_message(world):
    with pytest.raises(ValidationError) as caught:
        services.create_profile(actor=world.chief, user=world.other_inspector, badge_number="QJ000")
    assert "该证号已被其他检查员使用" in caught.value.messages
    assert not InspectorProfile.objects.filter(user=world.other_inspector).exists()


def test_profile_of_someone_already_profiled_or_not_an_inspector_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        services.create_profile(actor=world.chief, user=world.inspector, badge_number="X1")
    assert caught.value.error_list[0].code == "duplicate"
    clerk = UserFactory(org_unit=world.station, roles=[Role.CASE_OFFICER])
    with pytest.raises(ValidationError) as caught:
        services.create_profile(actor=world.chief, user=clerk, badge_number="X2")
    assert caught.value.error_list[0].code == "not_inspector"


def test_station_chief_keeps_only_own_stations_profiles(world):
    newcomer = UserFactory(org_unit=world.station, roles=[Role.INSPECTOR])
    services.create_profile(actor=world.station_chief, user=newcomer, badge_number="A")
    with pytest.raises(PermissionDenied):
        services.create_profile(
            actor=world.station_chief, user=world.other_inspector, badge_number="B"
        )
    with pytest.raises(PermissionDenied):  # an inspector keeps no profiles, not even their own
        services.save_profile(actor=world.partner, user=world.partner, badge_number="C")
    assert InspectorProfile.objects.filter(badge_number__in=["B", "C"]).count() == 0


def test_save_profile_creates_then_updates(world):
    user = world.other_partner
    first = services.save_profile(actor=world.chief, user=user, badge_number="XC1")
    second = services.save_profile(actor=world.chief, user=user, badge_number="XC2")
    assert first.pk == second.pk and second.badge_number == "XC2"


# --- qualifications ----------------------------------------------------------------------


def test_add_qualification_is_audited_and_normalised(world):
    q = add(world, world.inspector, product_classes=["device", "drug", "drug"])
    assert q.certificate_number == "ZF500001" and q.product_classes == ["device", "drug"]
    assert q.status == QualificationStatus.ACTIVE and q.recorded_by == world.chief
    event = AuditEvent.objects.get(action="staff.qualification.added")
    assert event.object_id == str(q.pk) and event.after["certificate_number"] == "ZF500001"


def test_add_qualification_refuses_bad_input_naming_the_field(world):
    holder = world.inspector
    cases = [
        ({"valid_until": TODAY - dt.timedelta(days=500)}, {"valid_until": ["dates"]}),
        ({"certificate_number": "  "}, {"certificate_number": ["invalid"]}),
        ({"issuing_authority": ""}, {"issuing_authority": ["invalid"]}),
        ({"product_classes": ["food"]}, {"product_classes": ["invalid"]}),
        ({"kind": "police"}, {"kind": ["invalid"]}),
    ]
    for overrides, codes in cases:
        with pytest.raises(ValidationError) as caught:
            add(world, holder, **overrides)
        assert field_codes(caught.value) == codes, overrides
    add(world, holder)
    with pytest.raises(ValidationError) as caught:
        add(world, world.partner)  # the same number on someone else
    assert field_codes(caught.value) == {"certificate_number": ["duplicate"]}
    assert Qualification.objects.count() == 1


def test_renewal_replaces_the_certificate_and_keeps_the_old_one(world):
    old = add(world, world.inspector, valid_until=TODAY + dt.timedelta(days=20))
    new = services.renew_qualification(
        actor=world.station_chief,
        qualification=old,
        valid_from=TODAY,
        valid_until=TODAY + dt.timedelta(days=5 * 365),
    )
    old.refresh_from_db()
    assert old.status == QualificationStatus.RENEWED and new.renewal_of == old
    assert (new.certificate_number, new.product_classes) == ("ZF500001", ["device", "drug"])
    event = AuditEvent.objects.get(action="staff.qualification.renewed")
    assert event.object_id == str(old.pk) and event.actor == world.station_chief
    assert (event.before, event.after["status"]) == ({"status": "active"}, "renewed")
    assert event.after["renewed_as"] == new.pk
    assert event.after["valid_until"] == new.valid_until.isoformat()
    with pytest.raises(ValidationError) as caught:  # the old one cannot be renewed again
        services.renew_qualification(
            actor=world.chief, qualification=old, valid_from=TODAY, valid_until=TODAY
        )
    assert caught.value.error_list[0].code == "illegal_transition"


def test_renewal_must_run_longer_than_the_old_certificate(world):
    old = add(world, world.inspector)
    with pytest.raises(ValidationError) as caught:
        services.renew_qualification(
            actor=world.chief, qualification=old, valid_from=TODAY, valid_until=old.valid_until
        )
    assert field_codes(caught.value) == {"valid_until": ["dates"]}
    assert Qualification.objects.count() == 1


def test_revocation_needs_a_reason_and_keeps_the_row(world):
    q = add(world, world.inspector)
    with pytest.raises(ValidationError) as caught:
        services.revoke_qualification(actor=world.chief, qualification=q, reason="  ")
    assert field_codes(caught.value) == {"reason": ["reason_required"]}
    services.revoke_qualification(actor=world.chief, qualification=q, reason="调离执法岗位")
    q.refresh_from_db()
    assert (q.status, q.revoked_reason, q.revoked_by) == ("revoked", "调离执法岗位", world.chief)
    event = AuditEvent.objects.get(action="staff.qualification.revoked")
    assert event.reason == "调离执法岗位" and event.before["status"] == "active"
    assert (event.after["status"], event.after["revoked_by_id"]) == ("revoked", world.chief.pk)


def test_station_chief_cannot_touch_another_stations_certificates(world):
    q = add(world, world.other_inspector)
    with pytest.raises(PermissionDenied):
        services.revoke_qualification(actor=world.station_chief, qualification=q, reason="误登")
    with pytest.raises(PermissionDenied):
        add(
            world,
            world.other_partner,
            actor=world.station_chief,
            certificate_number="ZF9",
        )
    q.refresh_from_db()
    assert q.status == QualificationStatus.ACTIVE


# --- conflicts ---------------------------------------------------------------------------


def test_inspector_declares_own_conflict_but_not_for_others(world):
    me, other = world.inspector, world.partner
    services.record_conflict(
        actor=me, inspector=me, entity=world.pharmacy, kind=ConflictKind.RELATIVE
    )
    with pytest.raises(PermissionDenied):
        services.record_conflict(
            actor=me, inspector=other, entity=world.pharmacy, kind=ConflictKind.RELATIVE
        )
    with pytest.raises(ValidationError) as caught:
        services.record_conflict(
            actor=me, inspector=me, entity=world.pharmacy, kind=ConflictKind.OTHER
        )
    assert field_codes(caught.value) == {"entity": ["duplicate"]}
    assert actions("staff.inspectorconflict") == ["staff.conflict.recorded"]


def test_conflicts_stay_inside_the_actors_scope(world):
    with pytest.raises(PermissionDenied):  # the business is another station's
        services.record_conflict(
            actor=world.station_chief,
            inspector=world.inspector,
            entity=world.other_entity,
            kind=ConflictKind.OTHER,
        )
    with pytest.raises(PermissionDenied):  # the inspector is another station's
        services.record_conflict(
            actor=world.station_chief,
            inspector=world.other_inspector,
            entity=world.pharmacy,
            kind=ConflictKind.OTHER,
        )
    assert InspectorConflict.objects.count() == 0


def test_conflict_removal_is_soft_with_a_reason(world):
    conflict = services.record_conflict(
        actor=world.chief,
        inspector=world.other_inspector,
        entity=world.other_entity,
        kind=ConflictKind.FORMER_EMPLOYER,
        note=" 2023年前任质量负责人 ",
    )
    assert conflict.note == "2023年前任质量负责人"
    with pytest.raises(ValidationError):
        services.remove_conflict(actor=world.chief, conflict=conflict, reason=" ")
    with pytest.raises(PermissionDenied):
        services.remove_conflict(actor=world.station_chief, conflict=conflict, reason="误登")
    services.remove_conflict(actor=world.chief, conflict=conflict, reason="已离职满三年")
    conflict.refresh_from_db()
    assert conflict.is_removed and conflict.removed_by == world.chief
    with pytest.raises(ValidationError) as caught:
        services.remove_conflict(actor=world.chief, conflict=conflict, reason="再撤销")
    assert caught.value.error_list[0].code == "illegal_transition"
    assert actions("staff.inspectorconflict") == [
        "staff.conflict.recorded",
        "staff.conflict.removed",
    ]


def test_timestamps_come_from_the_server_clock(world):
    before = timezone.now()
    q = add(world, world.inspector)
    assert before <= q.recorded_at <= timezone.now()
