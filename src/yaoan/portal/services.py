"""The two guards of the public forms, both without any third-party service:

* a proof-of-work challenge (ALTCHA's v1 scheme through the ``altcha`` library: find the
  number whose SHA-256 with the salt gives the challenge; the salt carries its expiry and
  the challenge is signed with a key derived from SECRET_KEY, so a forged or altered one
  fails). A solution is accepted once: the spent challenge is stored in the database, so a
  replay to another server process is refused too;
* a per-address rate limit: fixed-window counters in the database, incremented with one
  UPDATE so concurrent processes never both take the last allowed request. (django-ratelimit
  counts in Django's cache and needs an atomic shared one — Memcached or Redis — which this
  deployment does not run; the per-process memory cache would multiply every limit by the
  number of processes, and the database cache's increment is a read then a write.)

Neither guard is a business record: their rows are technical state like sessions; the
first refusal of an address in a window is audited (S14) and later ones are not, so a flood
cannot flood the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import altcha
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from yaoan.common.errors import invalid
from yaoan.core import audit
from yaoan.portal.enums import PortalError
from yaoan.portal.models import RateCounter, SpentChallenge

ALGORITHM: Final = "SHA-256"


def _challenge_key() -> str:
    return salted_hmac("yaoan.portal.challenge", "hmac-key").hexdigest()


def new_challenge(*, now: dt.datetime | None = None) -> dict[str, object]:
    """A fresh challenge for the page's solver (portal/static/portal/pow.js), as JSON."""
    expires = (now or timezone.now()) + dt.timedelta(minutes=settings.PORTAL_POW_MINUTES)
    options = altcha.ChallengeOptionsV1(
        algorithm=ALGORITHM,
        max_number=settings.PORTAL_POW_MAX_NUMBER,
        hmac_key=_challenge_key(),
        expires=expires,
    )
    return dict(altcha.create_challenge_v1(options).to_dict())


def _expiry_of(payload: altcha.PayloadV1) -> dt.datetime | None:
    expires = altcha.extract_params_v1(payload.to_dict()).get("expires", [""])[0]
    try:
        return dt.datetime.fromtimestamp(int(expires), tz=dt.UTC)
    except ValueError:
        return None


def spend_challenge(solution: str, *, now: dt.datetime | None = None) -> None:
    """Accept a solved challenge once, or refuse it with a coded ValidationError: missing,
    forged or altered (signature or hash wrong), expired, or already presented (replay)."""
    now = now or timezone.now()
    if not solution.strip():
        raise invalid(PortalError.CHALLENGE_MISSING)
    try:
        payload = altcha.PayloadV1.from_base64(solution.strip())
    except (ValueError, TypeError, KeyError):
        raise invalid(PortalError.CHALLENGE_INVALID) from None
    verified, _error = altcha.verify_solution_v1(payload, _challenge_key(), check_expires=False)
    if not verified or payload.algorithm != ALGORITHM:
        raise invalid(PortalError.CHALLENGE_INVALID)
    expires = _expiry_of(payload)
    if expires is None:
        raise invalid(PortalError.CHALLENGE_INVALID)
    if expires <= now:
        raise invalid(PortalError.CHALLENGE_EXPIRED)
    try:
        with transaction.atomic():
            SpentChallenge.objects.filter(expires_at__lte=now).delete()
            SpentChallenge.objects.create(challenge=payload.challenge, expires_at=expires)
    except IntegrityError:
        raise invalid(PortalError.CHALLENGE_SPENT) from None


# --- rate limits -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RateLimit:
    scope: str  # "submit", "lookup"
    per_window: int
    window: dt.timedelta


def submit_limit() -> RateLimit:
    return RateLimit("submit", settings.PORTAL_SUBMITS_PER_HOUR, dt.timedelta(hours=1))


def lookup_limit() -> RateLimit:
    return RateLimit("lookup", settings.PORTAL_LOOKUPS_PER_HOUR, dt.timedelta(hours=1))


def _address_key(scope: str, address: str) -> str:
    # the address is personal data: only a keyed digest of it is kept
    return f"{scope}:{salted_hmac('yaoan.portal.rate', address).hexdigest()[:40]}"


def _window_start(now: dt.datetime, window: dt.timedelta) -> dt.datetime:
    seconds = int(window.total_seconds())
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def _increment(key: str, start: dt.datetime) -> int:
    """The window's count after adding this request; the UPDATE locks the row, so two
    processes never read the same count."""
    counter = RateCounter.objects.filter(key=key, window_start=start)
    if not counter.update(count=F("count") + 1):
        try:
            with transaction.atomic():
                RateCounter.objects.create(key=key, window_start=start, count=1)
            RateCounter.objects.filter(window_start__lt=start - dt.timedelta(days=1)).delete()
            return 1
        except IntegrityError:  # another process opened the window first
            counter.update(count=F("count") + 1)
    return int(counter.values_list("count", flat=True).get())


def check_rate(limit: RateLimit, address: str | None, *, now: dt.datetime | None = None) -> None:
    """Count one request of ``limit.scope`` from ``address``; refuse it (coded
    ValidationError) when the address has used up its requests in this window. The count
    and the audit row are committed before the refusal is raised, so refused requests
    count too."""
    now = now or timezone.now()
    key = _address_key(limit.scope, address or "-")
    with transaction.atomic():
        count = _increment(key, _window_start(now, limit.window))
        if count == limit.per_window + 1:
            audit.record(
                "portal.rate.limited",
                object_type="portal.ratecounter",
                after={"scope": limit.scope, "per_window": limit.per_window},
                success=False,
            )
    if count > limit.per_window:
        raise invalid(PortalError.RATE_LIMITED)


def is_rate_refusal(exc: ValidationError) -> bool:
    return getattr(exc, "code", None) == PortalError.RATE_LIMITED
