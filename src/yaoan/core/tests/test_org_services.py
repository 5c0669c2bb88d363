"""The org structure services: every refusal with its code and Chinese message, the audit
row of every change, and the move of a 镇街 carrying its entities to the new station's
grid as the registry scopes it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yaoan.common.testing import (
    EntityFactory,
    OrgUnitFactory,
    StationFactory,
    SubdistrictFactory,
    UserFactory,
)
from yaoan.core import org_services
from yaoan.core.enums import AreaType, OrgUnitKind, Role, SubdistrictKind
from yaoan.core.models import AuditEvent, OrgUnit, Subdistrict
from yaoan.core.rules import data_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(roles=[Role.SYSTEM_ADMIN], org_unit=None)


@pytest.fixture
def bureau():
    return OrgUnitFactory(code="b1", name="测试区市场监管局", kind=OrgUnitKind.BUREAU)


def refused(call, **kwargs):
    """The (field, code, message) of a service's refusal."""
    with pytest.raises(ValidationError) as info:
        call(**kwargs)
    [(field, [error])] = info.value.error_dict.items()
    return field, error.code, error.message


def last_event(action):
    return AuditEvent.objects.filter(action=action).latest("seq")


# --- units --------------------------------------------------------------------------------


def test_create_station_under_the_bureau_is_audited(admin, bureau):
    unit = org_services.create_org_unit(
        actor=admin, code="s-east", name="东城市场监管所", kind=OrgUnitKind.STATION, parent=bureau
    )
    assert (unit.kind, unit.parent_id, unit.is_active) == (OrgUnitKind.STATION, bureau.pk, True)
    event = last_event("core.org_unit.created")
    assert event.actor_id == admin.pk
    assert event.after["code"] == "s-east"
    assert event.after["parent_id"] == bureau.pk


@pytest.mark.parametrize(
    ("kind", "parent", "code"),
    [
        (OrgUnitKind.STATION, None, "parent_must_be_bureau"),
        (OrgUnitKind.SECTION, "office", "parent_must_be_bureau"),
        (OrgUnitKind.MEMBER_DEPARTMENT, "bureau", "parent_must_be_committee_office"),
        (OrgUnitKind.COMMITTEE_OFFICE, "bureau", "parent_not_allowed"),
    ],
)
def test_parent_rules(admin, bureau, kind, parent, code):
    office = OrgUnitFactory(code="office", kind=OrgUnitKind.COMMITTEE_OFFICE)
    parents = {None: None, "bureau": bureau, "office": office}
    field, error_code, _message = refused(
        org_services.create_org_unit,
        actor=admin,
        code="new",
        name="新单位",
        kind=kind,
        parent=parents[parent],
    )
    assert (field, error_code) == ("parent", code)
    assert not OrgUnit.objects.filter(code="new").exists()


def test_station_message_names_the_bureau(admin):
    assert (
        refused(
            org_services.create_org_unit, actor=admin, code="s", name="所", kind=OrgUnitKind.STATION
        )[2]
        == "市场监管所的上级单位必须是区市场监管局。"
    )


def test_duplicate_code_case_insensitive_and_second_bureau_refused(admin, bureau):
    assert refused(
        org_services.create_org_unit,
        actor=admin,
        code="B1",
        name="x",
        kind=OrgUnitKind.SECTION,
        parent=bureau,
    ) == ("code", "duplicate_code", "编码“B1”已被使用。")
    assert refused(
        org_services.create_org_unit, actor=admin, code="b2", name="x", kind=OrgUnitKind.BUREAU
    )[:2] == ("kind", "bureau_exists")
    assert refused(
        org_services.create_org_unit, actor=admin, code="a b", name="x", kind=OrgUnitKind.BUREAU
    )[:2] == ("code", "code_format")


def test_only_the_system_administrator(bureau):
    inspector = UserFactory(roles=[Role.INSPECTOR], org_unit=bureau)
    with pytest.raises(PermissionDenied):
        org_services.create_org_unit(
            actor=inspector, code="x", name="x", kind=OrgUnitKind.SECTION, parent=bureau
        )
    security = UserFactory(roles=[Role.SECURITY_ADMIN], org_unit=None)
    with pytest.raises(PermissionDenied):
        org_services.rename_org_unit(actor=security, unit=bureau, name="改名")


def test_unit_with_active_users_cannot_be_deactivated_but_can_be_renamed(admin, bureau):
    section = OrgUnitFactory(code="sec", kind=OrgUnitKind.SECTION, parent=bureau)
    UserFactory(org_unit=section)
    field, code, message = refused(
        org_services.set_org_unit_active, actor=admin, unit=section, active=False, reason="撤并"
    )
    assert (field, code) == ("unit", "unit_in_use")
    assert "仍有 1 个启用的用户" in message
    org_services.rename_org_unit(actor=admin, unit=section, name="综合股", short_name="综合")
    section.refresh_from_db()
    assert (section.name, section.is_active) == ("综合股", True)
    assert last_event("core.org_unit.renamed").after == {"name": "综合股", "short_name": "综合"}


