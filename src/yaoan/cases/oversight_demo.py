"""The publication and 案卷评查 part of the demo district (synthetic), on the demo's one
timeline (core.demo.timeline, beside the cases' stories, so the audit log reads in date
order): every Monday the officer publishes the ordinary-procedure penalties decided a
week or more before, leaving the newest and one in four unpublished so the staff list has
pending and overdue rows; the chief opens last year's 回头看 and the reviewers score two
of every three files over the following days. Idempotent: a case with a publication
record and a year with a round are left alone."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from functools import partial
from typing import Any

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
from yaoan.common.demo_steps import Schedule
from yaoan.core.demo import clock
from yaoan.core.demo.timeline import Timeline
from yaoan.core.models import User

PUBLISHER = "qj.case"
ORGANIZER = "qj.chief"
REVIEWERS = ("qj.devicechief", "qj.chief")
FRESH_DAYS = 10  # decided this recently: still within its 20 working days, left pending
SKIP_EVERY = 4  # one older case in four (by id) is left unpublished (the overdue list)
SEED = 16
HISTORY_DAYS = 400  # the Monday rounds run over the demo year and a little more


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


def publish_decided(on: dt.date, today: dt.date) -> None:
    """The Monday round of ``on``: the penalties decided at least a week before it."""
    publisher = next(iter(_people((PUBLISHER,))), None)
    if publisher is None:
        return
    decided = (
        Case.objects.filter(
            procedure=Procedure.ORDINARY,
            outcome=DecisionOutcome.PENALTY,
            decided_at__lt=clock.moment(on - dt.timedelta(days=7)),
            publication__isnull=True,
        )
        .select_related("entity", "org_unit")
        .order_by("decided_at", "id")
    )
    published = 0
    for case in decided:
        fresh = (today - timezone.localdate(case.decided_at)).days < FRESH_DAYS
        if fresh or case.pk % SKIP_EVERY == 0:
            continue
        publication = prepare_publication(case, actor=publisher)
        try:
            update_publication(publication, actor=publisher, data=_summary(publication, case))
            publish_penalty(publication, actor=publisher)
        except ValidationError:
            continue  # a summary the checks refuse stays pending, as it would for staff
        published += 1
    _done["published"] += published


def _scores(rng: random.Random) -> tuple[dict[str, ItemScore], list[str]]:
    scores = {}
    for item in CHECKLIST:
        lost = rng.choice((0, 0, 0, 1, 2)) if item.points > 5 else rng.choice((0, 0, 1))
        note = _("%(l)s存在瑕疵") % {"l": item.label} if lost else ""
        scores[item.code] = ItemScore(item.points - lost, note)
    return scores, []


def _open_lookback(today: dt.date, opened_on: dt.date, add: Schedule) -> None:
    """The chief opens last year's round; the reviewers score theirs on the days after."""
    organizer = next(iter(_people((ORGANIZER,))), None)
    reviewers = _people(REVIEWERS)
    year = today.year - 1
    exists = ReviewRound.objects.filter(kind=RoundKind.LOOKBACK, year=year).exists()
    if organizer is None or not reviewers or exists or not lookback_cases(year).exists():
        return
    review_round = start_lookback(actor=organizer, year=year, reviewers=reviewers)
    rng = random.Random(SEED)
    for index, review in enumerate(review_round.reviews.order_by("id")):
        if index % 3 == 2 or review.status != ReviewStatus.ASSIGNED:
            continue
        scores, _vetoes = _scores(rng)
        add(opened_on + dt.timedelta(days=5 + index % 10), partial(_score, review, scores), 120)


def _score(review: Any, scores: dict[str, ItemScore]) -> None:
    submit_review(review, actor=review.reviewer, scores=scores, vetoes=[])
    _done["scored"] += 1


_done: Counter[str] = Counter()
_scheduled: list[bool] = []


def schedule_history(add: Schedule) -> None:
    """The Monday publication rounds of the last year and the 回头看, on the timeline."""
    today = timezone.localdate()
    if PenaltyPublication.objects.exists() or ReviewRound.objects.exists():
        return
    day = today - dt.timedelta(days=HISTORY_DAYS)
    day += dt.timedelta(days=-day.weekday() % 7)  # the first Monday
    while day < today:
        add(day, partial(publish_decided, day, today), 90)
        day += dt.timedelta(days=7)
    opened_on = max(dt.date(today.year, 2, 20), today - dt.timedelta(days=30))
    add(opened_on, partial(_open_lookback, today, opened_on, add), 60)
    _scheduled.append(True)


def load_demo() -> str:
    """The summary of what the timeline ran; on its own, the same history run here."""
    if not _scheduled:
        timeline = Timeline()
        schedule_history(timeline.add)
        _scheduled.clear()
        timeline.run()
    _scheduled.clear()
    published, scored = _done.pop("published", 0), _done.pop("scored", 0)
    if not (published or scored):
        return ""
    return _("行政处罚公示 %(p)s 条，回头看评查 %(s)s 件") % {"p": published, "s": scored}
