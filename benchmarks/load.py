"""Requests/s and latency of `yaoan serve` under concurrent signed-in users, on SQLite and
PostgreSQL, beside yardsticks served by the same server in the same run.

    .venv/bin/python benchmarks/load.py [--duration 60] [--users 50]
                                        [--backends sqlite,postgres] [--workers N]

What it does, per backend: builds the demo district (``yaoan demo``) in its own
YAOAN_VAR_DIR (var/bench-load/<backend>, never the development database); signs in
``--users`` sessions of six demo accounts (bureau and station inspectors, the section chief,
the leader) exactly as the sign-in view finishes a login (``login``, ``otp_login``,
``record_login``) — the TOTP step a code may be used in would otherwise allow one login per
account per 30 s; starts ``yaoan serve`` on 127.0.0.1; and runs one thread per user,
each with its own keep-alive connection and no think time, cycling through the dashboard,
the entity list, an entity's page, the inspection list and the API's entity list, plus
two yardsticks: a bare Django view (/healthz, the whole middleware stack) and a static
file (WhiteNoise). It runs for ``--duration`` seconds after a short warm-up and reports
requests/s, p50/p95/p99 per page and for all pages, errors (any status but 200, or no
answer within 30 s), and how many cores the server used.

Targets (pages, yardsticks excluded): >= 100 requests/s, p95 < 1 s, no errors. Nothing is
asserted: the figures depend on the machine and on whatever else runs on it, and the load
generator shares the machine with the server. On a busy machine the server gets only its
share of the cores, so the report also gives the server's CPU time per request (from
/proc) and the rate the cores would carry at that cost.
PostgreSQL is a throw-away cluster from ``.ci/pg.sh`` started here and stopped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import ROOT, on_backends, run

BIN = ROOT / ".venv" / "bin"
ACCOUNTS = ("qj.inspector", "qj.inspector1", "qj.inspector2", "qj.inspector3", "qj.chief")
ACCOUNTS += ("qj.leader",)
YARDSTICKS = ("yardstick: bare view", "yardstick: static file")
TARGET_RPS = 100.0
TARGET_P95_MS = 1000.0
TIMEOUT_S = 30.0
WARMUP_S = 5.0


# --- parent: prepare each backend, serve, load, report --------------------------------------


def prepare(env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    yaoan = str(BIN / "yaoan")
    run([yaoan, "migrate", "--no-input", "-v0"], env)
    run([yaoan, "collectstatic", "--no-input", "-v0"], env)
    run([yaoan, "demo", "--entities", str(args.entities)], env)
    out = run([str(BIN / "python"), __file__, "--sessions", str(args.users)], env)
    return dict(json.loads(out.splitlines()[-1]))


@contextlib.contextmanager
def serving(env: dict[str, str], args: argparse.Namespace) -> Iterator[subprocess.Popen[bytes]]:
    cmd = [str(BIN / "yaoan"), "serve", "--listen", f"127.0.0.1:{args.port}"]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    if args.server:
        cmd += ["--server", args.server]
    server = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
    try:
        wait_until_up(args.port, server)
        yield server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"yaoan serve exited with {server.returncode}")
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        time.sleep(0.3)
    sys.exit("yaoan serve did not answer /healthz within 60 s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the server's process group (the master and its workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pid:  # process group id
                total += (int(fields[11]) + int(fields[12])) / tick
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds measured")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--entities", type=int, default=600, help="demo size (make run's)")
    parser.add_argument("--workers", type=int, default=0, help="server processes (default: its)")
    parser.add_argument("--server", choices=["gunicorn", "waitress"], default=None)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--var-dir", default=str(ROOT / "var" / "bench-load"))
    parser.add_argument("--pg-port", default="55441")
    parser.add_argument("--sessions", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sessions:
        print(json.dumps(make_sessions(args.sessions)))
        return
    var_dir = Path(args.var_dir).resolve()
    results = on_backends(
        args.backends,
        var_dir,
        args.pg_port,
        lambda env, _backend: bench_backend(env, args),
        YAOAN_DEMO="1",
        # sessions of a long run must not end by the idle rule between two requests
        YAOAN_IDLE_TIMEOUT_MINUTES="60",
    )
    report(results, args)


def bench_backend(env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    plan = prepare(env, args)
    with serving(env, args) as server:
        load(plan, args, WARMUP_S)  # first requests fill caches and start connections
        before = cpu_seconds(server.pid)
        result = load(plan, args, args.duration)
        result["cores"] = (cpu_seconds(server.pid) - before) / result["seconds"]
    return result


# --- the load: one thread per user, keep-alive, no think time --------------------------------


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, ms: float, problem: str | None) -> None:
        with self.lock:
            self.times.setdefault(name, []).append(ms)
            if problem is not None:
                self.errors[name] = self.errors.get(name, 0) + 1
                if len(self.examples) < 5:
                    self.examples.append(f"{name}: {problem}")


def pages_of(session: dict[str, Any], static_url: str) -> list[tuple[str, str]]:
    return [
        ("dashboard", "/home/"),
        ("entity list", "/registry/entities/"),
        ("entity page", f"/registry/entities/{session['entity_id']}/"),
        ("inspection list", "/inspections/"),
        ("API entity list", "/api/registry/entities?page=1"),
        (YARDSTICKS[0], "/healthz"),
        (YARDSTICKS[1], static_url),
    ]


def user_loop(
    port: int, session: dict[str, Any], static_url: str, stop_at: float, tally: Tally, offset: int
) -> None:
    headers = {"Cookie": f"sessionid={session['cookie']}", "Accept-Language": "zh-hans"}
    pages = pages_of(session, static_url)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
    i = offset  # users start at different pages, so every page is asked for all the time
    while time.monotonic() < stop_at:
        name, url = pages[i % len(pages)]
        i += 1
        t0 = time.perf_counter()
        problem = None
        try:
            conn.request("GET", url, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                problem = f"HTTP {response.status} {url} {response.getheader('Location') or ''}"
        except (OSError, http.client.HTTPException) as exc:
            problem = f"{type(exc).__name__}: {exc} {url}"
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
        tally.add(name, (time.perf_counter() - t0) * 1000, problem)
    conn.close()


def load(plan: dict[str, Any], args: argparse.Namespace, seconds: float) -> dict[str, Any]:
    tally = Tally()
    started = time.monotonic()
    stop_at = started + seconds
    threads = [
        threading.Thread(
            target=user_loop,
            args=(args.port, session, plan["static_url"], stop_at, tally, n),
            daemon=True,
        )
        for n, session in enumerate(plan["sessions"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + TIMEOUT_S + 5)
    elapsed = time.monotonic() - started
    return {
        "seconds": elapsed,
        "times": tally.times,
        "errors": tally.errors,
        "examples": tally.examples,
    }


# --- the report -------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered)) - 1))]


def row(label: str, values: list[float], errors: int, seconds: float) -> str:
    if not values:
        return f"{label:24} (no requests)"
    return (
        f"{label:24} {len(values) / seconds:8.1f} {statistics.median(values):8.0f} "
        f"{percentile(values, 95):8.0f} {percentile(values, 99):8.0f} {errors:7d}"
    )


def report(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> None:
    print()
    print(
        f"`yaoan serve` under {args.users} signed-in users, no think time, {args.duration:.0f} s "
        f"measured after {WARMUP_S:.0f} s warm-up; demo district of {args.entities} entities; "
        f"{os.cpu_count()} cores shared with the load generator (and anything else running)"
    )
    print(
        f"targets (pages): >= {TARGET_RPS:.0f} requests/s, p95 < {TARGET_P95_MS:.0f} ms, 0 errors"
    )
    head = f"{'':24} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
    for backend, result in results.items():
        seconds = result["seconds"]
        total = sum(len(v) for v in result["times"].values())
        cpu_ms = result["cores"] * seconds * 1000 / max(total, 1)
        print(
            f"\n[{backend}] server used {result['cores']:.2f} cores: {cpu_ms:.1f} ms of CPU per "
            f"request (yardsticks included); at that cost {os.cpu_count()} cores free of other "
            f"work would carry about {(os.cpu_count() or 1) * 1000 / cpu_ms:.0f} requests/s"
        )
        print(head)
        pages: list[float] = []
        page_errors = 0
        for name, values in result["times"].items():
            errors = result["errors"].get(name, 0)
            print(row(name, values, errors, seconds))
            if name not in YARDSTICKS:
                pages += values
                page_errors += errors
        print(row("all pages", pages, page_errors, seconds))
        met = (
            len(pages) / seconds >= TARGET_RPS
            and bool(pages)
            and percentile(pages, 95) < TARGET_P95_MS
            and page_errors == 0
        )
        print(f"target: {'met' if met else 'MISSED'}")
        for example in result["examples"]:
            print(f"  e.g. {example}")


# --- sessions: signed in the way the sign-in view finishes a login ----------------------------


def make_sessions(count: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.contrib.auth import login
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpRequest
    from django.templatetags.static import static
    from django_otp import login as otp_login

    from yaoan.core import services, totp
    from yaoan.core.models import User
    from yaoan.registry.queries import entities_visible_to

    sessions = []
    users = {u.username: u for u in User.objects.filter(username__in=ACCOUNTS)}
    for n in range(count):
        user = users[ACCOUNTS[n % len(ACCOUNTS)]]
        request = HttpRequest()
        request.session = SessionStore()
        request.META["REMOTE_ADDR"] = "127.0.0.1"
        request.user = AnonymousUser()  # login() sets it; otp_login() checks it
        login(request, user, backend="yaoan.core.backends.UserBackend")
        device = totp.confirmed_device(user)
        assert device is not None, user.username
        otp_login(request, device)
        request.session.save()
        key = request.session.session_key or ""
        services.record_login(user=user, session_key=key, ip="127.0.0.1", user_agent="load.py")
        visible = entities_visible_to(user).order_by("pk").values_list("pk", flat=True)
        ids = list(visible[:50])
        sessions.append({"user": user.username, "cookie": key, "entity_id": ids[n % len(ids)]})
    return {"sessions": sessions, "static_url": static("yaoan/app.css")}


if __name__ == "__main__":
    main()
