"""Each key-list rule selects its entities with its reason; frequency rules set the count;
sources of other modules plug in through register_key_list_source."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from yaoan.common.testing import LicenceFactory, SubdistrictFactory
from yaoan.core.enums import AreaType
from yaoan.plans import rule_services
from yaoan.plans.extensions import register_key_list_source
from yaoan.plans.models import KeyListRule, PlanItem
from yaoan.plans.tests.factories import entity, generated, grid_of, item_of, reason_codes
from yaoan.registry.enums import EntityStatus, EntityType, LicenceKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def urban(world):
    """The world's station and grid (an urban one), with the world itself."""
    return {**grid_of(world), "world": world}


def test_vaccine_units_and_cosmetics_dealers_are_always_listed(urban):
    site = entity(urban["sub"], entity_type=EntityType.VACCINATION_SITE)
    cdc = entity(urban["sub"], entity_type=EntityType.CDC)
    shop = entity(urban["sub"], entity_type=EntityType.COSMETICS_DEALER)
    plan = generated()
    assert reason_codes(plan, site)[0] == "vaccine_unit"
    assert "vaccine_unit" in reason_codes(plan, cdc)
    assert reason_codes(plan, shop) == ["cosmetics_dealer"]
    texts = [r["text"] for r in item_of(plan, shop).reasons]
    assert texts == ["化妆品经营者（年度全覆盖）"]


def test_one_vaccine_unit_in_twenty_gets_the_joint_inspection(urban):
    units = [
        entity(urban["sub"], entity_type=EntityType.VACCINATION_SITE, risk_grade="B")
        for _ in range(20)
    ]
    risky = entity(urban["sub"], entity_type=EntityType.VACCINATION_SITE, risk_grade="D")
    plan = generated()
    joint = list(PlanItem.objects.filter(plan=plan, joint=True))
    assert [i.entity_id for i in joint] == [risky.pk]  # 21 × 5% → 1, highest risk first
    assert "vaccine_joint" in joint[0].reason_codes
    assert not PlanItem.objects.filter(plan=plan, entity__in=units, joint=True).exists()


def test_special_drug_by_licence_or_flag(urban):
    by_flag = entity(urban["sub"], entity_type=EntityType.WHOLESALER, handles_special_drugs=True)
    by_licence = entity(urban["sub"], entity_type=EntityType.MEDICAL_INSTITUTION)
    LicenceFactory(entity=by_licence, kind=LicenceKind.SPECIAL_DRUG)
    revoked = entity(urban["sub"], entity_type=EntityType.MEDICAL_INSTITUTION)
    LicenceFactory(entity=revoked, kind=LicenceKind.SPECIAL_DRUG, status="revoked")
    plan = generated()
    assert reason_codes(plan, by_flag) == ["special_drug"]
    assert reason_codes(plan, by_licence) == ["special_drug"]
    assert not PlanItem.objects.filter(plan=plan, entity=revoked).exists()


def test_volume_procurement_only_for_distributors_and_users(urban):
    distributor = entity(
        urban["sub"], entity_type=EntityType.WHOLESALER, in_volume_procurement=True
    )
    pharmacy = entity(urban["sub"], in_volume_procurement=True)  # retail: not in the default types
    plan = generated()
    assert reason_codes(plan, distributor) == ["volume_procurement"]
    assert not PlanItem.objects.filter(plan=plan, entity=pharmacy).exists()


def test_medical_beauty_and_tcm_pieces(urban):
    beauty = entity(urban["sub"], entity_type=EntityType.CLINIC, offers_medical_beauty=True)
    herbs = entity(urban["sub"], entity_type=EntityType.WHOLESALER)
    LicenceFactory(entity=herbs, kind=LicenceKind.DRUG_WHOLESALE, scope="中药饮片、中成药")
    plan = generated()
    assert reason_codes(plan, beauty) == ["medical_beauty"]
    assert reason_codes(plan, herbs) == ["tcm_pieces"]


def test_new_licence_last_year_needs_two_visits(urban):
    new = entity(urban["sub"])
    LicenceFactory(entity=new, issued_on=dt.date(2026, 5, 1), valid_from=dt.date(2026, 5, 1))
    old = entity(urban["sub"])
    LicenceFactory(entity=old, issued_on=dt.date(2020, 5, 1), valid_from=dt.date(2020, 5, 1))
    LicenceFactory(entity=old, issued_on=dt.date(2026, 5, 1), valid_from=dt.date(2026, 5, 1))
    plan = generated(2027)
    assert reason_codes(plan, new) == ["new_licence"]
    assert item_of(plan, new).required_count == 2
    assert item_of(plan, new).quarters in ((1, 0, 1, 0), (0, 1, 0, 1))
    assert not PlanItem.objects.filter(plan=plan, entity=old).exists()  # renewal, not new


def test_rural_and_urban_fringe_pharmacies_and_clinics(world):
    # the world's grids are urban: this test adds a rural and an urban-fringe one
    rural = SubdistrictFactory(station=world.station, area_type=AreaType.RURAL)
    fringe = SubdistrictFactory(station=world.other_station, area_type=AreaType.URBAN_FRINGE)
    town = SubdistrictFactory(station=world.station, area_type=AreaType.URBAN)
    a = entity(rural)
    b = entity(fringe, entity_type=EntityType.CLINIC)
    c = entity(town)
    d = entity(rural, entity_type=EntityType.DEVICE_DEALER)
    plan = generated()
    assert reason_codes(plan, a) == ["rural_fringe"]
    assert reason_codes(plan, b) == ["rural_fringe"]
    assert not PlanItem.objects.filter(plan=plan, entity__in=[c, d]).exists()


