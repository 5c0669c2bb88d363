"""The pure suggestion of the discretion baseline, from crafted circumstances."""

from decimal import Decimal

import pytest

from yaoan.cases.discretion import (
    FineRule,
    FineVerdict,
    MissingBasisAmount,
    PersonRule,
    Provision,
    choose_band,
    departs,
    judge_fine,
    legal_range,
    suggest,
)
from yaoan.cases.penalty_enums import Band, Effect, FineBasis, PenaltyKind

D = Decimal
E = Effect
# 药品管理法 第一百一十七条第一款, 零售: 货值金额十倍以上二十倍以下, 不足一万元的按一万元计算
RETAIL_SUBSTANDARD = Provision(
    code="drug.substandard.retail",
    kinds=(PenaltyKind.CONFISCATE_GOODS, PenaltyKind.CONFISCATE_INCOME, PenaltyKind.FINE),
    fine=FineRule(FineBasis.GOODS_VALUE, D(10), D(20), floor=D(10000)),
)
# 第一百二十六条: 十万元以上五十万元以下
GSP = Provision(
    code="drug.gsp",
    kinds=(PenaltyKind.WARNING, PenaltyKind.FINE),
    fine=FineRule(FineBasis.FIXED, D(100000), D(500000)),
)
RECORDS = Provision(code="drug.records", kinds=(PenaltyKind.WARNING,))
# 医疗器械监督管理条例 第八十一条: 不足1万元 5万–15万; 1万元以上 15–30 倍
DEVICE = Provision(
    code="device.unregistered",
    kinds=(PenaltyKind.CONFISCATE_GOODS, PenaltyKind.FINE),
    fine=FineRule(
        FineBasis.GOODS_VALUE,
        D(15),
        D(30),
        small_below=D(10000),
        small_minimum=D(50000),
        small_maximum=D(150000),
    ),
)
COUNTERFEIT = Provision(
    code="drug.counterfeit",
    kinds=(PenaltyKind.FINE,),
    fine=FineRule(FineBasis.GOODS_VALUE, D(15), D(30), floor=D(100000)),
    person=PersonRule(FineRule(FineBasis.PERSON_INCOME, D("0.3"), D(3)), ban_for_life=True),
)


@pytest.mark.parametrize(
    ("effects", "band"),
    [
        ((), Band.GENERAL),
        ((E.LIGHTER,), Band.LIGHTER),
        ((E.LIGHTER, E.LIGHTER), Band.LIGHTER),
        ((E.HEAVIER,), Band.HEAVIER),
        ((E.LIGHTER, E.HEAVIER), Band.GENERAL),
        ((E.LIGHTER, E.LIGHTER, E.HEAVIER), Band.LIGHTER),
        ((E.LIGHTER, E.HEAVIER, E.HEAVIER), Band.HEAVIER),
        ((E.FIRST_OFFENCE,), Band.NO_PENALTY),
        ((E.NO_PENALTY, E.LIGHTER), Band.NO_PENALTY),
        ((E.MITIGATE,), Band.MITIGATED),
        ((E.MITIGATE, E.FIRST_OFFENCE), Band.NO_PENALTY),
        # an aggravating circumstance rules out 首违不罚 and 减轻: they weigh as lighter
        ((E.FIRST_OFFENCE, E.HEAVIER), Band.GENERAL),
        ((E.MITIGATE, E.HEAVIER, E.HEAVIER), Band.HEAVIER),
    ],
)
def test_band_from_ticked_effects(effects, band):
    assert choose_band(effects)[0] == band


def test_band_notes_a_weighing():
    _band, notes = choose_band([E.FIRST_OFFENCE, E.HEAVIER])
    assert notes == (
        "存在从重情节，不适用不予处罚或减轻处罚",
        "同时具有从轻和从重情节，按情节多寡综合裁量",
    )


def test_goods_value_below_the_floor_counts_as_the_floor():
    # 货值 3,000 元 retail: counted as 10,000 → 100,000–200,000
    assert legal_range(RETAIL_SUBSTANDARD.fine, goods_value=D(3000)) == (D(100000), D(200000))
    assert legal_range(RETAIL_SUBSTANDARD.fine, goods_value=D(25000)) == (D(250000), D(500000))


def test_small_goods_value_gives_the_fixed_tier():
    assert legal_range(DEVICE.fine, goods_value=D("9999.99")) == (D(50000), D(150000))
    assert legal_range(DEVICE.fine, goods_value=D(10000)) == (D(150000), D(300000))