def test_station_with_a_grid_cannot_be_deactivated_and_a_free_unit_can(admin, bureau):
    station = StationFactory(parent=bureau)
    SubdistrictFactory(station=station)
    assert (
        refused(
            org_services.set_org_unit_active, actor=admin, unit=station, active=False, reason="x"
        )[1]
        == "unit_in_use"
    )
    empty = StationFactory(parent=bureau)
    org_services.set_org_unit_active(actor=admin, unit=empty, active=False, reason="撤并")
    empty.refresh_from_db()
    assert empty.is_active is False
    event = last_event("core.org_unit.deactivated")
    assert (event.reason, event.after) == ("撤并", {"is_active": False})
    assert refused(
        org_services.set_org_unit_active, actor=admin, unit=empty, active=True, reason=""
    )[:2] == ("reason", "reason_required")


# --- the grid -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("50011100", "code_format"),
        ("5001110010", "code_format"),
        ("50011100A", "code_format"),
        ("990111001", "code_not_county"),
        ("500100001", "code_not_county"),
        ("500111000", "code_not_township"),
        ("500111001002", "code_village"),
    ],
)
def test_division_code_is_validated(code, error):
    with pytest.raises(ValidationError) as info:
        org_services.normalise_division_code(code)
    assert info.value.error_dict["code"][0].code == error


def test_nine_and_twelve_digit_codes_are_the_same_township():
    assert org_services.normalise_division_code(" 500111001 ") == "500111001000"
    assert org_services.normalise_division_code("500111001000") == "500111001000"


def create(admin, station, **overrides):
    values = {
        "code": "500111001",
        "name": "江城街道",
        "kind": SubdistrictKind.STREET,
        "station": station,
        "population": 118_400,
        "area_type": AreaType.URBAN,
    }
    return org_services.create_subdistrict(actor=admin, **{**values, **overrides})


def test_create_subdistrict_stores_twelve_digits_and_is_audited(admin, bureau):
    station = StationFactory(parent=bureau)
    sub = create(admin, station)
    assert (sub.code, sub.station_id, sub.population) == ("500111001000", station.pk, 118_400)
    assert last_event("core.subdistrict.created").after["station_id"] == station.pk


def test_subdistrict_refusals(admin, bureau):
    station = StationFactory(parent=bureau)
    create(admin, station)
    assert refused(create, admin=admin, station=station, name="别名")[:2] == (
        "code",
        "duplicate_code",
    )
    assert refused(create, admin=admin, station=station, code="500111002")[:2] == (
        "name",
        "duplicate_name",
    )
    assert refused(create, admin=admin, station=station, code="500112002", name="外区")[2] == (
        "区划代码前 6 位应为本区代码 500111。"
    )
    assert refused(create, admin=admin, station=bureau, code="500111003", name="甲")[:2] == (
        "station",
        "station_required",
    )
    assert refused(
        create, admin=admin, station=station, code="500111003", name="甲", population=-1
    )[:2] == ("population", "population_range")
    assert Subdistrict.objects.count() == 1


def test_move_subdistrict_carries_its_entities_into_the_new_station_scope(admin, bureau):
    west, east = StationFactory(parent=bureau), StationFactory(parent=bureau)
    sub = create(admin, west)
    EntityFactory(subdistrict=sub)
    EntityFactory(subdistrict=sub)
    east_inspector = UserFactory(roles=[Role.INSPECTOR], org_unit=east)
    assert not data_scope(east_inspector).covers(sub.station_id)

    org_services.move_subdistrict(actor=admin, subdistrict=sub, station=east, reason="区划调整")
    sub.refresh_from_db()
    assert sub.station_id == east.pk
    assert data_scope(east_inspector).covers(sub.station_id)
    event = last_event("core.subdistrict.moved")
    assert event.before["station_id"] == west.pk
    assert (event.after["station_id"], event.after["entities"]) == (east.pk, 2)
    assert event.reason == "区划调整"


def test_move_needs_a_reason_and_another_active_station(admin, bureau):
    west = StationFactory(parent=bureau)
    closed = StationFactory(parent=bureau, is_active=False)
    sub = create(admin, west)
    move = org_services.move_subdistrict
    args = {"actor": admin, "subdistrict": sub}
    assert refused(move, **args, station=west, reason=" ")[:2] == ("reason", "reason_required")
    assert refused(move, **args, station=west, reason="x")[:2] == ("station", "same_station")
    assert refused(move, **args, station=closed, reason="x")[:2] == ("station", "station_inactive")


def test_subdistrict_with_entities_cannot_be_deleted_but_can_be_renamed(admin, bureau):
    station = StationFactory(parent=bureau)
    sub = create(admin, station)
    EntityFactory(subdistrict=sub)
    field, code, message = refused(
        org_services.delete_subdistrict, actor=admin, subdistrict=sub, reason="录错"
    )
    assert (field, code) == ("subdistrict", "subdistrict_in_use")
    assert "监管对象 1" in message
    org_services.update_subdistrict(
        actor=admin,
        subdistrict=sub,
        code="500111001000",
        name="新江城街道",
        kind=SubdistrictKind.STREET,
        population=120_000,
        area_type=AreaType.URBAN,
    )
    assert last_event("core.subdistrict.updated").after == {
        "name": "新江城街道",
        "population": 120_000,
    }


def test_unused_subdistrict_is_deleted_with_an_audit_row(admin, bureau):
    sub = create(admin, StationFactory(parent=bureau))
    org_services.delete_subdistrict(actor=admin, subdistrict=sub, reason="录错")
    assert not Subdistrict.objects.exists()
    event = last_event("core.subdistrict.deleted")
    assert (event.before["name"], event.reason) == ("江城街道", "录错")
