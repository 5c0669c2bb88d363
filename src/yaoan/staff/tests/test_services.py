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


def add(staffing, holder, **overrides):
    args = {
        "actor": staffing.chief,
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


def test_profile_create_and_update_are_audited(staffing):
    user = staffing.west_inspectors[0]
    profile = services.create_profile(actor=staffing.chief, user=user, badge_number=" xc777 ")
    assert profile.badge_number == "XC777"
    services.update_profile(
        actor=staffing.chief,
        profile=profile,
        badge_number="XC777",
        home_subdistrict=staffing.subdistricts[1],
        posted_subdistricts=[staffing.subdistricts[0]],
    )
    assert actions("staff.inspectorprofile") == ["staff.profile.created", "staff.profile.updated"]
    event = AuditEvent.objects.filter(action="staff.profile.updated").get()
    assert event.after == {
        "home_subdistrict_id": staffing.subdistricts[1].pk,
        "posted_subdistricts": [staffing.subdistricts[0].pk],
    }


def test_profile_badge_taken_is_refused_with_its_message(staffing):
    with pytest.raises(ValidationError) as caught:
        services.create_profile(
            actor=staffing.chief, user=staffing.west_inspectors[0], badge_number="DC000"
        )
    assert "该证号已被其他检查员使用" in caught.value.messages
    assert not InspectorProfile.objects.filter(user=staffing.west_inspectors[0]).exists()


def test_profile_of_someone_already_profiled_or_not_an_inspector_is_refused(staffing):
    with pytest.raises(ValidationError) as caught:
        services.create_profile(
            actor=staffing.chief, user=staffing.east_inspectors[0], badge_number="X1"
        )
    assert caught.value.error_list[0].code == "duplicate"
    clerk = UserFactory(org_unit=staffing.east, roles=[Role.CASE_OFFICER])
    with pytest.raises(ValidationError) as caught:
        services.create_profile(actor=staffing.chief, user=clerk, badge_number="X2")
    assert caught.value.error_list[0].code == "not_inspector"


def test_station_chief_keeps_only_own_stations_profiles(staffing):
    newcomer = UserFactory(org_unit=staffing.east, roles=[Role.INSPECTOR])
    services.create_profile(actor=staffing.east_chief, user=newcomer, badge_number="A")
    with pytest.raises(PermissionDenied):
        services.create_profile(
            actor=staffing.east_chief, user=staffing.west_inspectors[0], badge_number="B"
        )
    with pytest.raises(PermissionDenied):  # an inspector keeps no profiles, not even their own
        services.save_profile(
            actor=staffing.east_inspectors[1], user=staffing.east_inspectors[1], badge_number="C"
        )
    assert InspectorProfile.objects.filter(badge_number__in=["B", "C"]).count() == 0


def test_save_profile_creates_then_updates(staffing):
    user = staffing.west_inspectors[1]
    first = services.save_profile(actor=staffing.chief, user=user, badge_number="XC1")
    second = services.save_profile(actor=staffing.chief, user=user, badge_number="XC2")
    assert first.pk == second.pk and second.badge_number == "XC2"


# --- qualifications ----------------------------------------------------------------------


def test_add_qualification_is_audited_and_normalised(staffing):
    q = add(staffing, staffing.east_inspectors[0], product_classes=["device", "drug", "drug"])
    assert q.certificate_number == "ZF500001" and q.product_classes == ["device", "drug"]
    assert q.status == QualificationStatus.ACTIVE and q.recorded_by == staffing.chief
    event = AuditEvent.objects.get(action="staff.qualification.added")
    assert event.object_id == str(q.pk) and event.after["certificate_number"] == "ZF500001"


def test_add_qualification_refuses_bad_input_naming_the_field(staffing):
    holder = staffing.east_inspectors[0]
    cases = [
        ({"valid_until": TODAY - dt.timedelta(days=500)}, {"valid_until": ["dates"]}),
        ({"certificate_number": "  "}, {"certificate_number": ["invalid"]}),
        ({"issuing_authority": ""}, {"issuing_authority": ["invalid"]}),
        ({"product_classes": ["food"]}, {"product_classes": ["invalid"]}),
        ({"kind": "police"}, {"kind": ["invalid"]}),
    ]
    for overrides, codes in cases:
        with pytest.raises(ValidationError) as caught:
            add(staffing, holder, **overrides)
        assert field_codes(caught.value) == codes, overrides
    add(staffing, holder)
    with pytest.raises(ValidationError) as caught:
        add(staffing, staffing.east_inspectors[1])  # the same number on someone else
    assert field_codes(caught.value) == {"certificate_number": ["duplicate"]}
    assert Qualification.objects.count() == 1


def test_renewal_replaces_the_certificate_and_keeps_the_old_one(staffing):
    old = add(staffing, staffing.east_inspectors[0], valid_until=TODAY + dt.timedelta(days=20))
    new = services.renew_qualification(
        actor=staffing.east_chief,
        qualification=old,
        valid_from=TODAY,
        valid_until=TODAY + dt.timedelta(days=5 * 365),
    )
    old.refresh_from_db()
    assert old.status == QualificationStatus.RENEWED and new.renewal_of == old
    assert (new.certificate_number, new.product_classes) == ("ZF500001", ["device", "drug"])
    event = AuditEvent.objects.get(action="staff.qualification.renewed")
    assert event.object_id == str(old.pk) and event.actor == staffing.east_chief
    assert (event.before, event.after["status"]) == ({"status": "active"}, "renewed")
    assert event.after["renewed_as"] == new.pk
    assert event.after["valid_until"] == new.valid_until.isoformat()
    with pytest.raises(ValidationError) as caught:  # the old one cannot be renewed again
        services.renew_qualification(
            actor=staffing.chief, qualification=old, valid_from=TODAY, valid_until=TODAY
        )
    assert caught.value.error_list[0].code == "illegal_transition"


def test_renewal_must_run_longer_than_the_old_certificate(staffing):
    old = add(staffing, staffing.east_inspectors[0])
    with pytest.raises(ValidationError) as caught:
        services.renew_qualification(
            actor=staffing.chief, qualification=old, valid_from=TODAY, valid_until=old.valid_until
        )
    assert field_codes(caught.value) == {"valid_until": ["dates"]}
    assert Qualification.objects.count() == 1


def test_revocation_needs_a_reason_and_keeps_the_row(staffing):
    q = add(staffing, staffing.east_inspectors[0])
    with pytest.raises(ValidationError) as caught:
        services.revoke_qualification(actor=staffing.chief, qualification=q, reason="  ")
    assert field_codes(caught.value) == {"reason": ["reason_required"]}
    services.revoke_qualification(actor=staffing.chief, qualification=q, reason="调离执法岗位")
    q.refresh_from_db()
    assert (q.status, q.revoked_reason, q.revoked_by) == ("revoked", "调离执法岗位", staffing.chief)
    event = AuditEvent.objects.get(action="staff.qualification.revoked")
    assert event.reason == "调离执法岗位" and event.before["status"] == "active"
    assert (event.after["status"], event.after["revoked_by_id"]) == ("revoked", staffing.chief.pk)


def test_station_chief_cannot_touch_another_stations_certificates(staffing):
    q = add(staffing, staffing.west_inspectors[0])
    with pytest.raises(PermissionDenied):
        services.revoke_qualification(actor=staffing.east_chief, qualification=q, reason="误登")
    with pytest.raises(PermissionDenied):
        add(
            staffing,
            staffing.west_inspectors[1],
            actor=staffing.east_chief,
            certificate_number="ZF9",
        )
    q.refresh_from_db()
    assert q.status == QualificationStatus.ACTIVE


# --- conflicts ---------------------------------------------------------------------------


def test_inspector_declares_own_conflict_but_not_for_others(staffing):
    me, other = staffing.east_inspectors
    services.record_conflict(
        actor=me, inspector=me, entity=staffing.east_entity, kind=ConflictKind.RELATIVE
    )
    with pytest.raises(PermissionDenied):
        services.record_conflict(
            actor=me, inspector=other, entity=staffing.east_entity, kind=ConflictKind.RELATIVE
        )
    with pytest.raises(ValidationError) as caught:
        services.record_conflict(
            actor=me, inspector=me, entity=staffing.east_entity, kind=ConflictKind.OTHER
        )
    assert field_codes(caught.value) == {"entity": ["duplicate"]}
    assert actions("staff.inspectorconflict") == ["staff.conflict.recorded"]


def test_conflicts_stay_inside_the_actors_scope(staffing):
    with pytest.raises(PermissionDenied):  # the business is another station's
        services.record_conflict(
            actor=staffing.east_chief,
            inspector=staffing.east_inspectors[0],
            entity=staffing.west_entity,
            kind=ConflictKind.OTHER,
        )
    with pytest.raises(PermissionDenied):  # the inspector is another station's
        services.record_conflict(
            actor=staffing.east_chief,
            inspector=staffing.west_inspectors[0],
            entity=staffing.east_entity,
            kind=ConflictKind.OTHER,
        )
    assert InspectorConflict.objects.count() == 0


def test_conflict_removal_is_soft_with_a_reason(staffing):
    conflict = services.record_conflict(
        actor=staffing.chief,
        inspector=staffing.west_inspectors[0],
        entity=staffing.west_entity,
        kind=ConflictKind.FORMER_EMPLOYER,
        note=" 2023年前任质量负责人 ",
    )
    assert conflict.note == "2023年前任质量负责人"
    with pytest.raises(ValidationError):
        services.remove_conflict(actor=staffing.chief, conflict=conflict, reason=" ")
    with pytest.raises(PermissionDenied):
        services.remove_conflict(actor=staffing.east_chief, conflict=conflict, reason="误登")
    services.remove_conflict(actor=staffing.chief, conflict=conflict, reason="已离职满三年")
    conflict.refresh_from_db()
    assert conflict.is_removed and conflict.removed_by == staffing.chief
    with pytest.raises(ValidationError) as caught:
        services.remove_conflict(actor=staffing.chief, conflict=conflict, reason="再撤销")
    assert caught.value.error_list[0].code == "illegal_transition"
    assert actions("staff.inspectorconflict") == [
        "staff.conflict.recorded",
        "staff.conflict.removed",
    ]


def test_timestamps_come_from_the_server_clock(staffing):
    before = timezone.now()
    q = add(staffing, staffing.east_inspectors[0])
    assert before <= q.recorded_at <= timezone.now()