def test_multiple_without_its_amount_is_refused():
    with pytest.raises(MissingBasisAmount) as caught:
        suggest(RETAIL_SUBSTANDARD, [])
    assert caught.value.basis == FineBasis.GOODS_VALUE


@pytest.mark.parametrize(
    ("effects", "band_min", "band_max", "fine"),
    [
        ((), D(220000), D(380000), D(300000)),
        ((E.LIGHTER,), D(100000), D(220000), D(160000)),
        ((E.HEAVIER,), D(380000), D(500000), D(440000)),
        ((E.MITIGATE,), D(0), D(100000), D(50000)),
    ],
)
def test_fixed_range_split_into_bands(effects, band_min, band_max, fine):
    s = suggest(GSP, effects)
    assert (s.legal_minimum, s.legal_maximum) == (D(100000), D(500000))
    assert (s.band_minimum, s.band_maximum, s.fine) == (band_min, band_max, fine)
    assert s.kinds == (PenaltyKind.WARNING, PenaltyKind.FINE)


def test_no_penalty_suggests_nothing():
    s = suggest(GSP, [E.FIRST_OFFENCE])
    assert s.band == Band.NO_PENALTY
    assert (s.kinds, s.fine, s.person) == ((), None, None)
    assert s.notes == ("不予行政处罚，责令改正；违法物品依法收缴",)


def test_warning_only_provision_has_no_fine():
    s = suggest(RECORDS, [E.HEAVIER])
    assert (s.band, s.kinds, s.fine, s.legal_maximum) == (
        Band.HEAVIER,
        (PenaltyKind.WARNING,),
        None,
        None,
    )


def test_suggested_fine_rounds_half_up_to_whole_yuan():
    # 货值 12,345.67 ×10–×20 → 123,456.70–246,913.40; general band 160,493.71–209,876.39
    s = suggest(RETAIL_SUBSTANDARD, [], goods_value=D("12345.67"))
    assert (s.band_minimum, s.band_maximum, s.fine) == (D("160493.71"), D("209876.39"), D(185185))


def test_person_penalty_suggested_with_the_ban():
    s = suggest(COUNTERFEIT, [E.LIGHTER], goods_value=D(1000))
    assert s.person is not None
    assert (s.person.fine_minimum, s.person.fine_maximum, s.person.per_income) == (
        D("0.3"),
        D(3),
        True,
    )
    assert (s.person.ban_for_life, s.person.ban_years) == (True, 0)


@pytest.mark.parametrize(
    ("amount", "verdict"),
    [
        (D(300000), FineVerdict.WITHIN_BAND),
        (D(220000), FineVerdict.WITHIN_BAND),
        (D(219999), FineVerdict.OUTSIDE_BAND),
        (D(100000), FineVerdict.OUTSIDE_BAND),
        (D(99999), FineVerdict.BELOW_LEGAL),
        (D(500001), FineVerdict.ABOVE_LEGAL),
        (None, FineVerdict.OUTSIDE_BAND),
    ],
)
def test_judge_fine_against_the_general_band(amount, verdict):
    assert judge_fine(suggest(GSP, []), amount) == verdict


def test_below_the_minimum_is_lawful_when_mitigated():
    assert judge_fine(suggest(GSP, [E.MITIGATE]), D(60000)) == FineVerdict.WITHIN_BAND


def test_a_fine_where_none_is_suggested():
    assert judge_fine(suggest(GSP, [E.NO_PENALTY]), D(1000)) == FineVerdict.NOT_SUGGESTED
    assert judge_fine(suggest(GSP, [E.NO_PENALTY]), None) == FineVerdict.WITHIN_BAND


def test_departure_by_kinds_or_amount():
    s = suggest(GSP, [])
    assert not departs(s, [PenaltyKind.WARNING, PenaltyKind.FINE], D(300000))
    assert departs(s, [PenaltyKind.WARNING, PenaltyKind.FINE], D(400000))
    assert departs(s, [PenaltyKind.WARNING], None)
    assert departs(
        s, [PenaltyKind.WARNING, PenaltyKind.FINE, PenaltyKind.LICENCE_SUSPENSION], D(300000)
    )
    assert not departs(suggest(GSP, [E.FIRST_OFFENCE]), [], None)
