"""The daily deadline sweep over 1,000,000 open deadlines, and the inbox page of a user
with 10,000 notifications, on SQLite and PostgreSQL, each beside a yardstick measured in
the same run.

    .venv/bin/python benchmarks/deadlines.py [--deadlines 1000000] [--notifications 10000]
                                             [--requests 200] [--backends sqlite,postgres]

The sweep: 1,000,000 open deadlines whose due dates spread evenly from two days ago to a
year ahead (so about 5,400 have just gone overdue and about 13,000 fall in the 3-working-
day reminder window), 400 assignees in 20 units with a chief each. Timed: the first sweep
(marks the overdue ones, records the reminders, writes the notifications) and a second
one (finds nothing: the idempotent daily cost), beside the yardstick of a bare
``SELECT COUNT(*)`` over the deadline table. Target: sweep < 60 s.

The inbox: one user with 10,000 notifications (half unread), pages through Django's test
``Client`` in-process (full middleware stack), signed in through the real login pages;
cases interleaved round-robin after warm-up rounds, beside the bare view /healthz.
Target: p95 < 150 ms.

Data lives in its own YAOAN_VAR_DIR (var/bench-deadlines) so the development database is
never touched; PostgreSQL is a throw-away cluster from ``.ci/pg.sh``, stopped at the end.
No asserts on time: the script prints the figures and the targets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from harness import ROOT, on_backends, run

BIN = ROOT / ".venv" / "bin"
TARGET_SWEEP_S = 60.0
TARGET_P95_MS = 150.0
UNITS = 20
ASSIGNEES = 400
BENCH_USER = "bench.inbox"


# --- parent: set up each backend, run the child, print the table -----------------------


def measure(env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    run([str(BIN / "yaoan"), "migrate", "--no-input", "-v0"], env)
    cmd = [str(BIN / "python"), __file__, "--child"]
    for name in ("deadlines", "notifications", "requests", "warmup"):
        cmd += [f"--{name}", str(getattr(args, name))]
    return dict(json.loads(run(cmd, env).splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadlines", type=int, default=1_000_000)
    parser.add_argument("--notifications", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--var-dir", default=str(ROOT / "var" / "bench-deadlines"))
    parser.add_argument("--pg-port", default="55447")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    var_dir = Path(args.var_dir).resolve()
    results = on_backends(
        args.backends,
        var_dir,
        args.pg_port,
        lambda env, _backend: measure(env, args),
        YAOAN_DEADLINE_REMIND_DAYS="3",
    )
    report(results, args)


def report(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> None:
    print()
    print(
        f"daily sweep over {args.deadlines:,} open deadlines; inbox of one user with "
        f"{args.notifications:,} notifications, {args.requests} requests per case after "
        f"{args.warmup} warm-up rounds (Django test Client in-process)"
    )
    print(f"targets: sweep < {TARGET_SWEEP_S:.0f} s; inbox p95 < {TARGET_P95_MS:.0f} ms")
    for backend, r in results.items():
        s = r["sweep"]
        print(f"\n[{backend}] data: {s['build_s']:.1f} s to insert {s['rows']:,} deadlines")
        print(f"  yardstick SELECT COUNT(*) over core_deadline      {s['count_s'] * 1000:9.1f} ms")
        first_met = "met" if s["first_s"] < TARGET_SWEEP_S else "MISSED"
        print(
            f"  sweep 1 (marks {s['first']['overdue']:,} overdue, {s['first']['reminded']:,} "
            f"reminders, {s['first']['notifications']:,} notifications) "
            f"{s['first_s']:7.2f} s = {s['first_s'] / s['count_s']:.0f} x count  {first_met}"
        )
        print(
            f"  sweep 2 (idempotent: {s['second']['overdue']} overdue, {s['second']['reminded']} "
            f"reminders, {s['second']['notifications']} notifications)            "
            f"{s['second_s']:7.2f} s = {s['second_s'] / s['count_s']:.1f} x count"
        )
        bare = r["inbox"]["bare /healthz"]["p95"]
        head = f"  {'inbox case':34} {'p50 ms':>8} {'p95 ms':>8} {'p95/bare':>9} {'queries':>8}"
        print(head)
        for name, case in r["inbox"].items():
            met = "" if name.startswith("bare") else (
                "met" if case["p95"] < TARGET_P95_MS else "MISSED"
            )  # fmt: skip
            print(
                f"  {name:34} {case['p50']:8.1f} {case['p95']:8.1f} {case['p95'] / bare:9.1f} "
                f"{case['queries']:8d}  {met}"
            )


# --- child: Django set up with the backend's settings -----------------------------------


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    out = {"sweep": bench_sweep(args.deadlines), "inbox": bench_inbox(args)}
    print(json.dumps(out, ensure_ascii=False))


def people() -> tuple[list[int], list[int]]:
    """20 units, a chief each and 400 assignees, created once and in order, so the ids of
    the units and of the assignees are consecutive and the bulk insert can spread by id."""
    from yaoan.core.enums import OrgUnitKind, Role
    from yaoan.core.models import OrgUnit, RoleAssignment, User

    units = [
        OrgUnit.objects.get_or_create(
            code=f"bench-unit-{u}", defaults={"name": f"基准单位{u}", "kind": OrgUnitKind.STATION}
        )[0].pk
        for u in range(UNITS)
    ]
    for u, unit_id in enumerate(units):
        chief, created = User.objects.get_or_create(
            username=f"bench.chief{u}",
            defaults={"display_name": f"负责人{u}", "org_unit_id": unit_id},
        )
        if created:
            RoleAssignment.objects.create(user=chief, role=Role.SECTION_CHIEF)
    assignees = [
        User.objects.get_or_create(
            username=f"bench.officer{a:03d}",
            defaults={"display_name": f"承办人{a}", "org_unit_id": units[a % UNITS]},
        )[0].pk
        for a in range(ASSIGNEES)
    ]
    for ids in (units, assignees):
        if ids != list(range(ids[0], ids[0] + len(ids))):
            sys.exit("benchmark people are not consecutive: remove the var dir and run again")
    return units, assignees


def build_deadlines(n: int, units: list[int], assignees: list[int], today: dt.date) -> float:
    """Fresh rows in one INSERT … SELECT over a generated series (no Python loop)."""
    from django.db import connection, transaction

    from yaoan.core.models import Deadline, DeadlineRule, Notification

    rule = DeadlineRule.objects.get(code="rectification")
    created = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(" ")
    t0 = time.perf_counter()
    with transaction.atomic():
        Notification.objects.filter(subject_type="core.deadline").delete()
        Deadline.objects.all().delete()
        a0, u0 = min(assignees), min(units)
        columns = (
            "INSERT INTO core_deadline (subject_type, subject_id, label, url, rule_id, "
            "org_unit_id, assignee_id, amount, unit, started_on, base_due_on, due_on, "
            "provisional, state, met_late, extended_units, suspended_units, created_at) "
        )
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "WITH RECURSIVE seq(n) AS "  # noqa: S608 -- constant text, values are params
                    "(SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < %s) "
                    + columns
                    + "SELECT 'bench.subject', n, '基准事项' || n, '/home/', %s, %s + (n %% %s), "
                    "%s + (n %% %s), 15, 'working_days', date(%s, '-30 days'), "
                    "date(%s, ((n %% 367) - 2) || ' days'), "
                    "date(%s, ((n %% 367) - 2) || ' days'), 0, 'open', 0, 0, 0, %s FROM seq",
                    [n - 1, rule.pk, u0, UNITS, a0, len(assignees), today, today, today, created],
                )
            else:
                cursor.execute(
                    columns  # noqa: S608 -- constant text, values are params
                    + "SELECT 'bench.subject', n::text, '基准事项' || n, '/home/', %s, "
                    "%s + (n %% %s), %s + (n %% %s), 15, 'working_days', %s::date - 30, "
                    "%s::date + ((n %% 367) - 2), %s::date + ((n %% 367) - 2), "
                    "false, 'open', false, 0, 0, now() FROM generate_series(0, %s) AS n",
                    [rule.pk, u0, UNITS, a0, len(assignees), today, today, today, n - 1],
                )
                cursor.execute("ANALYZE core_deadline")
    return time.perf_counter() - t0


def bench_sweep(n: int) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from yaoan.core.sweep import sweep_deadlines

    today = timezone.localdate()
    units, assignees = people()
    build_s = build_deadlines(n, units, assignees, today)
    with connection.cursor() as cursor:
        t0 = time.perf_counter()
        cursor.execute("SELECT COUNT(*) FROM core_deadline")
        rows = cursor.fetchone()[0]
        count_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    first = sweep_deadlines(today)
    first_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    second = sweep_deadlines(today)
    second_s = time.perf_counter() - t0

    def as_dict(r: Any) -> dict[str, int]:
        return {"overdue": r.overdue, "reminded": r.reminded, "notifications": r.notifications}

    return {
        "build_s": build_s,
        "rows": rows,
        "count_s": count_s,
        "first_s": first_s,
        "second_s": second_s,
        "first": as_dict(first),
        "second": as_dict(second),
    }


def inbox_user(n: int) -> Any:
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from yaoan.core.enums import Role
    from yaoan.core.models import Notification, OrgUnit, RoleAssignment, User

    unit = OrgUnit.objects.get(code="bench-unit-0")
    user, created = User.objects.get_or_create(
        username=BENCH_USER,
        defaults={
            "display_name": "通知基准",
            "org_unit": unit,
            "password_changed_at": timezone.now(),
        },
    )
    if created:
        user.set_password("Bench-Inbox-Pass-2026!")
        user.save()
        RoleAssignment.objects.create(user=user, role=Role.INSPECTOR)
        TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    Notification.objects.filter(recipient=user).delete()
    now = timezone.now()
    Notification.objects.bulk_create(
        (
            Notification(
                recipient=user,
                kind="due_soon",
                title=f"即将到期：基准事项{i}，还剩 2 个工作日",
                link="/deadlines/",
                created_at=now - dt.timedelta(minutes=n - i),
                read_at=now if i % 2 else None,
            )
            for i in range(n)
        ),
        batch_size=2000,
    )
    return user


def sign_in(client: Any, user: Any) -> None:
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "Bench-Inbox-Pass-2026!"}
    )
    if response.status_code != 302:
        sys.exit(f"login refused: {response.status_code}")
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    for _attempt in range(3):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        response = client.post("/accounts/otp/", {"token": f"{totp.token():06d}"})
        if response.status_code == 302:
            return
        time.sleep(31)  # a code is accepted once per 30 s step
        device.refresh_from_db()
    sys.exit("TOTP refused")


def bench_inbox(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from yaoan.core.models import Notification

    user = inbox_user(args.notifications)
    client = Client()
    sign_in(client, user)
    ids = list(
        Notification.objects.filter(recipient=user).order_by("id").values_list("id", flat=True)
    )
    cases = {
        "bare /healthz": "/healthz",
        "inbox first page": "/notifications/",
        "inbox unread only": "/notifications/?unread=1",
        "inbox middle (keyset)": f"/notifications/?before={ids[len(ids) // 2]}",
        "inbox last page (keyset)": f"/notifications/?before={ids[30]}",
    }
    timings: dict[str, list[float]] = {name: [] for name in cases}
    for round_ in range(args.warmup + args.requests):
        for name, url in cases.items():
            t0 = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - t0) * 1000
            if response.status_code != 200:
                sys.exit(f"{url}: HTTP {response.status_code}")
            if round_ >= args.warmup:
                timings[name].append(elapsed)
    out = {}
    for name, url in cases.items():
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        values = sorted(timings[name])
        out[name] = {
            "p50": statistics.median(values),
            "p95": values[max(0, round(0.95 * len(values)) - 1)],
            "queries": len(ctx.captured_queries),
        }
    return out


if __name__ == "__main__":
    main()
