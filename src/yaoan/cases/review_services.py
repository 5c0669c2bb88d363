"""The only writers of 案卷评查: assign a closed case's file to a reviewer who did not
handle it, let the reviewer score it against the checklist (a deduction needs its reason;
a veto item fails the file), and open the yearly 回头看 (yeji 附件6: last year's ordinary-
procedure cases, each assigned to a reviewer other than its officers). Atomic, audited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import cycle, islice

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.cases.enums import CaseStatus
from yaoan.cases.models import Case, CaseReview, CaseReviewScore, ReviewRound
from yaoan.cases.review_enums import (
    CHECKLIST,
    EXCELLENT_FROM,
    PASS_FROM,
    ReviewConflict,
    ReviewError,
    ReviewGrade,
    ReviewStatus,
    RoundKind,
    Veto,
)
from yaoan.cases.review_queries import lookback_cases
from yaoan.cases.review_rules import (
    can_assign_review,
    can_organize_rounds,
    is_case_officer,
    may_review,
)
from yaoan.common.errors import invalid
from yaoan.core import audit
from yaoan.core.models import User


@dataclass(frozen=True)
class ItemScore:
    points: int
    note: str = ""


def grade_for(score: int, vetoes: Sequence[str]) -> ReviewGrade:
    """优秀 from 90, 合格 from 60, else 不合格; any veto item fails the file."""
    if vetoes or score < PASS_FROM:
        return ReviewGrade.FAIL
    return ReviewGrade.EXCELLENT if score >= EXCELLENT_FROM else ReviewGrade.PASS


def _check_reviewer(case: Case, reviewer: User) -> None:
    if is_case_officer(reviewer, case):
        raise invalid(ReviewError.OWN_CASE, field="reviewer")
    if not may_review(reviewer, case):
        raise invalid(ReviewError.BAD_REVIEWER, field="reviewer")


def _new_review(
    case: Case, *, actor: User, reviewer: User, review_round: ReviewRound | None
) -> CaseReview:
    if case.status != CaseStatus.CLOSED:
        raise invalid(
            ReviewError.NOT_CLOSED, _("案件 %(n)s 尚未结案，不能评查") % {"n": case.number}
        )
    _check_reviewer(case, reviewer)
    if (
        review_round is not None
        and CaseReview.objects.filter(round=review_round, case=case).exists()
    ):
        raise invalid(ReviewConflict.ALREADY_IN_ROUND)
    review = CaseReview.objects.create(
        case=case, round=review_round, reviewer=reviewer, assigned_by=actor
    )
    audit.record(
        "cases.review.assigned",
        actor=actor,
        obj=review,
        after={
            "case": case.number,
            "reviewer": reviewer.pk,
            "round": review_round and review_round.pk,
        },
    )
    return review


@transaction.atomic
def assign_review(
    case: Case, *, actor: User, reviewer: User, review_round: ReviewRound | None = None
) -> CaseReview:
    """One closed case's file to one reviewer (a routine review, or added to a round)."""
    if not can_assign_review(actor, case):
        raise PermissionDenied(str(ReviewError.NO_PERMISSION.label))
    return _new_review(case, actor=actor, reviewer=reviewer, review_round=review_round)


def _scored(scores: Mapping[str, ItemScore]) -> list[CaseReviewScore]:
    rows = []
    for item in CHECKLIST:
        given = scores.get(item.code)
        if (
            given is None
            or not isinstance(given.points, int)
            or not 0 <= given.points <= item.points
        ):
            raise invalid(
                ReviewError.BAD_SCORE,
                _("“%(l)s”的得分须为 0 至 %(m)s 之间的整数") % {"l": item.label, "m": item.points},
                field=f"score_{item.code}",
            )
        note = given.note.strip()
        if given.points < item.points and not note:
            raise invalid(
                ReviewError.NOTE_REQUIRED,
                _("“%(l)s”扣分，请写明扣分理由") % {"l": item.label},
                field=f"note_{item.code}",
            )
        rows.append(
            CaseReviewScore(
                item=item.code,
                label=str(item.label),
                full_marks=item.points,
                points=given.points,
                note=note[:500],
            )
        )
    return rows


