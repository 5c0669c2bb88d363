"""Penalty publication (行政处罚信息公示): prepared from a decided case, checked for
personal data, published within the 20-working-day clock, exempted, withdrawn on credit
repair; the staff's overdue list and what the portal may show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yaoan.cases.enums import CaseStatus, DecisionOutcome, Procedure
from yaoan.cases.models import PenaltyPublication
from yaoan.cases.publication_enums import (
    PUBLICATION_RULE,
    ExemptionCause,
    PublicationConflict,
    PublicationError,
    PublicationStatus,
    PublicationTerm,
    WithdrawalCause,
)
from yaoan.cases.publication_queries import (
    awaiting_publication,
    overdue_publications,
    public_penalties,
)
from yaoan.cases.publication_services import (
    PublicationInput,
    add_months,
    exempt_publication,
    open_publication_clock,
    prepare_publication,
    publish_penalty,
    update_publication,
    withdraw_on_credit_repair,
    withdraw_publication,
)
from yaoan.cases.tests.oversight_helpers import make_case
from yaoan.core.deadlines import compute_due, current_deadline
from yaoan.core.enums import DeadlineState
from yaoan.core.models import AuditEvent


@pytest.fixture(autouse=True)
def _known_calendar(db):
    from yaoan.common.testing import weekend_calendar_for_coming_years

    weekend_calendar_for_coming_years()


def _summary(**changes: str) -> PublicationInput:
    values = {
        "decision_number": "青市监罚〔2026〕12号",
        "party_name": "仁济大药房",
        "violation_type": "销售劣药",
        "facts": "当事人销售的某某胶囊经检验为劣药。",
        "penalty_content": "没收违法所得1200元，罚款5000元",
        "legal_basis": "《中华人民共和国药品管理法》第一百一十七条第一款",
        "authority": "青江区市场监督管理局",
        "term": PublicationTerm.THREE_YEARS,
    }
    values.update(changes)
    return PublicationInput(**values)


def _ready(world, **case_fields) -> PenaltyPublication:
    case = make_case(world, **case_fields)
    publication = prepare_publication(case, actor=world.officer)
    return update_publication(publication, actor=world.officer, data=_summary())


def test_prepare_publication_fills_the_summary_from_the_case_and_opens_the_clock(world):
    case = make_case(world)
    publication = prepare_publication(case, actor=world.officer)
    assert publication.status == PublicationStatus.PENDING
    assert publication.party_name == "仁济大药房"
    assert publication.party_uscc == world.pharmacy.uscc
    assert publication.violation_type == "销售劣药"
    assert publication.penalty_content == "没收违法所得1200元，罚款5000元"
    assert publication.authority == "青江区市场监督管理局"
    deadline = current_deadline(case, PUBLICATION_RULE)
    assert deadline is not None
    decided = timezone.localdate(case.decided_at)
    assert deadline.due_on == compute_due(PUBLICATION_RULE, decided)[0]
    assert prepare_publication(case, actor=world.officer).pk == publication.pk
    assert AuditEvent.objects.filter(action="cases.publication.prepared").count() == 1


def test_open_publication_clock_keeps_the_clock_the_decision_opened(world):
    case = make_case(world)
    first = open_publication_clock(case, actor=world.officer)
    assert first is not None
    assert open_publication_clock(case, actor=world.officer).pk == first.pk


def test_simple_procedure_and_no_penalty_are_not_published(world):
    simple = make_case(world, procedure=Procedure.SIMPLE)
    with pytest.raises(ValidationError) as exc:
        prepare_publication(simple, actor=world.officer)
    assert exc.value.code == PublicationError.NOT_DECIDED
    spared = make_case(world, outcome=DecisionOutcome.NO_PENALTY)
    assert open_publication_clock(spared, actor=world.officer) is None
    assert list(awaiting_publication(world.chief)) == []


def test_a_natural_person_is_published_by_masked_name_only(world):
    case = make_case(world, person=True)
    publication = prepare_publication(case, actor=world.officer)
    assert publication.party_name == "张**"
    assert publication.party_uscc == ""
    with pytest.raises(ValidationError) as exc:
        update_publication(publication, actor=world.officer, data=_summary(facts="张三丰销售劣药"))
    assert exc.value.error_dict["facts"][0].code == PublicationError.PRIVATE_DATA


@pytest.mark.parametrize(
    "text",
    [
        "身份证号110105199001011234",
        "联系电话13912345678",
        "电话 0551-62345678",
        "账号6222021234567890123",
    ],
)
def test_personal_data_in_the_summary_is_refused_and_nothing_changes(world, text):
    case = make_case(world)
    publication = prepare_publication(case, actor=world.officer)
    with pytest.raises(ValidationError) as exc:
        update_publication(publication, actor=world.officer, data=_summary(penalty_content=text))
    assert exc.value.error_dict["penalty_content"][0].code == PublicationError.PRIVATE_DATA
    publication.refresh_from_db()
    assert publication.decision_number == ""


def test_a_credit_code_in_the_text_is_not_taken_for_an_id_number(world):
    publication = _ready(world)
    uscc = world.pharmacy.uscc
    updated = update_publication(
        publication, actor=world.officer, data=_summary(facts=f"当事人（{uscc}）销售劣药")
    )
    assert uscc in updated.facts


def test_publish_needs_every_item_of_the_summary(world):
    case = make_case(world)
    publication = prepare_publication(case, actor=world.officer)
    with pytest.raises(ValidationError) as exc:
        publish_penalty(publication, actor=world.officer)
    assert exc.value.error_dict["decision_number"][0].code == PublicationError.MISSING
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.PENDING


def test_publish_meets_the_clock_and_starts_the_term(world):
    publication = _ready(world)
    published = publish_penalty(publication, actor=world.officer)
    today = timezone.localdate()
    assert published.status == PublicationStatus.PUBLISHED
    assert published.published_by == world.officer
    assert published.public_until == add_months(today, 36)
    deadline = current_deadline(published.case, PUBLICATION_RULE)
    assert deadline.state == DeadlineState.MET
    event = AuditEvent.objects.get(action="cases.publication.published")
    assert event.after["status"] == PublicationStatus.PUBLISHED
    assert list(public_penalties(today=today)) == [published]
    with pytest.raises(ValidationError) as exc:
        publish_penalty(published, actor=world.officer)
    assert exc.value.code == PublicationConflict.WRONG_STATE


def test_the_short_term_ends_after_three_months(world):
    case = make_case(world)
    publication = prepare_publication(case, actor=world.officer)
    update_publication(
        publication,
        actor=world.officer,
        data=_summary(term=PublicationTerm.THREE_MONTHS),
    )
    published = publish_penalty(publication, actor=world.officer)
    assert published.public_until == add_months(timezone.localdate(), 3)
    later = published.public_until + dt.timedelta(days=1)
    assert list(public_penalties(today=later)) == []


def test_add_months_keeps_the_day_or_the_month_end():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 12, 7), 36) == dt.date(2029, 12, 7)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)


def test_only_a_publisher_in_scope_publishes(world):
    publication = _ready(world)
    with pytest.raises(PermissionDenied):
        publish_penalty(publication, actor=world.inspector)
    case = make_case(world, org_unit=world.other_station, entity=world.other_entity)
    with pytest.raises(PermissionDenied):
        prepare_publication(case, actor=world.station_chief)


def test_withdraw_on_credit_repair_takes_it_off_the_portal(world):
    publication = publish_penalty(_ready(world), actor=world.officer)
    case = publication.case
    with pytest.raises(PermissionDenied):
        withdraw_on_credit_repair(case, actor=world.officer, note="信用修复")
    withdrawn = withdraw_on_credit_repair(case, actor=world.leader, note="青市监信修〔2026〕3号")
    assert withdrawn.status == PublicationStatus.WITHDRAWN
    assert withdrawn.withdrawal_cause == WithdrawalCause.CREDIT_REPAIR
    assert withdrawn.withdrawn_by == world.leader
    assert list(public_penalties(today=timezone.localdate())) == []
    assert withdraw_on_credit_repair(case, actor=world.chief, note="再次") is None
    event = AuditEvent.objects.get(action="cases.publication.withdrawn")
    assert event.reason == "青市监信修〔2026〕3号"


def test_withdraw_needs_a_cause_and_a_note(world):
    publication = publish_penalty(_ready(world), actor=world.officer)
    with pytest.raises(ValidationError) as exc:
        withdraw_publication(
            publication, actor=world.chief, cause=WithdrawalCause.INACCURATE, note=" "
        )
    assert "note" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        withdraw_publication(publication, actor=world.chief, cause="bogus", note="x")
    assert "cause" in exc.value.error_dict
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.PUBLISHED


def test_exempt_cancels_the_clock_and_leaves_the_list(world):
    case = make_case(world)
    publication = prepare_publication(case, actor=world.officer)
    assert [c.pk for c in awaiting_publication(world.chief)] == [case.pk]
    exempted = exempt_publication(
        publication, actor=world.officer, cause=ExemptionCause.WARNING_ONLY, note="仅警告"
    )
    assert exempted.status == PublicationStatus.EXEMPT
    assert current_deadline(case, PUBLICATION_RULE).state == DeadlineState.CANCELLED
    assert list(awaiting_publication(world.chief)) == []


def test_overdue_list_holds_cases_past_twenty_working_days(world):
    today = timezone.localdate()
    late = make_case(world, decided_at=timezone.now() - dt.timedelta(days=60))
    fresh = make_case(world)
    for case in (late, fresh):
        open_publication_clock(case, actor=world.officer)
    assert [c.pk for c in overdue_publications(world.chief, today)] == [late.pk]
    assert {c.pk for c in awaiting_publication(world.chief)} == {late.pk, fresh.pk}
    # out of scope: another station's chief sees neither
    other_chief_cases = awaiting_publication(world.other_inspector)
    assert list(other_chief_cases) == []
    published = publish_penalty(
        update_publication(
            prepare_publication(late, actor=world.officer), actor=world.officer, data=_summary()
        ),
        actor=world.officer,
    )
    assert published.status == PublicationStatus.PUBLISHED
    assert list(overdue_publications(world.chief, today)) == []


def test_the_overdue_list_is_scoped_to_the_station(world):
    mine = make_case(world, decided_at=timezone.now() - dt.timedelta(days=60))
    theirs = make_case(
        world,
        org_unit=world.other_station,
        entity=world.other_entity,
        decided_at=timezone.now() - dt.timedelta(days=60),
    )
    for case in (mine, theirs):
        open_publication_clock(case, actor=world.officer)
    today = timezone.localdate()
    assert [c.pk for c in overdue_publications(world.station_chief, today)] == [mine.pk]
    assert {c.pk for c in overdue_publications(world.leader, today)} == {mine.pk, theirs.pk}


def test_a_closed_case_is_still_published(world):
    case = make_case(world, status=CaseStatus.CLOSED, closed_at=timezone.now())
    assert [c.pk for c in awaiting_publication(world.chief)] == [case.pk]


def test_the_clock_the_decision_step_opens_is_the_one_publication_meets(world):
    from yaoan.cases import services
    from yaoan.cases.tests.helpers import legal_reviewer, to_notice

    case = to_notice(world, legal_reviewer(world))
    case = services.serve_notice(case, actor=world.officer)
    services.record_statement(case, actor=world.officer, waived=True)
    case = services.decide(case, actor=world.chief, outcome="penalty", summary="罚款3000元")
    opened = current_deadline(case, PUBLICATION_RULE)
    assert opened is not None and opened.state == DeadlineState.OPEN
    assert [c.pk for c in awaiting_publication(world.chief)] == [case.pk]
    publication = prepare_publication(case, actor=world.officer)
    assert publication.penalty_content == "罚款3000元"
    assert current_deadline(case, PUBLICATION_RULE).pk == opened.pk
    publish_penalty(
        update_publication(publication, actor=world.officer, data=_summary()),
        actor=world.officer,
    )
    opened.refresh_from_db()
    assert opened.state == DeadlineState.MET
    assert list(awaiting_publication(world.chief)) == []


def test_withdrawn_for_an_error_it_is_corrected_and_published_again(world):
    publication = publish_penalty(_ready(world), actor=world.officer)
    back = withdraw_publication(
        publication, actor=world.chief, cause=WithdrawalCause.INACCURATE, note="文号有误"
    )
    assert (back.status, back.public_until) == (PublicationStatus.PENDING, None)
    assert list(public_penalties(today=timezone.localdate())) == []
    corrected = update_publication(
        back, actor=world.officer, data=_summary(decision_number="青市监罚〔2026〕13号")
    )
    again = publish_penalty(corrected, actor=world.officer)
    assert again.status == PublicationStatus.PUBLISHED
    assert [p.decision_number for p in public_penalties(today=timezone.localdate())] == [
        "青市监罚〔2026〕13号"
    ]


def test_a_responsible_person_fined_in_the_case_is_never_named(world):
    from decimal import Decimal

    from yaoan.cases.models import Penalty
    from yaoan.cases.penalty_enums import PenaltyKind, PenaltyTarget, PersonRole

    case = make_case(world)
    Penalty.objects.create(
        case=case,
        target=PenaltyTarget.PERSON,
        kind=PenaltyKind.FINE,
        amount=Decimal("2000"),
        person_name="李四海",
        person_id_number="110105199001011234",
        person_role=PersonRole.PRINCIPAL,
        created_by=world.officer,
        created_at=timezone.now(),
    )
    publication = prepare_publication(case, actor=world.officer)
    with pytest.raises(ValidationError) as exc:
        update_publication(
            publication,
            actor=world.officer,
            data=_summary(penalty_content="对主要负责人李四海处罚款2000元"),
        )
    assert exc.value.error_dict["penalty_content"][0].code == PublicationError.PRIVATE_DATA
    done = update_publication(
        publication,
        actor=world.officer,
        data=_summary(penalty_content="对单位罚款5000元，对主要负责人处罚款2000元"),
    )
    assert "李四海" not in done.penalty_content
