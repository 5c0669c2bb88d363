"""Read side of 案卷评查: the reviews a user may see (their own, and those of cases in an
organizer's scope), the cases the yearly 回头看 covers, and a round's summary — grades,
average score, the checklist items that lost most points, and each unit's average."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q, QuerySet, Sum

from yaoan.cases.enums import CaseStatus, Procedure
from yaoan.cases.models import Case, CaseReview, CaseReviewScore, ReviewRound
from yaoan.cases.review_enums import CHECKLIST, ReviewGrade, ReviewStatus
from yaoan.cases.review_rules import ORGANIZERS
from yaoan.core.models import User
from yaoan.core.scoping import visible_to


def reviews_visible_to(user: User) -> QuerySet[CaseReview]:
    mine = Q(reviewer=user)
    if not user.has_role(*ORGANIZERS):
        return CaseReview.objects.filter(mine)
    return visible_to(user, CaseReview.objects.all(), station="case__org_unit", also=mine)


def listed_reviews(user: User) -> QuerySet[CaseReview]:
    return (
        reviews_visible_to(user)
        .select_related("case", "case__org_unit", "reviewer", "round")
        .order_by("status", "-assigned_at", "-id")
    )


def rounds_visible_to(user: User) -> QuerySet[ReviewRound]:
    if not user.has_role(*ORGANIZERS):
        return ReviewRound.objects.filter(reviews__reviewer=user).distinct()
    return ReviewRound.objects.all()


def lookback_cases(year: int) -> QuerySet[Case]:
    """yeji 附件6: 上年全区查办的普通程序案件 — the ordinary-procedure cases closed that year."""
    return Case.objects.filter(
        procedure=Procedure.ORDINARY, status=CaseStatus.CLOSED, closed_at__year=year
    ).order_by("closed_at", "id")


def reviewable_cases(user: User) -> QuerySet[Case]:
    """Closed cases in the user's scope, for assigning a single review."""
    return visible_to(
        user, Case.objects.filter(status=CaseStatus.CLOSED), station="org_unit"
    ).order_by("-closed_at", "-id")


@dataclass
class ItemLoss:
    label: str
    full_marks: int
    lost: int
    times: int


@dataclass
class RoundSummary:
    total: int
    submitted: int
    average: float | None
    grades: dict[str, int]
    items: list[ItemLoss] = field(default_factory=list)
    units: list[tuple[str, int, float]] = field(default_factory=list)


def round_summary(review_round: ReviewRound) -> RoundSummary:
    reviews = CaseReview.objects.filter(round=review_round)
    done = reviews.filter(status=ReviewStatus.SUBMITTED)
    grades = dict(done.values_list("grade").annotate(n=Count("id")).order_by())
    losses = (
        CaseReviewScore.objects.filter(review__in=done)
        .values("item", "label", "full_marks")
        .annotate(points=Sum("points"), n=Count("id"), short=Count("id", filter=Q(note__gt="")))
        .order_by()
    )
    by_item = {row["item"]: row for row in losses}
    items = []
    for entry in CHECKLIST:
        row = by_item.get(entry.code)
        if row is None:
            continue
        lost = row["full_marks"] * row["n"] - row["points"]
        items.append(ItemLoss(row["label"], row["full_marks"], lost, row["short"]))
    items.sort(key=lambda i: -i.lost)
    per_unit: dict[str, list[int]] = defaultdict(list)
    for name, score in done.values_list("case__org_unit__name", "score"):
        per_unit[name or "-"].append(score or 0)
    units = sorted(
        ((name, len(s), round_one(sum(s) / len(s))) for name, s in per_unit.items()),
        key=lambda u: -u[2],
    )
    average = done.aggregate(a=Avg("score"))["a"]
    return RoundSummary(
        total=reviews.count(),
        submitted=done.count(),
        average=round_one(average) if average is not None else None,
        grades={g.value: grades.get(g.value, 0) for g in ReviewGrade},
        items=items,
        units=units,
    )


def round_one(value: float) -> float:
    return float(f"{value:.1f}")
