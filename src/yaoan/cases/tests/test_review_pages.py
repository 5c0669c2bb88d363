"""The 案卷评查 pages through the test client: the list, the reviewer's checklist form
(errors on the item, then the result), assigning a review, opening the yearly 回头看 and
its summary, refusals."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from yaoan.cases.enums import CaseStatus
from yaoan.cases.models import CaseReview, ReviewRound
from yaoan.cases.review_enums import CHECKLIST, ReviewGrade, ReviewStatus
from yaoan.cases.review_services import assign_review
from yaoan.cases.tests.oversight_helpers import make_case
from yaoan.common.testing import UserFactory, assert_list_queries_flat, client_for
from yaoan.core.enums import Role

LIST = "/cases/reviews/"


def _closed(world, year=None, **fields):
    when = timezone.now() if year is None else timezone.make_aware(dt.datetime(year, 5, 1, 9))
    return make_case(world, status=CaseStatus.CLOSED, decided_at=when, closed_at=when, **fields)


def _reviewer(world, name="孙法制"):
    return UserFactory(org_unit=world.section, roles=[Role.CASE_OFFICER], display_name=name)


def _scores(**changes):
    data = {f"score_{i.code}": str(i.points) for i in CHECKLIST}
    data.update({f"note_{i.code}": "" for i in CHECKLIST})
    data["findings"] = "案卷规范"
    data.update(changes)
    return data


def test_the_reviewer_scores_the_file_on_the_page(world):
    reviewer = _reviewer(world)
    review = assign_review(_closed(world), actor=world.chief, reviewer=reviewer)
    client = client_for(reviewer)
    assert review.case.number in client.get(LIST + "?mine=1").content.decode()
    url = review.get_absolute_url()
    refused = client.post(url, _scores(score_evidence="20"))
    assert refused.status_code == 400
    assert "扣分，请写明扣分理由" in refused.content.decode()
    response = client.post(url, _scores(score_evidence="20", note_evidence="缺少检验报告原件"))
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.score, review.grade) == (
        ReviewStatus.SUBMITTED,
        95,
        ReviewGrade.EXCELLENT,
    )
    page = client.get(url).content.decode()
    assert "缺少检验报告原件" in page and 'data-testid="review-form"' not in page


def test_someone_else_cannot_post_the_checklist(world):
    reviewer = _reviewer(world)
    review = assign_review(_closed(world), actor=world.chief, reviewer=reviewer)
    response = client_for(world.chief).post(review.get_absolute_url(), _scores())
    assert response.status_code == 403
    stranger = _reviewer(world, "周执法")
    assert client_for(stranger).get(review.get_absolute_url()).status_code == 404


def test_assign_page_refuses_the_cases_officer(world):
    case = _closed(world)
    client = client_for(world.chief)
    url = reverse("cases:review_assign", args=[case.pk])
    response = client.post(url, {"reviewer": world.officer.pk})
    assert response.status_code == 400
    assert "评查人不能是该案件的承办人员" in response.content.decode()
    reviewer = _reviewer(world)
    response = client.post(url, {"reviewer": reviewer.pk})
    assert response.status_code == 302
    assert CaseReview.objects.get().reviewer == reviewer


def test_lookback_page_opens_the_round_and_shows_its_summary(world):
    last = timezone.localdate().year - 1
    _closed(world, last)
    _closed(world, last)
    reviewer = _reviewer(world)
    client = client_for(world.chief)
    response = client.post(
        reverse("cases:review_lookback"), {"year": str(last), "reviewers": [reviewer.pk]}
    )
    review_round = ReviewRound.objects.get()
    assert response.status_code == 302 and response["Location"] == review_round.get_absolute_url()
    page = client.get(review_round.get_absolute_url()).content.decode()
    assert f"{last}年度案件回头看" in page
    assert "已评查 0 / 2 件" in page
    this_year = client.post(
        reverse("cases:review_lookback"),
        {"year": str(last + 1), "reviewers": [reviewer.pk]},
    )
    assert this_year.status_code == 400
    assert "回头看只能针对已结束的年度" in this_year.content.decode()


def test_a_station_chief_cannot_open_a_lookback(world):
    response = client_for(world.station_chief).get(reverse("cases:review_lookback"))
    assert response.status_code == 403


def test_review_list_queries_do_not_grow_with_rows(world):
    reviewer = _reviewer(world)

    def add(i: int) -> None:
        assign_review(_closed(world), actor=world.chief, reviewer=reviewer)

    assert_list_queries_flat(client_for(world.chief), LIST, add)


def test_the_organizer_exports_the_rounds_results(world):
    import io

    from openpyxl import load_workbook

    from yaoan.cases.review_services import ItemScore, start_lookback, submit_review
    from yaoan.core.models import AuditEvent

    last = timezone.localdate().year - 1
    _closed(world, last, person=True)
    reviewer = _reviewer(world)
    review_round = start_lookback(actor=world.chief, year=last, reviewers=[reviewer])
    scores = {i.code: ItemScore(i.points) for i in CHECKLIST}
    scores["archive"] = ItemScore(3, "目录不全")
    submit_review(review_round.reviews.get(), actor=reviewer, scores=scores)
    url = reverse("cases:review_round_export", args=[review_round.pk])
    response = client_for(world.chief).get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if r and r[0] == "案件编号")
    data = rows[rows.index(header) + 1]
    assert data[header.index("当事人")] == "张**"
    assert str(data[header.index("得分")]) == "98"
    assert str(data[header.index("立卷归档（5分）")]) == "3"
    assert AuditEvent.objects.filter(action="cases.review_round.exported").count() == 1
    assert client_for(reviewer).get(url).status_code == 403
