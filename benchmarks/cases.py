"""p95 of the officer's case list and the overdue list at 50,000 cases over ten years, on
SQLite and PostgreSQL, and the time to generate the full document set of one case; each
beside a yardstick measured in the same run.

    .venv/bin/python benchmarks/cases.py [--rows 50000] [--years 10] [--entities 3000]
        [--requests 100] [--document-sets 5] [--jobs 2] [--backends sqlite,postgres]

Per backend: the demo district (``yaoan demo --entities N``: stations, grids, accounts,
the demo's own cases) in its own YAOAN_VAR_DIR (var/bench-cases/<backend>); then
``--rows`` cases from the bulk generator (benchmarks/case_rows.py: the procedure's states
as they stand today, two officers per case, every case's deadline records; generation
time reported). Rows already there are kept: a second run measures again without
generating.

Reads, as the 执法支队's case officer (qj.case, signed in through the real login pages)
with Django's test Client in-process (whole middleware stack), cases interleaved
round-robin after ``--warmup`` rounds: (a) the officer's case list (/cases/?mine=1: the
cases they are one of the two officers of), (b) the overdue list (/cases/?overdue=1: the
支队 sees the district); the section chief's district-wide list and overdue list;
yardstick: the bare view /healthz. Beside each page, the query underneath it as the ORM runs it
(cases.queries ``my_cases``, ``overdue_cases`` and ``case_list``: first page of 50 and the
count), with the yardstick of reading one case by id. A page the installed code does not
have yet is reported as such (its query is still measured). A case whose first request
takes over 5 s is reported once and not repeated.

Documents: ``--document-sets`` times, a fresh case is taken through the procedure by its
services (benchmarks/case_documents.py: a 移送立案 clue → 立案 → evidence → 告知 → the
period run → 决定 → 送达 → 结案) and every document kind of a case is generated at the
step it belongs to; the figure is the time spent generating the set (the procedure's own
steps not counted). Yardstick: rendering one 责令改正通知书 from its default template with
its sample values (the document layer's cost of a single .docx on this machine).

Targets: each read p95 < 150 ms; a case's document set < 2 s. Nothing is asserted: the
figures depend on the machine and whatever else runs on it (compare with the yardsticks).
PostgreSQL is a throw-away cluster from ``.ci/pg.sh``, stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from complaints import PLANNED, SLOW_MS, plans, signed_in
from harness import ROOT, on_backends, run

BIN = ROOT / ".venv" / "bin"
TARGET_P95_MS = 150.0
TARGET_SET_S = 2.0
OFFICER = "qj.case"  # the 执法支队's case officer: the cases they handle
CHIEF = "qj.chief"  # a section chief: every case of the district
PAGE_YARD = "page yardstick: bare /healthz"
QUERY_YARD = "query yardstick: one case by id"
ORDER = ("-created_at", "-id")  # the list's order (Case.Meta.ordering, indexed)


# --- parent: set up each backend, run the child, print the table ---------------------------


def measure(env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    started = time.monotonic()
    run([str(BIN / "yaoan"), "migrate", "--no-input", "-v0"], env)
    run([str(BIN / "yaoan"), "demo", "--entities", str(args.entities)], env)
    setup_s = time.monotonic() - started
    cmd = [str(BIN / "python"), __file__, "--child"]
    for name in ("rows", "requests", "warmup", "jobs", "years", "document_sets"):
        cmd += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
    cmd += ["--explain"] if args.explain else []
    result = dict(json.loads(run(cmd, env).splitlines()[-1]))
    result["setup_s"] = setup_s
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000, help="cases in the table")
    parser.add_argument("--years", type=float, default=10.0, help="cases opened over")
    parser.add_argument("--entities", type=int, default=3000, help="demo district size")
    parser.add_argument("--requests", type=int, default=100, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--document-sets", type=int, default=5, help="cases documented")
    parser.add_argument("--jobs", type=int, default=2, help="generator processes")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--var-dir", default=str(ROOT / "var" / "bench-cases"))
    parser.add_argument("--pg-port", default="55452")
    parser.add_argument("--explain", action="store_true", help="print the queries' plans")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    header(args)

    def measured(env: dict[str, str], backend: str) -> dict[str, Any]:
        result = measure(env, args)
        report(backend, result)  # at once: a later backend's failure does not lose it
        return result

    on_backends(args.backends, Path(args.var_dir).resolve(), args.pg_port, measured,
                YAOAN_DEMO="1")  # fmt: skip


def header(args: argparse.Namespace) -> None:
    print(
        f"cases at {args.rows:,} rows over {args.years:g} years; {args.requests} requests per "
        f"case after {args.warmup} warm-up rounds; Django test Client in-process, signed in "
        f"as {OFFICER} (the 执法支队's case officer) unless the case says chief ({CHIEF})"
    )
    print(f"targets: read p95 < {TARGET_P95_MS:.0f} ms; one case's documents < {TARGET_SET_S:g} s")


def report(backend: str, r: dict[str, Any]) -> None:
    g = r["generated"]
    print(
        f"\n[{backend}] {r['rows']:,} cases, {r['deadlines']:,} deadline records; "
        f"{r['mine']:,} handled by {OFFICER}; {r['overdue']:,} overdue in the district"
    )
    if g:
        print(
            f"  generated {g['cases']:,} cases + {g['deadlines']:,} deadlines in "
            f"{g['seconds']:.0f} s with {g['jobs']} processes = "
            f"{g['cases'] / g['seconds']:,.0f} cases/s "
            f"({g['officers_added']} officer accounts added)"
        )
    else:
        print("  (rows from an earlier run: nothing generated)")
    print(f"  {'case':40} {'p50 ms':>8} {'p95 ms':>8} {'p95/yard':>9} {'found':>8}  target")
    for name, case in r["reads"].items():
        yard = r["reads"][PAGE_YARD if name.startswith("page") else QUERY_YARD]
        print("  " + read_row(name, case, yard))
    for line in documents_rows(r["documents"]):
        print("  " + line)
    for line in r.get("plans", []):
        print("   ", line)
    sys.stdout.flush()


def read_row(name: str, case: dict[str, Any], yard: dict[str, Any]) -> str:
    if "missing" in case:
        return f"{name:40} not measured: {case['missing']}"
    if "slow_ms" in case:
        return f"{name:40} first request {case['slow_ms']:.0f} ms (> {SLOW_MS:.0f}): MISSED"
    target = "" if "yardstick" in name else ("met" if case["p95"] < TARGET_P95_MS else "MISSED")
    ratio = case["p95"] / yard["p95"] if yard.get("p95") else float("nan")
    return (
        f"{name:40} {case['p50']:8.1f} {case['p95']:8.1f} {ratio:9.1f} {case['found']:>8}  {target}"
    )


def documents_rows(d: dict[str, Any]) -> list[str]:
    if "missing" in d:
        return [f"{'document set of one case':40} not measured: {d['missing']}"]
    worst = max(d["sets_s"])
    met = "met" if worst < TARGET_SET_S else "MISSED"
    yard = d["yardstick_ms"]
    return [
        f"document set of one case ({d['documents']} documents, {len(d['sets_s'])} cases): "
        f"median {d['median_s']:.2f} s, worst {worst:.2f} s = {worst * 1000 / yard:.0f} x "
        f"yardstick  {met}",
        f"  yardstick: one 责令改正通知书 rendered from its default template {yard:.1f} ms",
        "  per document (worst case): "
        + ", ".join(f"{name} {ms:.0f} ms" for name, ms in d["per_document_ms"].items()),
    ]


# --- child: Django set up with the backend's settings ----------------------------------------


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from case_documents import measure_document_sets
    from case_rows import generate

    from yaoan.cases.models import Case
    from yaoan.cases.queries import my_cases, overdue_cases
    from yaoan.core.demo.accounts import renew_passwords
    from yaoan.core.models import Deadline, User

    # a district above the normal size skips the demo's last step, where people move from
    # their first password to the published one: take it here, as the demo would
    renew_passwords()
    have = Case.objects.count()
    generated = None
    if have < args.rows:
        result = generate(args.rows - have, jobs=args.jobs, years=args.years, seed=have + 1)
        generated = result.__dict__
    officer, chief = User.objects.get(username=OFFICER), User.objects.get(username=CHIEF)
    out = {
        "rows": Case.objects.count(),
        "deadlines": Deadline.objects.filter(subject_type="cases.case").count(),
        "mine": my_cases(officer).count(),
        "overdue": overdue_cases(chief).count(),
        "generated": generated,
        "reads": bench_reads(args, read_cases()),
        "documents": measure_document_sets(args.document_sets),
    }
    if args.explain:
        out["plans"] = plans()
    print(json.dumps(out, ensure_ascii=False))


def read_cases() -> dict[str, Any]:
    """name → a call returning (something to check, what was found), or why it is not
    measured."""
    import importlib.util

    from django.db.models import Q
    from django.test import Client

    from yaoan.cases.models import Case
    from yaoan.cases.queries import case_list, my_cases, overdue_cases
    from yaoan.core.models import User

    officer = User.objects.get(username=OFFICER)
    chief = User.objects.get(username=CHIEF)
    mine = my_cases(officer)
    sample = mine.order_by(*ORDER).first()
    if sample is None:
        sys.exit(f"no case visible to {OFFICER}: generate rows first")
    as_officer, as_chief = signed_in(officer), signed_in(chief)
    pages = importlib.util.find_spec("yaoan.cases.views") is not None
    no_pages = "the case pages are not in this build (caseui's /cases/)"

    def page(client: Client, url: str, expect: str = "") -> Any:
        def get() -> tuple[Any, str]:
            response = client.get(url)
            if response.status_code != 200:
                sys.exit(f"{url}: HTTP {response.status_code}")
            return response, ("yes" if expect and expect in response.content.decode() else "-")

        return get

    def first_page(qs: Any) -> Any:
        ordered = qs.order_by(*ORDER)[:50]
        PLANNED.extend([ordered, qs.order_by()])

        def read() -> tuple[Any, str]:
            return list(ordered.all()), str(qs.count())

        return read

    return {
        PAGE_YARD: page(as_officer, "/healthz"),
        "page (a) officer's case list": page(as_officer, "/cases/?mine=1", sample.number)
        if pages else no_pages,
        "page (b) officer's overdue list": page(as_officer, "/cases/?overdue=1")
        if pages else no_pages,
        "page chief: district's case list": page(as_chief, "/cases/", "")
        if pages else no_pages,
        "page chief: district's overdue list": page(as_chief, "/cases/?overdue=1")
        if pages else no_pages,
        QUERY_YARD: lambda: (Case.objects.get(pk=sample.pk), "1"),
        "query (a) officer's cases": first_page(mine),
        "query (b) officer's overdue cases": first_page(
            overdue_cases(officer).filter(Q(lead_officer=officer) | Q(co_officer=officer))
        ),
        "query chief: district's cases": first_page(case_list(chief)),
        "query chief: district's overdue cases": first_page(overdue_cases(chief)),
    }  # fmt: skip


def bench_reads(args: argparse.Namespace, cases: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """p50/p95 of each case, interleaved round-robin after the warm-up rounds."""
    out = {name: {"missing": case} for name, case in cases.items() if isinstance(case, str)}
    timed = {name: case for name, case in cases.items() if not isinstance(case, str)}
    timings: dict[str, list[float]] = {name: [] for name in timed}
    found: dict[str, str] = {}
    for round_ in range(args.warmup + args.requests):
        for name, call in timed.items():
            if name in out:
                continue
            t0 = time.perf_counter()
            _result, found[name] = call()
            elapsed = (time.perf_counter() - t0) * 1000
            if round_ == 0 and elapsed > SLOW_MS:
                out[name] = {"slow_ms": elapsed}
            elif round_ >= args.warmup:
                timings[name].append(elapsed)
    for name, values in timings.items():
        if name not in out:
            ordered = sorted(values)
            out[name] = {
                "p50": statistics.median(ordered),
                "p95": ordered[max(0, round(0.95 * len(ordered)) - 1)],
                "found": found[name],
            }
    return {name: out[name] for name in cases}


if __name__ == "__main__":
    main()
