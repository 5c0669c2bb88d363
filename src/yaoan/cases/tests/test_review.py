"""案卷评查: a closed case's file scored by someone who did not handle it, the checklist's
rules (every item, a reason for each deduction, a veto fails the file), and the yearly
回头看 over last year's ordinary-procedure cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yaoan.cases.enums import CaseStatus, Procedure
from yaoan.cases.models import CaseReview, CaseReviewScore, ReviewRound
from yaoan.cases.review_enums import (
    CHECKLIST,
    ReviewConflict,
    ReviewError,
    ReviewGrade,
    ReviewStatus,
    Veto,
)
from yaoan.cases.review_queries import round_summary
from yaoan.cases.review_services import (
    ItemScore,
    assign_review,
    grade_for,
    start_lookback,
    submit_review,
)
from yaoan.cases.tests.oversight_helpers import make_case, second_officer
from yaoan.common.testing import UserFactory
from yaoan.core.enums import Role
from yaoan.core.models import AuditEvent


def _closed(world, year: int | None = None, **fields):
    when = timezone.now() if year is None else timezone.make_aware(dt.datetime(year, 6, 1, 10))
    return make_case(world, status=CaseStatus.CLOSED, decided_at=when, closed_at=when, **fields)


def _reviewer(world, name="孙法制"):
    return UserFactory(org_unit=world.section, roles=[Role.CASE_OFFICER], display_name=name)


def _full() -> dict[str, ItemScore]:
    return {item.code: ItemScore(item.points) for item in CHECKLIST}


def test_grade_for_thresholds_and_vetoes():
    assert grade_for(100, []) == ReviewGrade.EXCELLENT
    assert grade_for(90, []) == ReviewGrade.EXCELLENT
    assert grade_for(89, []) == ReviewGrade.PASS
    assert grade_for(60, []) == ReviewGrade.PASS
    assert grade_for(59, []) == ReviewGrade.FAIL
    assert grade_for(100, [Veto.RIGHTS_DENIED]) == ReviewGrade.FAIL


def test_checklist_totals_one_hundred():
    assert sum(item.points for item in CHECKLIST) == 100


def test_the_case_officer_cannot_review_his_own_file(world):
    case = _closed(world)
    for officer in (world.officer, second_officer(world)):
        with pytest.raises(ValidationError) as exc:
            assign_review(case, actor=world.chief, reviewer=officer)
        assert exc.value.error_dict["reviewer"][0].code == ReviewError.OWN_CASE
    assert CaseReview.objects.count() == 0


def test_only_closed_cases_are_reviewed(world):
    case = make_case(world, status=CaseStatus.DELIVERED)
    with pytest.raises(ValidationError) as exc:
        assign_review(case, actor=world.chief, reviewer=_reviewer(world))
    assert exc.value.code == ReviewError.NOT_CLOSED


def test_a_reviewer_needs_a_reviewing_role_and_the_organizer_scope(world):
    case = _closed(world)
    with pytest.raises(ValidationError) as exc:
        assign_review(case, actor=world.chief, reviewer=world.inspector)
    assert exc.value.error_dict["reviewer"][0].code == ReviewError.BAD_REVIEWER
    with pytest.raises(PermissionDenied):
        assign_review(case, actor=world.officer, reviewer=_reviewer(world))
    other = _closed(world, org_unit=world.other_station, entity=world.other_entity)
    with pytest.raises(PermissionDenied):
        assign_review(other, actor=world.station_chief, reviewer=_reviewer(world))


def test_full_marks_are_excellent_and_recorded_item_by_item(world):
    reviewer = _reviewer(world)
    review = assign_review(_closed(world), actor=world.chief, reviewer=reviewer)
    done = submit_review(review, actor=reviewer, scores=_full(), findings="案卷规范")
    assert (done.status, done.score, done.grade) == (
        ReviewStatus.SUBMITTED,
        100,
        ReviewGrade.EXCELLENT,
    )
    assert CaseReviewScore.objects.filter(review=done).count() == len(CHECKLIST)
    event = AuditEvent.objects.get(action="cases.review.submitted")
    assert event.after["score"] == 100
    with pytest.raises(ValidationError) as exc:
        submit_review(done, actor=reviewer, scores=_full())
    assert exc.value.code == ReviewConflict.ALREADY_SUBMITTED


def test_a_deduction_needs_its_reason(world):
    reviewer = _reviewer(world)
    review = assign_review(_closed(world), actor=world.chief, reviewer=reviewer)
    scores = _full()
    scores["evidence"] = ItemScore(15)
    with pytest.raises(ValidationError) as exc:
        submit_review(review, actor=reviewer, scores=scores)
    assert exc.value.error_dict["note_evidence"][0].code == ReviewError.NOTE_REQUIRED
    assert CaseReviewScore.objects.count() == 0
    scores["evidence"] = ItemScore(15, "抽样记录缺少当事人签字")
    done = submit_review(review, actor=reviewer, scores=scores)
    assert (done.score, done.grade) == (90, ReviewGrade.EXCELLENT)


@pytest.mark.parametrize("points", [-1, 26])
def test_a_score_outside_the_item_is_refused(world, points):
    reviewer = _reviewer(world)
    review = assign_review(_closed(world), actor=world.chief, reviewer=reviewer)
    scores = _full()
    scores["evidence"] = ItemScore(points, "x")
    with pytest.raises(ValidationError) as exc:
        submit_review(review, actor=reviewer, scores=scores)
    assert exc.value.error_dict["score_evidence"][0].code == ReviewError.BAD_SCORE


def test_a_missing_item_is_refused(world):
    reviewer = _reviewer(world)
    review = assign_review(_closed(world), actor=world.chief, reviewer=reviewer)
    scores = _full()
    del scores["archive"]
    with pytest.raises(ValidationError) as exc:
        submit_review(review, actor=reviewer, scores=scores)
    assert "score_archive" in exc.value.error_dict


def test_a_veto_fails_the_file_whatever_its_points(world):
    reviewer = _reviewer(world)
    review = assign_review(_closed(world), actor=world.chief, reviewer=reviewer)
    done = submit_review(review, actor=reviewer, scores=_full(), vetoes=[Veto.RIGHTS_DENIED])
    assert (done.score, done.grade, done.vetoes) == (100, ReviewGrade.FAIL, ["rights_denied"])


def test_only_the_assigned_reviewer_submits(world):
    reviewer = _reviewer(world)
    review = assign_review(_closed(world), actor=world.chief, reviewer=reviewer)
    with pytest.raises(PermissionDenied):
        submit_review(review, actor=world.chief, scores=_full())


def test_lookback_covers_last_years_closed_ordinary_cases_only(world):
    last = timezone.localdate().year - 1
    covered = [_closed(world, last), _closed(world, last)]
    _closed(world, last, procedure=Procedure.SIMPLE)
    _closed(world, last - 1)
    make_case(world, status=CaseStatus.DELIVERED)
    reviewers = [_reviewer(world, "孙法制"), _reviewer(world, "李法制")]
    review_round = start_lookback(actor=world.chief, year=last, reviewers=reviewers)
    reviews = list(review_round.reviews.order_by("case_id"))
    assert [r.case_id for r in reviews] == [c.pk for c in covered]
    assert [r.reviewer for r in reviews] == reviewers  # in turn
    assert review_round.title == f"{last}年度案件回头看"
    with pytest.raises(ValidationError) as exc:
        start_lookback(actor=world.chief, year=last, reviewers=reviewers)
    assert exc.value.error_dict["year"][0].code == ReviewConflict.ROUND_EXISTS


def test_lookback_skips_a_reviewer_who_handled_the_case(world):
    last = timezone.localdate().year - 1
    case = _closed(world, last)
    outsider = _reviewer(world)
    review_round = start_lookback(actor=world.chief, year=last, reviewers=[world.officer, outsider])
    assert [r.reviewer for r in review_round.reviews.all()] == [outsider]
    assert case.lead_officer == world.officer


def test_lookback_with_only_the_cases_own_officers_writes_nothing(world):
    last = timezone.localdate().year - 1
    _closed(world, last)
    with pytest.raises(ValidationError) as exc:
        start_lookback(actor=world.chief, year=last, reviewers=[world.officer])
    assert exc.value.error_dict["reviewers"][0].code == ReviewError.NO_REVIEWER
    assert ReviewRound.objects.count() == 0
    assert CaseReview.objects.count() == 0


def test_lookback_refusals(world):
    this_year = timezone.localdate().year
    reviewers = [_reviewer(world)]
    with pytest.raises(ValidationError) as exc:
        start_lookback(actor=world.chief, year=this_year, reviewers=reviewers)
    assert exc.value.error_dict["year"][0].code == ReviewError.BAD_YEAR
    with pytest.raises(ValidationError) as exc:
        start_lookback(actor=world.chief, year=this_year - 1, reviewers=reviewers)
    assert exc.value.error_dict["year"][0].code == ReviewError.NO_CASES
    with pytest.raises(PermissionDenied):
        start_lookback(actor=world.station_chief, year=this_year - 1, reviewers=reviewers)


def test_round_summary_counts_grades_losses_and_units(world):
    last = timezone.localdate().year - 1
    _closed(world, last)
    _closed(world, last, org_unit=world.other_station, entity=world.other_entity)
    _closed(world, last)
    reviewer = _reviewer(world)
    review_round = start_lookback(actor=world.chief, year=last, reviewers=[reviewer])
    first, second, _third = review_round.reviews.order_by("case_id")
    submit_review(first, actor=reviewer, scores=_full())
    scores = _full()
    scores["evidence"] = ItemScore(5, "证据不足")
    scores["procedure"] = ItemScore(10, "未告知听证权利")
    submit_review(second, actor=reviewer, scores=scores, vetoes=[Veto.FACTS_WRONG])
    summary = round_summary(review_round)
    assert (summary.total, summary.submitted, summary.average) == (3, 2, 87.5)
    assert summary.grades == {"excellent": 1, "pass": 0, "fail": 1}
    assert [(i.label, i.lost, i.times) for i in summary.items[:2]] == [
        ("事实与证据", 20, 1),
        ("办案程序", 5, 1),
    ]
    assert summary.units == [("江城所", 1, 100.0), ("石门所", 1, 75.0)]
