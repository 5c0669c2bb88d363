"""The whole demo district, every step loaded: what each role meets in it (issue 14) — a
year of work behind today, every account able to sign in, an audit chain that verifies."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from yaoan.common.demo_steps import DEMO_STEPS
from yaoan.core.audit import verify_chain
from yaoan.core.demo.clock import go_live
from yaoan.core.enums import Role
from yaoan.core.models import AuditEvent, Deadline, User
from yaoan.inspections.enums import InspectionStatus, RectificationStatus
from yaoan.inspections.hooks import done_counts
from yaoan.inspections.models import Inspection, RectificationOrder
from yaoan.inspections.plan_visits import quarter_of, quarter_span
from yaoan.plans.panels import coverage_context
from yaoan.registry import demo as registry_demo

pytestmark = pytest.mark.django_db


def _load_everything(entities: int = registry_demo.NORMAL_SIZE) -> None:
    registry_demo.load(entities)
    for step in DEMO_STEPS:
        step.load()


def _signs_in(user: User) -> bool:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": registry_demo.DEMO_PASSWORD}
    )
    if response.status_code != 302:
        return False
    response = client.post("/accounts/otp/", {"token": registry_demo.current_code(user)})
    if response.status_code != 302:
        return False
    # a person reaches the work (no password-change page: the history opened the accounts
    # months ago); an administrator changes the published password first (S1)
    home = client.get("/home/")
    return home.status_code == 302 if user.must_change_password else home.status_code == 200


def test_the_demo_district_has_a_year_of_work_and_every_account_signs_in() -> None:
    _load_everything()
    today = timezone.localdate()

    # every quarter since the district went live has visits done in it
    past = [
        (year, q)
        for year in range(go_live(today).year, today.year + 1)
        for q in (1, 2, 3, 4)
        if (year, q) < (today.year, quarter_of(today)) and dt.date(year, 3 * q, 1) > go_live(today)
    ]
    submitted = Inspection.objects.filter(status=InspectionStatus.SUBMITTED)
    for year, q in past:
        done = submitted.filter(submitted_at__date__range=quarter_span(year, q)).count()
        assert done > 20, (year, q, done)
    assert not submitted.filter(submitted_at__gt=timezone.now()).exists()
    # today's work is waiting, the future is only scheduled
    assert Inspection.objects.filter(scheduled_for=today, status="scheduled").exists()
    assert not submitted.filter(scheduled_for__gte=today).exists()

    # December's coverage panel (and any month's) counts done work in every category
    report = coverage_context(User.objects.get(username="qj.leader"), today.year)["report"]
    if today.year == go_live(today).year:
        assert report.rows and all(row.done for row in report.rows if row.population)
    assert sum(done_counts(today.year).values()) > 0

    # rectification orders at every stage: closed, answered, overdue
    orders = RectificationOrder.objects
    assert orders.filter(status=RectificationStatus.CLOSED).exists()
    assert orders.filter(status=RectificationStatus.RESPONDED).exists()
    rectification = Deadline.objects.filter(rule__code="rectification")
    assert rectification.filter(state="overdue").exists()
    assert rectification.filter(state="met", met_late=False).exists()
    assert Inspection.objects.filter(published_at__isnull=False).exists()

    # the audit log reads in date order and its chain verifies
    times = list(AuditEvent.objects.order_by("seq").values_list("occurred_at", flat=True))
    assert times[0].date() <= go_live(today) + dt.timedelta(days=1)
    assert not [(a, b) for a, b in itertools.pairwise(times) if b < a]
    assert verify_chain(checkpoint=False).ok

    # every role's account and everyone drawn onto a team signs in with password and TOTP
    team = User.objects.filter(inspections__isnull=False).distinct()
    listed = {row.username for row in registry_demo.account_rows()}
    assert team.filter(username__startswith=registry_demo.POOL_PREFIX).exists()
    for user in team:
        assert TOTPDevice.objects.filter(
            user=user, confirmed=True, key=registry_demo.totp_key_hex(user.username)
        ).exists(), user.username
        assert not user.must_change_password, user.username
        assert user.username in listed, user.username
    accounts = User.objects.filter(username__in=[a.username for a in registry_demo.DEMO_ACCOUNTS])
    assert {r for u in accounts for r in u.role_set} == set(Role.values)
    pool = User.objects.filter(username__startswith=registry_demo.POOL_PREFIX)
    assert pool.count() == 12
    for user in [*accounts, *pool]:
        assert _signs_in(user), user.username


def test_the_demo_loads_in_the_first_weeks_of_a_year_too() -> None:
    """Loaded in January, the history begins the year before, so the dashboard is not
    empty; the new year's plan is approved in its first week."""
    with time_machine.travel(dt.datetime(2026, 1, 20, 2, 0, tzinfo=dt.UTC), tick=False):
        _load_everything(60)
        assert go_live(timezone.localdate()) == dt.date(2025, 1, 6)
        years = set(Inspection.objects.values_list("submitted_at__year", flat=True))
        assert {2025} <= years
        assert verify_chain(checkpoint=False).ok