@transaction.atomic
def submit_review(
    review: CaseReview,
    *,
    actor: User,
    scores: Mapping[str, ItemScore],
    vetoes: Sequence[str] = (),
    findings: str = "",
) -> CaseReview:
    """The reviewer's scores, one per checklist item; total, grade and findings recorded
    once (a submitted review is not edited)."""
    locked = CaseReview.objects.select_for_update().select_related("case").get(pk=review.pk)
    if locked.reviewer_id != actor.pk:
        raise PermissionDenied(_("只有指定的评查人可以提交评查结果"))
    if locked.status != ReviewStatus.ASSIGNED:
        raise invalid(ReviewConflict.ALREADY_SUBMITTED)
    _check_reviewer(locked.case, actor)  # an officer added to the case since cannot judge it
    unknown = [v for v in vetoes if v not in Veto.values]
    if unknown:
        raise invalid(ReviewError.BAD_SCORE, _("否决项取值无效"), field="vetoes")
    rows = _scored(scores)
    total = sum(row.points for row in rows)
    grade = grade_for(total, vetoes)
    before = audit.snapshot(locked)
    for row in rows:
        row.review = locked
    CaseReviewScore.objects.bulk_create(rows)
    locked.score = total
    locked.grade = grade
    locked.vetoes = sorted(set(vetoes))
    locked.findings = findings.strip()[:4000]
    locked.status = ReviewStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["score", "grade", "vetoes", "findings", "status", "submitted_at"])
    after = audit.snapshot(locked)
    audit.record(
        "cases.review.submitted",
        actor=actor,
        obj=locked,
        before={k: before[k] for k in audit.changed_fields(before, after)},
        after={
            **audit.changed_fields(before, after),
            "scores": {r.item: r.points for r in rows},
        },
    )
    return locked


def _reviewer_for(case: Case, pool: Sequence[User], start: int) -> User:
    """The next reviewer of the pool (round-robin from ``start``) who may judge this case."""
    for reviewer in islice(cycle(pool), start, start + len(pool)):
        if may_review(reviewer, case):
            return reviewer
    raise invalid(
        ReviewError.NO_REVIEWER,
        _("案件 %(n)s 没有可以评查的评查人：评查人不能是该案件的承办人员") % {"n": case.number},
        field="reviewers",
    )


@transaction.atomic
def start_lookback(*, actor: User, year: int, reviewers: Sequence[User]) -> ReviewRound:
    """The yearly 回头看 of ``year`` (a finished year): every ordinary-procedure case closed
    that year, each to a reviewer of ``reviewers`` in turn who did not handle it."""
    if not can_organize_rounds(actor):
        raise PermissionDenied(_("只有全区范围的股室负责人或领导可以组织回头看"))
    if year >= timezone.localdate().year:
        raise invalid(ReviewError.BAD_YEAR, field="year")
    if not reviewers:
        raise invalid(ReviewError.NO_REVIEWER, _("请选择评查人"), field="reviewers")
    for person in reviewers:
        if not person.is_active or person.is_system_actor:
            raise invalid(ReviewError.BAD_REVIEWER, field="reviewers")
    cases = list(lookback_cases(year).select_related("org_unit"))
    if not cases:
        raise invalid(ReviewError.NO_CASES, field="year")
    if ReviewRound.objects.filter(kind=RoundKind.LOOKBACK, year=year).exists():
        raise invalid(ReviewConflict.ROUND_EXISTS, field="year")
    try:
        with transaction.atomic():
            review_round = ReviewRound.objects.create(
                kind=RoundKind.LOOKBACK,
                year=year,
                title=_("%(y)s年度案件回头看") % {"y": year},
                org_unit=actor.org_unit,
                created_by=actor,
            )
    except IntegrityError:  # another organizer opened it at the same moment
        raise invalid(ReviewConflict.ROUND_EXISTS, field="year") from None
    pool = list(reviewers)
    for index, case in enumerate(cases):
        reviewer = _reviewer_for(case, pool, index % len(pool))
        _new_review(case, actor=actor, reviewer=reviewer, review_round=review_round)
    audit.record(
        "cases.review_round.started",
        actor=actor,
        obj=review_round,
        after={"year": year, "cases": len(cases), "reviewers": [p.pk for p in pool]},
    )
    return review_round
