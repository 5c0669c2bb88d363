"""The publication and 案卷评查 part of the demo district (synthetic), run after the cases
step: the officer publishes most decided ordinary-procedure penalties about a week after
their decision (the clock set back to that day, core.demo.clock), leaving the newest and
one in four unpublished so the staff list has pending and overdue rows; then the
chief opens last year's 回头看 and the reviewers score two of every three files.
Idempotent: a case with a publication record and a year with a round are left alone."""

from __future__ import annotations

import datetime as dt
import random

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.cases.enums import DecisionOutcome, Procedure
from yaoan.cases.models import Case, PenaltyPublication, ReviewRound
from yaoan.cases.publication_enums import PublicationTerm
from yaoan.cases.publication_services import (
    PublicationInput,
    prepare_publication,
    publish_penalty,
    update_publication,
)
from yaoan.cases.review_enums import CHECKLIST, ReviewStatus, RoundKind
from yaoan.cases.review_queries import lookback_cases
from yaoan.cases.review_services import ItemScore, start_lookback, submit_review
from yaoan.core.demo import clock
from yaoan.core.models import User

PUBLISHER = "qj.case"
ORGANIZER = "qj.chief"
REVIEWERS = ("qj.devicechief", "qj.chief")
FRESH_DAYS = 10  # decided this recently: still within its 20 working days, left pending
SKIP_EVERY = 4  # one older case in four (by id) is left unpublished (the overdue list)
SEED = 16


def _people(names: tuple[str, ...]) -> list[User]:
    found = {u.username: u for u in User.objects.people().filter(username__in=names)}
    return [found[n] for n in names if n in found]


def _summary(publication: PenaltyPublication, case: Case) -> PublicationInput:
    year = publication.decided_on.year
    return PublicationInput(
        decision_number=_("青市监罚〔%(y)s〕%(n)s号") % {"y": year, "n": 100 + case.pk},
        party_name=publication.party_name,
        violation_type=publication.violation_type,
        facts=_("经查，当事人存在%(t)s的违法行为。") % {"t": case.title},
        penalty_content=publication.penalty_content or case.decision_summary,
        legal_basis=_("《中华人民共和国药品管理法》相关条款"),
        authority=publication.authority,
        term=PublicationTerm.THREE_YEARS,
    )


def publish_decided(today: dt.date) -> int:
    publisher = next(iter(_people((PUBLISHER,))), None)
    if publisher is None:
        return 0
    decided = (
        Case.objects.filter(
            procedure=Procedure.ORDINARY,
            outcome=DecisionOutcome.PENALTY,
            decided_at__isnull=False,
            publication__isnull=True,
        )
        .select_related("entity", "org_unit")
        .order_by("decided_at", "id")
    )
    published = 0
    for index, case in enumerate(decided):
        day = timezone.localdate(case.decided_at)
        if (today - day).days < FRESH_DAYS or case.pk % SKIP_EVERY == 0:
            continue
        with clock.at(day + dt.timedelta(days=7), 90 + index):
            publication = prepare_publication(case, actor=publisher)
            try:
                update_publication(publication, actor=publisher, data=_summary(publication, case))
                publish_penalty(publication, actor=publisher)
            except ValidationError:
                continue  # a summary the checks refuse stays pending, as it would for staff
        published += 1
    return published


def _scores(rng: random.Random) -> tuple[dict[str, ItemScore], list[str]]:
    scores = {}
    for item in CHECKLIST:
        lost = rng.choice((0, 0, 0, 1, 2)) if item.points > 5 else rng.choice((0, 0, 1))
        note = _("%(l)s存在瑕疵") % {"l": item.label} if lost else ""
        scores[item.code] = ItemScore(item.points - lost, note)
    return scores, []


def review_last_year(today: dt.date) -> int:
    year = today.year - 1
    organizer = next(iter(_people((ORGANIZER,))), None)
    reviewers = _people(REVIEWERS)
    exists = ReviewRound.objects.filter(kind=RoundKind.LOOKBACK, year=year).exists()
    if organizer is None or not reviewers or exists or not lookback_cases(year).exists():
        return 0
    opened_on = max(dt.date(today.year, 2, 20), today - dt.timedelta(days=30))
    with clock.at(opened_on, 60):
        review_round = start_lookback(actor=organizer, year=year, reviewers=reviewers)
    rng = random.Random(SEED)
    scored = 0
    for index, review in enumerate(review_round.reviews.order_by("id")):
        if index % 3 == 2 or review.status != ReviewStatus.ASSIGNED:
            continue
        scores, vetoes = _scores(rng)
        with clock.at(opened_on + dt.timedelta(days=5 + index % 10), 120):
            submit_review(review, actor=review.reviewer, scores=scores, vetoes=vetoes)
        scored += 1
    return scored


def load_demo() -> str:
    today = timezone.localdate()
    published = publish_decided(today)
    scored = review_last_year(today)
    if not (published or scored):
        return ""
    return _("行政处罚公示 %(p)s 条，回头看评查 %(s)s 件") % {"p": published, "s": scored}