def test_last_twelve_months_rules_fire_only_when_a_source_is_connected(urban):
    failed = entity(urban["sub"])
    complained = entity(urban["sub"])
    penalised = entity(urban["sub"])
    serious = entity(urban["sub"])
    plan = generated()
    assert not PlanItem.objects.filter(plan=plan).exists()
    assert plan.rules_snapshot["key_list"][-1]["connected"] is False
    register_key_list_source("failed_sample", lambda year: {failed.pk: f"{year - 1}年抽检不合格"})
    register_key_list_source("repeated_complaints", lambda year: {complained.pk: "投诉3次"})
    register_key_list_source("penalty", lambda year: {penalised.pk: ""})
    register_key_list_source("serious_finding", lambda year: {serious.pk: "严重缺陷", 999999: "x"})
    plan = generated()
    assert [r["text"] for r in item_of(plan, failed).reasons] == [
        "近12个月产品抽检不合格：2026年抽检不合格"
    ]
    assert reason_codes(plan, complained) == ["repeated_complaints"]
    assert [r["text"] for r in item_of(plan, penalised).reasons] == ["近12个月受到行政处罚"]
    assert item_of(plan, serious).required_count == 2
    assert PlanItem.objects.filter(plan=plan).count() == 4


def test_disabled_rule_selects_nothing(urban, django_user_model):
    shop = entity(urban["sub"], entity_type=EntityType.COSMETICS_DEALER)
    KeyListRule.objects.filter(code="cosmetics_dealer").update(enabled=False)
    plan = generated()
    assert not PlanItem.objects.filter(plan=plan, entity=shop).exists()


def test_frequency_table_and_key_list_take_the_higher_count(urban):
    risky = entity(urban["sub"], risk_grade="D", credit_class="B")
    doubtful = entity(urban["sub"], risk_grade="B", credit_class="C")
    unrated = entity(urban["sub"], risk_grade="", credit_class="")
    quiet = entity(urban["sub"], risk_grade="A", credit_class="A")
    risky_site = entity(urban["sub"], entity_type=EntityType.VACCINATION_SITE, risk_grade="C")
    plan = generated()
    assert item_of(plan, risky).required_count == 4
    assert item_of(plan, risky).quarters == (1, 1, 1, 1)
    assert item_of(plan, doubtful).required_count == 2
    assert item_of(plan, unrated).required_count == 1
    assert not PlanItem.objects.filter(plan=plan, entity=quiet).exists()
    assert item_of(plan, risky_site).required_count == 2
    assert reason_codes(plan, risky_site) == ["frequency", "vaccine_unit", "vaccine_joint"]
    assert "C级" in item_of(plan, risky_site).reasons[0]["text"]


def test_cancelled_and_deleted_entities_are_left_out(urban):
    gone = entity(
        urban["sub"], entity_type=EntityType.VACCINATION_SITE, status=EntityStatus.CANCELLED
    )
    deleted = entity(urban["sub"], entity_type=EntityType.VACCINATION_SITE, is_deleted=True)
    paused = entity(
        urban["sub"], entity_type=EntityType.VACCINATION_SITE, status=EntityStatus.SUSPENDED
    )
    plan = generated(2027)
    listed = set(PlanItem.objects.filter(plan=plan).values_list("entity_id", flat=True))
    assert listed == {paused.pk}
    assert gone.pk not in listed and deleted.pk not in listed


@pytest.mark.parametrize("parameters", [{}, {"entity_types": []}])
def test_a_rule_by_entity_type_needs_its_types(urban, parameters):
    rule = KeyListRule.objects.get(code="vaccine_unit")
    with pytest.raises(ValidationError) as caught:
        rule_services.update_key_list_rule(
            actor=urban["world"].chief,
            rule=rule,
            data={"parameters": parameters},
            reason="清空参数",
        )
    [message] = caught.value.message_dict["parameters"]
    assert message.startswith("参数 entity_types 不能为空") and "vaccination_site" in message
    rule.refresh_from_db()
    assert rule.parameters == {"entity_types": ["vaccination_site", "cdc"]}


def test_entity_types_stay_optional_where_another_attribute_defines_the_rule(urban):
    rule = KeyListRule.objects.get(code="special_drug")
    with pytest.raises(ValidationError) as caught:
        rule_services.update_key_list_rule(
            actor=urban["world"].chief,
            rule=rule,
            data={"parameters": {"entity_types": []}},
            reason="改",
        )
    assert "不限对象类型时请删除该参数" in caught.value.message_dict["parameters"][0]
    rule_services.update_key_list_rule(
        actor=urban["world"].chief, rule=rule, data={"parameters": {}}, reason="改"
    )
    holder = entity(urban["sub"], entity_type=EntityType.CLINIC, handles_special_drugs=True)
    assert "special_drug" in reason_codes(generated(), holder)


def test_a_rule_by_entity_type_whose_types_were_emptied_selects_nothing(urban):
    pharmacy = entity(urban["sub"], entity_type=EntityType.RETAIL_PHARMACY)
    site = entity(urban["sub"], entity_type=EntityType.VACCINATION_SITE)
    # a row saved before the parameters were checked
    KeyListRule.objects.filter(code="vaccine_unit").update(parameters={"entity_types": []})
    plan = generated()
    assert not PlanItem.objects.filter(plan=plan, entity=pharmacy).exists()
    assert "vaccine_unit" not in reason_codes(plan, site)
