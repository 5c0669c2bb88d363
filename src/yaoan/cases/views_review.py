"""Staff pages of 案卷评查: the reviews a user may see (their own to do first), one review
with its checklist form for its reviewer, assigning a closed case's file to a reviewer, and
the yearly 回头看 — opening it and its summary."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yaoan.cases import review_services as services
from yaoan.cases.models import CaseReview, ReviewRound
from yaoan.cases.review_enums import CHECKLIST, FULL_MARKS, ReviewStatus, Veto
from yaoan.cases.review_exports import export_round
from yaoan.cases.review_forms import AssignReviewForm, ChecklistForm, LookbackForm
from yaoan.cases.review_queries import (
    listed_reviews,
    reviewable_cases,
    reviews_visible_to,
    round_summary,
    rounds_visible_to,
)
from yaoan.cases.review_rules import (
    ORGANIZE_ROUNDS,
    USE_REVIEWS,
    can_assign_review,
    can_organize_rounds,
)
from yaoan.common import xlsx
from yaoan.common.forms import add_service_errors
from yaoan.common.paging import EXACT_COUNT_PARAM, capped_page, page_number
from yaoan.core.access import allowed_user, refusal, visible_or_404

PAGE_SIZE = 50


def review_list_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, USE_REVIEWS)
    rows = listed_reviews(user)
    if request.GET.get("mine") == "1":
        rows = rows.filter(reviewer=user, status=ReviewStatus.ASSIGNED)
    exact = request.GET.get(EXACT_COUNT_PARAM) == "exact"
    page = capped_page(rows, page_number(request.GET.get("page")), PAGE_SIZE, exact=exact)
    return render(
        request,
        "cases/review/review_list.html",
        {
            "page_obj": page,
            "mine": request.GET.get("mine") == "1",
            "rounds": rounds_visible_to(user).order_by("-year", "-id")[:10],
            "may_organize": can_organize_rounds(user),
        },
    )


def _review(user: Any, pk: int) -> CaseReview:
    qs = reviews_visible_to(user).select_related(
        "case", "case__org_unit", "case__entity", "reviewer", "round"
    )
    return visible_or_404(
        qs, pk, user=user, action="cases.review.access.denied", object_type="cases.casereview"
    )


def review_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, USE_REVIEWS)
    review = _review(user, pk)
    may_score = review.reviewer_id == user.pk and review.status == ReviewStatus.ASSIGNED
    form = ChecklistForm(request.POST or None) if may_score else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise refusal(request, user, "cases.review.submit.denied", _("您不能提交该评查"))
        if form.is_valid():
            try:
                services.submit_review(
                    review,
                    actor=user,
                    scores=form.scores(),
                    vetoes=form.cleaned_data["vetoes"],
                    findings=form.cleaned_data["findings"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("评查结果已提交"))
                return redirect(review)
        status = 400
    veto_labels = dict(Veto.choices)
    return render(
        request,
        "cases/review/review_detail.html",
        {
            "review": review,
            "case": review.case,
            "form": form,
            "scores": review.scores.order_by("id"),
            "vetoes": [veto_labels.get(v, v) for v in review.vetoes],
            "checklist": CHECKLIST,
            "full_marks": FULL_MARKS,
        },
        status=status,
    )


def review_assign_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    user = allowed_user(request, USE_REVIEWS)
    case = visible_or_404(
        reviewable_cases(user).select_related("org_unit"),
        case_pk,
        user=user,
        action="cases.access.denied",
        object_type="cases.case",
    )
    if not can_assign_review(user, case):
        raise refusal(request, user, "cases.review.assign.denied", _("您无权分配案卷评查"))
    form = AssignReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.assign_review(
                case, actor=user, reviewer=form.cleaned_data["reviewer"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已分配评查人"))
            return redirect(review)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "cases/review/review_assign.html", {"form": form, "case": case}, status=status
    )


def lookback_start_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, ORGANIZE_ROUNDS)
    form = LookbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_round = services.start_lookback(
                actor=user,
                year=form.cleaned_data["year"],
                reviewers=list(form.cleaned_data["reviewers"]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已开展回头看，分配 %(n)s 件案卷") % {"n": review_round.reviews.count()},
            )
            return redirect(review_round)
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/review/lookback_form.html", {"form": form}, status=status)


def _round(user: Any, pk: int) -> ReviewRound:
    return visible_or_404(
        rounds_visible_to(user),
        pk,
        user=user,
        action="cases.review_round.access.denied",
        object_type="cases.reviewround",
    )


def review_round_export_view(request: HttpRequest, pk: int) -> FileResponse:
    """The round's results as .xlsx, for its organizers (the whole district's files)."""
    user = allowed_user(request, ORGANIZE_ROUNDS)
    handle = export_round(actor=user, review_round=_round(user, pk))
    return xlsx.xlsx_response(handle, _("案卷评查结果.xlsx"))


def review_round_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, USE_REVIEWS)
    review_round = _round(user, pk)
    reviews = (
        reviews_visible_to(user)
        .filter(round=review_round)
        .select_related("case", "case__org_unit", "reviewer")
        .order_by("case__org_unit__name", "case__number", "id")
    )
    return render(
        request,
        "cases/review/review_round.html",
        {
            "round": review_round,
            "reviews": reviews,
            "summary": round_summary(review_round) if can_organize_rounds(user) else None,
            "may_export": can_organize_rounds(user),
        },
    )
