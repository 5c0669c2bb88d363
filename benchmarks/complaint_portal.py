"""Portal submissions per second with the proof-of-work verified, for benchmarks/complaints.py.

The challenges are created by the server side and solved before the clock starts (solving
is the submitter's phone's work, not the server's). Then ``workers`` processes (one per
core, as gunicorn runs the server) submit their share at once, each submission from its own
address (the per-address limit is not what is measured), and the rate is the submissions
over the wall time of the slowest worker. How a submission is made, best available first:

* ``page``: a POST of the portal's public form through Django's test Client (the whole
  middleware stack, the form, the guard that spends the challenge, the rate limit and
  complaints.public_services' submission);
* ``guard + service``: portal.services.spend_challenge (verify, refuse a replay) and
  complaints.services.receive_complaint as the system actor ``portal``;
* ``altcha + service``: the altcha library's verify_solution_v1 and receive_complaint (when
  the portal's guard is not installed).

The yardstick, in the same processes and the same run: the bare view /healthz through the
test Client, per second.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import time
from collections.abc import Callable
from typing import Any

MAX_NUMBER = 50_000  # the portal's default (YAOAN_PORTAL_POW_MAX_NUMBER) when not installed


def installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def mode() -> str:
    from django.urls import NoReverseMatch, reverse

    if installed("yaoan.complaints.public_services"):
        try:
            reverse("portal:complaint_submit")
            return "page"
        except NoReverseMatch:
            pass
    if installed("yaoan.portal.services"):
        return "guard + service"
    return "altcha + service" if installed("altcha") else "none"


def solved_challenges(count: int) -> list[str]:
    """``count`` challenges made as the server makes them, solved as a browser would
    (base64 JSON payloads: algorithm, challenge, number, salt, signature)."""
    import altcha

    make = _challenge_maker()
    out = []
    for _n in range(count):
        challenge = make()
        solution = altcha.solve_challenge_v1(
            challenge["challenge"],
            challenge["salt"],
            challenge["algorithm"],
            int(challenge.get("maxnumber") or challenge.get("maxNumber") or MAX_NUMBER),
        )
        assert solution is not None
        payload = altcha.PayloadV1(
            algorithm=challenge["algorithm"],
            challenge=challenge["challenge"],
            number=solution.number,
            salt=challenge["salt"],
            signature=challenge["signature"],
        )
        out.append(payload.to_base64())
    return out


def _challenge_maker() -> Callable[[], dict[str, Any]]:
    if installed("yaoan.portal.services"):
        from yaoan.portal.services import new_challenge

        return new_challenge
    import datetime as dt

    import altcha

    def make() -> dict[str, Any]:
        expires = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30)
        challenge = altcha.create_challenge_v1(
            algorithm="SHA-256", max_number=MAX_NUMBER, hmac_key=HMAC_KEY, expires=expires
        )
        return dict(challenge.to_dict())

    return make


HMAC_KEY = "benchmark-only-altcha-key"


def submitter(how: str) -> Callable[[str, int], None]:
    """One submission: the solved challenge and a number that makes it one person's."""
    from yaoan.complaints.services import ComplaintInput, receive_complaint
    from yaoan.core.actors import system_actor

    if how == "page":
        from django.test import Client
        from django.urls import reverse

        client, url = Client(), reverse("portal:complaint_submit")

        def by_page(solution: str, n: int) -> None:
            response = client.post(
                url,
                {**_fields(n), "altcha": solution},
                REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
            )
            if response.status_code != 302:  # to the receipt page; a refusal shows the form
                raise RuntimeError(f"submission refused: HTTP {response.status_code}")

        return by_page
    portal = system_actor("portal")
    if how == "guard + service":
        from yaoan.portal.services import spend_challenge as verify
    else:
        import altcha

        def verify(solution: str) -> None:
            ok, error = altcha.verify_solution_v1(solution, HMAC_KEY, check_expires=True)
            if not ok:
                raise RuntimeError(f"proof-of-work refused: {error}")

    def by_service(solution: str, n: int) -> None:
        verify(solution)
        receive_complaint(actor=portal, data=ComplaintInput(**_fields(n)))

    return by_service


def _fields(n: int) -> dict[str, Any]:
    return {
        "kind": "report",
        "channel": "portal",
        "product_class": "drug",
        "content": f"网上举报：某药店销售过期药品，请核查。（基准提交{n}-{time.time_ns()}）",
        "subject_name": "青江区某大药房",
        "subject_address": "青江区滨江路1号",
        "reporter_name": "赵敏",
        "reporter_phone": f"139{n % 100_000_000:08d}",
    }


# --- several processes at once --------------------------------------------------------------


def _worker(how: str, work: list[tuple[str, int]], healthz: int, start: Any, out: Any) -> None:
    from django.db import connection
    from django.test import Client

    try:
        submit = submitter(how)
        client = Client()
        start.wait()
        t0 = time.perf_counter()
        for solution, n in work:
            submit(solution, n)
        submitted = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _n in range(healthz):
            client.get("/healthz")
        out.put((submitted, time.perf_counter() - t0))
    except Exception as exc:  # reported by the parent, which must not wait forever
        out.put(("failed", repr(exc)[:2000]))
    finally:
        connection.close()


def measure(submissions: int, workers: int, healthz: int) -> dict[str, Any]:
    """Submissions per second over ``workers`` processes, and the yardstick's rate."""
    from django.db import connections

    how = mode()
    if how == "none":
        return {"mode": "none: neither the portal nor the altcha library is installed"}
    t0 = time.perf_counter()
    solutions = solved_challenges(submissions)
    solve_s = time.perf_counter() - t0
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start, out = context.Event(), context.Queue()
    base = time.time_ns() % 10**7 * 10
    shares = [
        [(s, base + n) for n, s in enumerate(solutions) if n % workers == w] for w in range(workers)
    ]
    procs = [
        context.Process(target=_worker, args=(how, share, healthz // workers, start, out))
        for share in shares
    ]
    for proc in procs:
        proc.start()
    time.sleep(2)  # every worker set up (Django, its connection) before the start
    start.set()
    results = [out.get(timeout=3600) for _p in procs]
    for proc in procs:
        proc.join()
    failures = [r[1] for r in results if r[0] == "failed"]
    if failures:
        raise RuntimeError(f"a submitting process failed: {failures[0]}")
    slowest_submit = max(r[0] for r in results)
    slowest_bare = max(r[1] for r in results)
    return {
        "mode": how,
        "workers": workers,
        "submissions": submissions,
        "solve_s": solve_s,
        "per_s": submissions / slowest_submit,
        "bare_per_s": (healthz // workers * workers) / slowest_bare if healthz else 0.0,
    }
