"""Registry writers: audited create/update/soft delete, validation with nothing half-written,
licences and the rating history (S17, S24)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yaoan.common.testing import (
    WORLD_ENTITIES,
    EntityFactory,
    LicenceFactory,
    SubdistrictFactory,
    UserFactory,
)
from yaoan.core.enums import Role
from yaoan.core.models import AuditEvent
from yaoan.registry import services
from yaoan.registry.enums import EntityType, LicenceKind, RatingKind
from yaoan.registry.models import Entity, EntityRatingChange, Licence
from yaoan.registry.queries import entities_visible_to

pytestmark = pytest.mark.django_db

D = dt.date


def entity_data(subdistrict, **overrides):
    data = {
        "name": "仁济大药房",
        "uscc": "91350100M000100Y43",
        "entity_type": EntityType.RETAIL_PHARMACY,
        "subdistrict": subdistrict,
        "address": "解放路12号",
        "legal_representative": "李四",
        "contact_phone": "13800001234",
    }
    return {**data, **overrides}


def audit_rows(action=None):
    qs = AuditEvent.objects.order_by("seq")
    return list(qs.filter(action=action) if action else qs)


def test_create_entity_is_audited(inspector, subdistrict):
    entity = services.create_entity(
        actor=inspector, data=entity_data(subdistrict, uscc=" 91350100m000100y43 ")
    )
    assert entity.uscc == "91350100M000100Y43"
    assert entity.name_initials == "RJDYF"
    [event] = audit_rows()
    assert (event.action, event.actor_id, event.object_type, event.object_id) == (
        "registry.entity.created",
        inspector.pk,
        "registry.entity",
        str(entity.pk),
    )
    assert event.reason == "form"
    assert event.before is None
    assert event.after["uscc"] == "91350100M000100Y43"
    assert event.after["subdistrict_id"] == subdistrict.pk
    assert event.after["is_deleted"] is False


def test_update_entity_records_before_after_and_reason(inspector, subdistrict):
    entity = services.create_entity(actor=inspector, data=entity_data(subdistrict))
    services.update_entity(
        actor=inspector,
        entity=entity,
        data={"address": "解放路14号", "legal_representative": "李四", "name": "仁济大药房"},
        reason="门牌号更正",
    )
    [event] = audit_rows("registry.entity.updated")
    assert event.before == {"address": "解放路12号"}
    assert event.after == {"address": "解放路14号"}
    assert event.reason == "门牌号更正"
    entity.refresh_from_db()
    assert entity.address == "解放路14号"


def test_update_without_changes_writes_no_audit_row(inspector, subdistrict):
    entity = services.create_entity(actor=inspector, data=entity_data(subdistrict))
    services.update_entity(actor=inspector, entity=entity, data={"address": "解放路12号"})
    assert audit_rows("registry.entity.updated") == []


def test_update_recomputes_initials(inspector, subdistrict):
    entity = services.create_entity(actor=inspector, data=entity_data(subdistrict))
    services.update_entity(actor=inspector, entity=entity, data={"name": "同仁堂药店"})
    entity.refresh_from_db()
    assert entity.name_initials == "TRTYD"


def test_soft_delete_keeps_the_record_and_needs_a_reason(inspector, subdistrict):
    entity = services.create_entity(actor=inspector, data=entity_data(subdistrict))
    with pytest.raises(ValidationError) as info:
        services.delete_entity(actor=inspector, entity=entity, reason="  ")
    assert info.value.message_dict == {"reason": ["删除须填写原因"]}
    services.delete_entity(actor=inspector, entity=entity, reason="已注销营业执照")
    assert Entity.objects.filter(pk=entity.pk, is_deleted=True).exists()
    assert not entities_visible_to(inspector).filter(pk=entity.pk).exists()
    [event] = audit_rows("registry.entity.deleted")
    assert (event.before, event.after, event.reason) == (
        {"is_deleted": False},
        {"is_deleted": True},
        "已注销营业执照",
    )


def test_a_deleted_entitys_code_is_restored_not_registered_again(inspector, subdistrict):
    entity = services.create_entity(actor=inspector, data=entity_data(subdistrict))
    services.delete_entity(actor=inspector, entity=entity, reason="误删")
    with pytest.raises(ValidationError) as info:
        services.create_entity(actor=inspector, data=entity_data(subdistrict, name="新名字"))
    assert info.value.message_dict == {
        "uscc": ["该统一社会信用代码属于已删除的监管对象“仁济大药房”：请恢复该记录，不要重新登记。"]
    }
    with pytest.raises(ValidationError) as info:
        services.restore_entity(actor=inspector, entity=entity, reason=" ")
    assert info.value.message_dict == {"reason": ["恢复须填写原因"]}
    services.restore_entity(actor=inspector, entity=entity, reason="误删，恢复")
    assert entities_visible_to(inspector).filter(pk=entity.pk).exists()
    [event] = audit_rows("registry.entity.restored")
    assert (event.before, event.after, event.reason) == (
        {"is_deleted": True},
        {"is_deleted": False},
        "误删，恢复",
    )


def test_an_entity_in_another_grid_cannot_be_restored(inspector, subdistrict):
    other = EntityFactory(subdistrict=SubdistrictFactory(), is_deleted=True)
    with pytest.raises(PermissionDenied):
        services.restore_entity(actor=inspector, entity=other, reason="试试")
    assert Entity.objects.get(pk=other.pk).is_deleted


@pytest.mark.parametrize(
    ("uscc", "message"),
    [
        ("91350100M000100Y44", "统一社会信用代码校验位错误（第18位应为“3”）"),
        ("91350100M000100Y4", "统一社会信用代码应为18位，实际为17位"),
        (
            "91350100M000100YO3",
            "统一社会信用代码含有不允许的字符“O”（不使用 I、O、S、V、Z 及小写字母）",
        ),
    ],
)
def test_invalid_credit_code_writes_nothing(inspector, subdistrict, uscc, message):
    with pytest.raises(ValidationError) as info:
        services.create_entity(actor=inspector, data=entity_data(subdistrict, uscc=uscc))
    assert info.value.message_dict == {"uscc": [message]}
    assert Entity.objects.count() == WORLD_ENTITIES  # nothing written
    assert audit_rows() == []


def test_duplicate_entity_writes_nothing(inspector, subdistrict):
    services.create_entity(actor=inspector, data=entity_data(subdistrict))
    with pytest.raises(ValidationError) as info:
        services.create_entity(
            actor=inspector, data=entity_data(subdistrict, name="仁济大药房二店")
        )
    assert info.value.message_dict == {"uscc": ["该统一社会信用代码已登记"]}
    assert Entity.objects.count() == WORLD_ENTITIES + 1
    assert len(audit_rows()) == 1


def test_missing_required_fields_are_named(inspector, subdistrict):
    with pytest.raises(ValidationError) as info:
        services.create_entity(
            actor=inspector, data=entity_data(subdistrict, name=" ", legal_representative="")
        )
    assert set(info.value.message_dict) == {"name", "legal_representative"}
    assert Entity.objects.count() == WORLD_ENTITIES  # nothing written


def test_inspector_cannot_register_in_another_grid(inspector):
    elsewhere = SubdistrictFactory()
    with pytest.raises(PermissionDenied):
        services.create_entity(actor=inspector, data=entity_data(elsewhere))
    assert Entity.objects.count() == WORLD_ENTITIES  # nothing written
    [event] = audit_rows()
    assert (event.action, event.success) == ("registry.access.denied", False)


def test_inspector_cannot_move_an_entity_out_of_their_grid(inspector, subdistrict):
    entity = services.create_entity(actor=inspector, data=entity_data(subdistrict))
    with pytest.raises(PermissionDenied):
        services.update_entity(
            actor=inspector, entity=entity, data={"subdistrict": SubdistrictFactory()}
        )
    entity.refresh_from_db()
    assert entity.subdistrict_id == subdistrict.pk


@pytest.mark.parametrize("role", [Role.CASE_OFFICER, Role.LEADER, Role.MONITORING])
def test_readers_who_are_not_editors_cannot_write(subdistrict, role):
    user = UserFactory(org_unit=subdistrict.station, roles=[role])
    with pytest.raises(PermissionDenied):
        services.create_entity(actor=user, data=entity_data(subdistrict))
    assert Entity.objects.count() == WORLD_ENTITIES  # nothing written


# --- licences ------------------------------------------------------------------------------


def licence_data(**overrides):
    data = {
        "kind": LicenceKind.DRUG_RETAIL,
        "number": " 渝CA0000001 ",
        "scope": "中成药、化学药制剂",
        "valid_from": D(2025, 1, 1),
        "valid_until": D(2029, 12, 31),
    }
    return {**data, **overrides}


def test_add_and_update_licence_are_audited(inspector, subdistrict):
    entity = EntityFactory(subdistrict=subdistrict)
    licence = services.add_licence(actor=inspector, entity=entity, data=licence_data())
    assert licence.number == "渝CA0000001"
    created = audit_rows("registry.licence.created")[0]
    assert created.after["valid_until"] == "2029-12-31"
    services.update_licence(
        actor=inspector, licence=licence, data={"valid_until": D(2030, 6, 30)}, reason="换证"
    )
    updated = audit_rows("registry.licence.updated")[0]
    assert (updated.before, updated.after, updated.reason) == (
        {"valid_until": "2029-12-31"},
        {"valid_until": "2030-06-30"},
        "换证",
    )


@pytest.mark.parametrize("until", [D(2024, 12, 31), D(2025, 1, 1)])
def test_licence_valid_until_not_after_valid_from_writes_nothing(inspector, subdistrict, until):
    entity = EntityFactory(subdistrict=subdistrict)
    with pytest.raises(ValidationError) as info:
        services.add_licence(actor=inspector, entity=entity, data=licence_data(valid_until=until))
    assert info.value.messages == ["有效期截止日期必须晚于起始日期"]
    assert not Licence.objects.exists()
    assert audit_rows() == []


def test_licence_update_with_dates_in_wrong_order_changes_nothing(inspector, subdistrict):
    licence = LicenceFactory(entity=EntityFactory(subdistrict=subdistrict))
    before = licence.valid_until
    with pytest.raises(ValidationError):
        services.update_licence(
            actor=inspector, licence=licence, data={"valid_until": licence.valid_from}
        )
    licence.refresh_from_db()
    assert licence.valid_until == before
    assert audit_rows() == []


def test_duplicate_licence_number_is_refused(inspector, subdistrict):
    entity = EntityFactory(subdistrict=subdistrict)
    services.add_licence(actor=inspector, entity=entity, data=licence_data())
    with pytest.raises(ValidationError):
        services.add_licence(actor=inspector, entity=entity, data=licence_data())
    assert Licence.objects.count() == 1


def test_filing_has_no_expiry(inspector, subdistrict):
    entity = EntityFactory(subdistrict=subdistrict)
    licence = services.add_licence(
        actor=inspector,
        entity=entity,
        data=licence_data(kind=LicenceKind.DEVICE_CLASS_2_FILING, number="渝备20250001"),
    )
    assert licence.valid_until is None


def test_a_licence_other_than_a_filing_needs_an_end_date(inspector, subdistrict):
    entity = EntityFactory(subdistrict=subdistrict)
    with pytest.raises(ValidationError) as info:
        services.add_licence(actor=inspector, entity=entity, data=licence_data(valid_until=None))
    assert info.value.message_dict == {"valid_until": ["许可证须填写有效期至（备案类除外）"]}
    assert not Licence.objects.exists()
    assert audit_rows() == []


# --- ratings -------------------------------------------------------------------------------


def test_set_rating_keeps_history(bureau_chief, subdistrict):
    entity = EntityFactory(subdistrict=subdistrict)
    services.set_rating(
        actor=bureau_chief, entity=entity, kind=RatingKind.RISK, value="B", reason="年度评定"
    )
    services.set_rating(
        actor=bureau_chief, entity=entity, kind=RatingKind.RISK, value="D", reason="发现假药"
    )
    services.set_rating(
        actor=bureau_chief, entity=entity, kind=RatingKind.CREDIT, value="C", reason="行政处罚"
    )
    entity.refresh_from_db()
    assert (entity.risk_grade, entity.credit_class) == ("D", "C")
    history = EntityRatingChange.objects.filter(entity=entity).order_by("id")
    assert [(h.kind, h.old_value, h.new_value, h.reason, h.changed_by_id) for h in history] == [
        ("risk", "", "B", "年度评定", bureau_chief.pk),
        ("risk", "B", "D", "发现假药", bureau_chief.pk),
        ("credit", "", "C", "行政处罚", bureau_chief.pk),
    ]
    risk_events = audit_rows("registry.entity.risk_grade_changed")
    assert [(e.before, e.after, e.reason) for e in risk_events] == [
        ({"risk_grade": ""}, {"risk_grade": "B"}, "年度评定"),
        ({"risk_grade": "B"}, {"risk_grade": "D"}, "发现假药"),
    ]


def test_set_rating_to_the_same_value_adds_no_history(bureau_chief, subdistrict):
    entity = EntityFactory(subdistrict=subdistrict, risk_grade="B")
    assert (
        services.set_rating(
            actor=bureau_chief, entity=entity, kind=RatingKind.RISK, value="B", reason="复核"
        )
        is None
    )
    assert not EntityRatingChange.objects.exists()


def test_set_rating_needs_a_reason(bureau_chief, subdistrict):
    entity = EntityFactory(subdistrict=subdistrict)
    with pytest.raises(ValidationError) as info:
        services.set_rating(
            actor=bureau_chief, entity=entity, kind=RatingKind.RISK, value="C", reason=" "
        )
    assert info.value.message_dict == {"reason": ["调整等级须填写原因"]}
    entity.refresh_from_db()
    assert entity.risk_grade == ""
    assert not EntityRatingChange.objects.exists()


def test_set_rating_needs_a_section_chief(inspector, subdistrict):
    entity = EntityFactory(subdistrict=subdistrict)
    with pytest.raises(PermissionDenied):
        services.set_rating(
            actor=inspector, entity=entity, kind=RatingKind.RISK, value="C", reason="现场检查"
        )
    entity.refresh_from_db()
    assert entity.risk_grade == ""


def test_set_rating_refuses_an_unknown_grade(bureau_chief, subdistrict):
    entity = EntityFactory(subdistrict=subdistrict)
    with pytest.raises(ValidationError):
        services.set_rating(
            actor=bureau_chief, entity=entity, kind=RatingKind.RISK, value="Z", reason="x"
        )
    assert not EntityRatingChange.objects.exists()


def test_station_section_chief_cannot_rate_another_grid(subdistrict):
    chief = UserFactory(org_unit=subdistrict.station, roles=[Role.SECTION_CHIEF])
    elsewhere = EntityFactory(subdistrict=SubdistrictFactory())
    with pytest.raises(PermissionDenied):
        services.set_rating(
            actor=chief, entity=elsewhere, kind=RatingKind.RISK, value="D", reason="x"
        )
    elsewhere.refresh_from_db()
    assert elsewhere.risk_grade == ""


def test_a_store_stays_rateable_after_its_headquarters_changed_type(bureau_chief, subdistrict):
    hq = EntityFactory(subdistrict=subdistrict, entity_type=EntityType.PHARMACY_CHAIN)
    store = EntityFactory(subdistrict=subdistrict, chain_headquarters=hq)
    Entity.objects.filter(pk=hq.pk).update(entity_type=EntityType.WHOLESALER)  # data of old
    change = services.set_rating(
        actor=bureau_chief, entity=store, kind=RatingKind.RISK, value="C", reason="年度评定"
    )
    assert change is not None
    store.refresh_from_db()
    assert store.risk_grade == "C"


def test_a_headquarters_with_stores_keeps_its_type(inspector, subdistrict):
    hq = EntityFactory(subdistrict=subdistrict, entity_type=EntityType.PHARMACY_CHAIN)
    EntityFactory(subdistrict=subdistrict, chain_headquarters=hq)
    with pytest.raises(ValidationError) as info:
        services.update_entity(
            actor=inspector, entity=hq, data={"entity_type": EntityType.WHOLESALER}
        )
    assert info.value.message_dict == {
        "entity_type": ["该连锁总部下还有 1 家门店，须先调整门店的所属总部，才能更改其类型。"]
    }
    hq.refresh_from_db()
    assert hq.entity_type == EntityType.PHARMACY_CHAIN
