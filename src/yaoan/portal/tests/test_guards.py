"""The guards of the public forms: the proof-of-work refuses forged, altered, expired and
replayed solutions; the per-address limit is counted in the database, exactly, even when
requests race."""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading

import altcha
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from yaoan.core.models import AuditEvent
from yaoan.portal import services
from yaoan.portal.enums import PortalError
from yaoan.portal.models import RateCounter, SpentChallenge


def solved(challenge: dict[str, object]) -> str:
    """What pow.js sends: the challenge with the number found, as base64 JSON."""
    solution = altcha.solve_challenge_v1(
        str(challenge["challenge"]), str(challenge["salt"]), "SHA-256", int(challenge["maxNumber"])
    )
    assert solution is not None
    payload = {**challenge, "number": solution.number}
    payload.pop("maxNumber")
    return base64.b64encode(json.dumps(payload).encode()).decode()


def refusal(solution: str, **kwargs: object) -> str:
    with pytest.raises(ValidationError) as caught:
        services.spend_challenge(solution, **kwargs)  # type: ignore[arg-type]
    return str(caught.value.code)


@pytest.fixture
def small_work(settings):
    settings.PORTAL_POW_MAX_NUMBER = 2000


def test_a_solved_challenge_is_accepted_once_then_refused_as_a_replay(db, small_work):
    solution = solved(services.new_challenge())
    services.spend_challenge(solution)
    assert SpentChallenge.objects.count() == 1
    assert refusal(solution) == PortalError.CHALLENGE_SPENT
    assert SpentChallenge.objects.count() == 1


def test_a_wrong_number_is_refused(db, small_work):
    challenge = services.new_challenge()
    payload = json.loads(base64.b64decode(solved(challenge)))
    payload["number"] += 1
    forged = base64.b64encode(json.dumps(payload).encode()).decode()
    assert refusal(forged) == PortalError.CHALLENGE_INVALID
    assert not SpentChallenge.objects.exists()


def test_a_challenge_made_with_another_key_is_refused(db, small_work):
    """A robot that makes its own easy challenge cannot sign it."""
    own = altcha.create_challenge_v1(
        algorithm="SHA-256",
        max_number=10,
        hmac_key="guessed",
        expires=timezone.now() + dt.timedelta(minutes=5),
    ).to_dict()
    assert refusal(solved(own)) == PortalError.CHALLENGE_INVALID


def test_a_later_expiry_spliced_into_the_salt_is_refused(db, small_work):
    challenge = services.new_challenge()
    payload = json.loads(base64.b64decode(solved(challenge)))
    later = int((timezone.now() + dt.timedelta(days=30)).timestamp())
    payload["salt"] = payload["salt"].split("?")[0] + f"?expires={later}&"
    forged = base64.b64encode(json.dumps(payload).encode()).decode()
    assert refusal(forged) == PortalError.CHALLENGE_INVALID


def test_an_expired_solution_is_refused(db, small_work, settings):
    settings.PORTAL_POW_MINUTES = 30
    solution = solved(services.new_challenge(now=timezone.now() - dt.timedelta(minutes=31)))
    assert refusal(solution) == PortalError.CHALLENGE_EXPIRED
    assert not SpentChallenge.objects.exists()


@pytest.mark.parametrize("junk", ["", "   ", "not base64!", base64.b64encode(b"[1, 2]").decode()])
def test_missing_or_malformed_solutions_are_refused(db, junk):
    expected = PortalError.CHALLENGE_MISSING if not junk.strip() else PortalError.CHALLENGE_INVALID
    assert refusal(junk) == expected


def test_spent_challenges_past_their_expiry_are_pruned(db, small_work):
    SpentChallenge.objects.create(
        challenge="old", expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    services.spend_challenge(solved(services.new_challenge()))
    assert not SpentChallenge.objects.filter(challenge="old").exists()


def test_the_limit_refuses_an_address_past_it_and_audits_the_first_refusal(db):
    limit = services.RateLimit("submit", 3, dt.timedelta(hours=1))
    for _ in range(3):
        services.check_rate(limit, "203.0.113.9")
    for _ in range(2):
        with pytest.raises(ValidationError) as caught:
            services.check_rate(limit, "203.0.113.9")
        assert caught.value.code == PortalError.RATE_LIMITED
    services.check_rate(limit, "203.0.113.10")  # another address has its own count
    assert AuditEvent.objects.filter(action="portal.rate.limited", success=False).count() == 1
    assert not RateCounter.objects.filter(key__contains="203.0.113").exists()  # digests only


def test_the_limit_starts_afresh_in_the_next_window(db):
    limit = services.RateLimit("lookup", 1, dt.timedelta(hours=1))
    now = timezone.now()
    services.check_rate(limit, "198.51.100.7", now=now)
    with pytest.raises(ValidationError):
        services.check_rate(limit, "198.51.100.7", now=now)
    services.check_rate(limit, "198.51.100.7", now=now + dt.timedelta(hours=1))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_requests_never_pass_more_than_the_limit():
    """Each thread has its own database connection, as each server process does."""
    limit = services.RateLimit("submit", 5, dt.timedelta(hours=1))
    passed: list[bool] = []

    def attempt() -> None:
        try:
            services.check_rate(limit, "192.0.2.1")
            passed.append(True)
        except ValidationError:
            passed.append(False)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (passed.count(True), passed.count(False)) == (5, 7)
    assert RateCounter.objects.get().count == 12
