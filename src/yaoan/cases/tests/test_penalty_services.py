"""The assessment of a case, 处罚到人, the proposal check and the decision's consequences."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from yaoan.cases.models import Assessment, CreditRule, Penalty, Violation
from yaoan.cases.penalty_enums import Band, PenaltyKind, PenaltyTarget, PersonRole
from yaoan.cases.penalty_services import (
    Proposal,
    add_months,
    add_person_penalty,
    apply_decision_consequences,
    assess_case,
    check_proposal,
    id_number_problem,
    money_total,
    remove_person_penalty,
)
from yaoan.cases.tests.penalty_helpers import (
    circumstance,
    decide,
    gsp_assessment,
    id_number,
    make_case,
    violation,
)
from yaoan.common.testing import EntityFactory
from yaoan.core.models import AuditEvent
from yaoan.intake.enums import EntityEventKind
from yaoan.intake.models import EntityEvent
from yaoan.registry.models import EntityRatingChange

D = Decimal


def code_of(caught: pytest.ExceptionInfo[ValidationError]) -> tuple[str, str | None]:
    exc = caught.value
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        return str(errors[0].code), field
    return str(exc.error_list[0].code), None


def test_default_baseline_is_loaded_by_the_migration(db):
    assert Violation.objects.count() == 22
    retail = violation("drug.substandard.retail")
    assert (retail.basis, retail.fine_basis, retail.fine_minimum, retail.fine_maximum) == (
        "药品管理法 第一百一十七条第一款",
        "goods_value",
        D(10),
        D(20),
    )
    assert retail.fine_floor == D(10000)
    assert circumstance("first_offence").effect == "first_offence"
    assert list(CreditRule.objects.values_list("condition", "credit_class")) == [
        ("any_penalty", "B"),
        ("fine_at_least", "C"),
        ("licence_action", "C"),
        ("person_banned", "C"),
        ("serious_listing", "D"),
    ]


def test_assessment_within_the_band_needs_no_reason(world):
    case = make_case(world)
    assessment = gsp_assessment(case, world.officer, ticked=())
    assert (assessment.band, assessment.suggested_fine) == (Band.GENERAL, D(300000))
    assert (assessment.band_minimum, assessment.band_maximum) == (D(220000), D(380000))
    assert assessment.departs is False
    unit = list(Penalty.objects.filter(case=case).values_list("target", "kind", "amount"))
    assert unit == [("unit", "warning", None), ("unit", "fine", D(300000))]
    event = AuditEvent.objects.get(action="cases.assessment.saved")
    assert event.after["band"] == "general" and event.after["departs"] is False
    check_proposal(case)


def test_departure_without_reason_is_refused_and_nothing_written(world):
    case = make_case(world)
    with pytest.raises(ValidationError) as caught:
        gsp_assessment(case, world.officer, fine="120000", ticked=("repeated",))
    assert code_of(caught) == ("departure_reason", "departure_reason")
    assert not Assessment.objects.exists() and not Penalty.objects.exists()
    saved = gsp_assessment(
        case, world.officer, fine="120000", ticked=("repeated",), reason="系初犯"
    )
    assert (saved.band, saved.departs, saved.departure_reason) == (Band.HEAVIER, True, "系初犯")
    check_proposal(case)


def test_fine_above_the_legal_maximum_is_refused_even_with_a_reason(world):
    case = make_case(world)
    with pytest.raises(ValidationError) as caught:
        gsp_assessment(case, world.officer, fine="500001", reason="情节特别严重")
    assert code_of(caught) == ("above_legal_maximum", "fine")
    assert "500000" in caught.value.messages[0]


def test_multiple_of_goods_value_needs_the_value(world):
    case = make_case(world)
    with pytest.raises(ValidationError) as caught:
        assess_case(
            case,
            actor=world.officer,
            violation=violation("drug.substandard.retail"),
            circumstance_ids=[],
            goods_value=None,
            illegal_income=None,
            proposal=Proposal(kinds=(PenaltyKind.FINE,), fine=D(150000)),
        )
    assert code_of(caught) == ("basis_amount_required", "goods_value")


def test_goods_value_floor_and_first_offence(world):
    case = make_case(world)
    saved = assess_case(
        case,
        actor=world.officer,
        violation=violation("drug.substandard.retail"),
        circumstance_ids=[circumstance("first_offence").pk],
        goods_value=D(800),
        illegal_income=D(120),
        proposal=Proposal(kinds=()),
    )
    assert (saved.band, saved.legal_minimum, saved.legal_maximum) == (
        Band.NO_PENALTY,
        D(100000),
        D(200000),
    )
    assert not Penalty.objects.filter(case=case).exists()
    check_proposal(case)  # no penalty suggested, none proposed


def test_circumstance_of_another_product_class_is_refused(world):
    case = make_case(world)
    with pytest.raises(ValidationError) as caught:
        gsp_assessment(case, world.officer, ticked=("device.duty_done",))
    assert code_of(caught) == ("circumstance_not_applicable", "circumstances")


def test_assessment_refused_to_others_and_after_the_decision(world):
    case = make_case(world)
    with pytest.raises(PermissionDenied):
        gsp_assessment(case, world.inspector)
    decide(case)
    with pytest.raises(ValidationError) as caught:
        gsp_assessment(case, world.officer)
    assert code_of(caught) == ("case_decided", None)


def test_unit_kinds_need_their_amounts(world):
    case = make_case(world)

    def propose(**kw):
        return assess_case(
            case,
            actor=world.officer,
            violation=violation("drug.gsp.serious"),
            circumstance_ids=[],
            goods_value=None,
            illegal_income=None,
            proposal=Proposal(**kw),
        )

    with pytest.raises(ValidationError) as caught:
        propose(kinds=(PenaltyKind.FINE, PenaltyKind.LICENCE_SUSPENSION), fine=D(1250000))
    assert code_of(caught) == ("term_required", "suspension_months")
    with pytest.raises(ValidationError) as caught:
        propose(kinds=(PenaltyKind.TRADE_BAN,), reason="x")
    assert code_of(caught) == ("kind_not_for_target", "kinds")
    propose(
        kinds=(PenaltyKind.FINE, PenaltyKind.LICENCE_SUSPENSION),
        fine=D(1250000),
        suspension_months=6,
    )
    assert Penalty.objects.get(kind="licence_suspension").term_months == 6


def test_check_proposal_refusals(world):
    case = make_case(world)
    with pytest.raises(ValidationError) as caught:
        check_proposal(case)
    assert code_of(caught) == ("no_assessment", None)
    # a proposal of nothing where a penalty is suggested: a departure, and no proposal
    assess_case(
        case,
        actor=world.officer,
        violation=violation("drug.gsp"),
        circumstance_ids=[],
        goods_value=None,
        illegal_income=None,
        proposal=Proposal(kinds=(), reason="拟不予处罚"),
    )
    with pytest.raises(ValidationError) as caught:
        check_proposal(case)
    assert code_of(caught) == ("no_proposal", None)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (id_number(), None),
        (id_number()[:-1] + ("0" if id_number()[-1] != "0" else "1"), "身份证号码校验位不正确"),
        ("11010519491331002X", "身份证号码中的出生日期无效"),
        ("1101051949123100", "身份证号码应为18位，最后一位可为X"),
    ],
)
def test_id_number_check(value, problem):
    assert id_number_problem(value) == problem


def test_person_penalty_is_sealed_and_validated(world):
    case = make_case(world)
    with pytest.raises(ValidationError) as caught:
        add_person_penalty(
            case, actor=world.officer, kind="trade_ban", name="王某", id_number=id_number(),
            role=PersonRole.LEGAL_REPRESENTATIVE,
        )  # fmt: skip
    assert code_of(caught) == ("term_required", "term_months")
    with pytest.raises(ValidationError) as caught:
        add_person_penalty(
            case, actor=world.officer, kind="fine", name="王某", id_number="123",
            role=PersonRole.LEGAL_REPRESENTATIVE, amount=D(20000),
        )  # fmt: skip
    assert code_of(caught) == ("person_required", "id_number")
    ban = add_person_penalty(
        case, actor=world.officer, kind="trade_ban", name="王某", id_number=id_number(),
        role=PersonRole.LEGAL_REPRESENTATIVE, for_life=True,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT person_id_number, person_name FROM cases_penalty WHERE id = %s", [ban.pk]
        )
        stored_id, stored_name = cursor.fetchone()
    assert stored_id.startswith("sm4$") and id_number() not in stored_id
    assert stored_name.startswith("sm4$")
    audit_row = AuditEvent.objects.get(action="cases.penalty.added")
    assert id_number() not in str(audit_row.after)
    remove_person_penalty(Penalty.objects.get(pk=ban.pk), actor=world.officer, reason="认定有误")
    assert not Penalty.objects.filter(target=PenaltyTarget.PERSON).exists()
    assert AuditEvent.objects.filter(action="cases.penalty.removed").count() == 1


def test_add_months_keeps_the_day_or_the_month_end():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 12, 8), 60) == dt.date(2031, 12, 8)


def test_decision_consequences(world):
    case = make_case(world)
    gsp_assessment(case, world.officer, fine="300000")
    add_person_penalty(
        case, actor=world.officer, kind="trade_ban", name="周某", id_number=id_number(),
        role=PersonRole.PRINCIPAL, term_months=60,
    )  # fmt: skip
    elsewhere = EntityFactory(subdistrict=world.other_grid, name="石门二店", quality_manager="周某")
    world.pharmacy.legal_representative = "周某"  # the banned business itself: no flag
    world.pharmacy.save(update_fields=["legal_representative"])
    decide(case, timezone.make_aware(dt.datetime(2026, 12, 3, 10, 0)))
    done = apply_decision_consequences(case, actor=world.chief)
    world.pharmacy.refresh_from_db()
    assert world.pharmacy.credit_class == "C"  # fine ≥ 100,000 and a ban: at most C
    change = EntityRatingChange.objects.get(entity=world.pharmacy)
    assert change.source == "case_penalty" and case.number in change.reason
    assert change.changed_by.username == "system:case-credit"
    event = EntityEvent.objects.get()
    assert (event.kind, event.entity, event.occurred_on) == (
        EntityEventKind.PENALTY,
        world.pharmacy,
        dt.date(2026, 12, 3),
    )
    ban = Penalty.objects.get(kind="trade_ban")
    assert (ban.starts_on, ban.ends_on) == (dt.date(2026, 12, 3), dt.date(2031, 12, 2))
    assert [(f.entity, f.position) for f in done.flags] == [(elsewhere, "quality_manager")]
    assert money_total(case) == D(300000)
    assert AuditEvent.objects.filter(action="cases.case.consequences_applied").count() == 1


def test_credit_rule_never_raises_the_class(world):
    world.pharmacy.credit_class = "D"
    world.pharmacy.save(update_fields=["credit_class"])
    case = make_case(world)
    gsp_assessment(case, world.officer, fine="300000")
    decide(case)
    outcome = apply_decision_consequences(case, actor=world.chief)
    world.pharmacy.refresh_from_db()
    assert world.pharmacy.credit_class == "D" and outcome.credit.change is None
    assert outcome.credit.target == "C"


def test_warning_alone_leaves_the_class(world):
    world.pharmacy.credit_class = "A"
    world.pharmacy.save(update_fields=["credit_class"])
    case = make_case(world)
    assess_case(
        case,
        actor=world.officer,
        violation=violation("drug.records"),
        circumstance_ids=[],
        goods_value=None,
        illegal_income=None,
        proposal=Proposal(kinds=(PenaltyKind.WARNING,)),
    )
    decide(case)
    outcome = apply_decision_consequences(case, actor=world.chief)
    world.pharmacy.refresh_from_db()
    assert (world.pharmacy.credit_class, outcome.credit.rules) == ("A", ())
    assert EntityEvent.objects.count() == 1  # a warning is still a penalty for the key list


def test_a_decided_penalty_selects_the_business_for_next_years_key_list(world):
    from yaoan.plans import keylist

    case = make_case(world)
    gsp_assessment(case, world.officer)
    decide(case, timezone.now() - dt.timedelta(days=3))
    apply_decision_consequences(case, actor=world.chief)
    source = keylist.external_source("penalty")
    assert source is not None
    assert list(source(timezone.localdate().year + 1)) == [world.pharmacy.pk]


def test_no_penalty_decision_has_no_consequences(world):
    case = make_case(world)
    gsp_assessment(case, world.officer)
    case.outcome = "no_penalty"
    case.save(update_fields=["outcome"])
    done = apply_decision_consequences(decide(case), actor=world.chief)
    assert (done.event, done.bans, done.credit.change) == (None, (), None)
    assert not EntityEvent.objects.exists() and not EntityRatingChange.objects.exists()


def test_confiscations_and_the_partys_licence(world):
    from yaoan.cases.penalty_checks import proposal_problem
    from yaoan.common.testing import LicenceFactory

    case = make_case(world)
    assert proposal_problem(case) == "尚未完成处罚裁量"
    own = LicenceFactory(entity=world.pharmacy)
    foreign = LicenceFactory(entity=world.other_entity)

    def propose(licence, goods="劣药阿莫西林胶囊 20 盒"):
        return assess_case(
            case,
            actor=world.officer,
            violation=violation("drug.illegal_channel.serious"),
            circumstance_ids=[],
            goods_value=D(4000),
            illegal_income=D(900),
            proposal=Proposal(
                kinds=(
                    PenaltyKind.CONFISCATE_GOODS,
                    PenaltyKind.CONFISCATE_INCOME,
                    PenaltyKind.FINE,
                    PenaltyKind.LICENCE_REVOCATION,
                ),
                fine=D(1000000),  # 货值 counted as 50,000: 500,000–1,500,000, general band
                confiscated_income=D(900),
                confiscated_goods=goods,
                licence=licence,
            ),
        )

    with pytest.raises(ValidationError) as caught:
        propose(foreign)
    assert code_of(caught) == ("kind_not_for_target", "licence")
    with pytest.raises(ValidationError) as caught:
        propose(own, goods=" ")
    assert code_of(caught) == ("amount_required", "confiscated_goods")
    propose(own)
    rows = {p.kind: p for p in Penalty.objects.filter(case=case)}
    assert rows["confiscate_goods"].goods == "劣药阿莫西林胶囊 20 盒"
    assert (rows["confiscate_income"].amount, rows["licence_revocation"].licence) == (D(900), own)
    assert proposal_problem(case) is None
    assert money_total(case) == D(1000900)
