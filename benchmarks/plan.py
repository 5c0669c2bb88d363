"""Annual plan generation for a large district: time and peak memory of the whole service
(``plans.services.generate_plan``: load the entities, evaluate the rules, balance the
quarters, write the items with bulk_create, audit) on SQLite.

    .venv/bin/python benchmarks/plan.py [--entities 50000] [--year 2027] [--var-dir DIR]

Target (issue 3): under 10 s for 50,000 entities on 2 cores. No asserts on time: the script
prints the figures and whether the target was met.

Data lives in its own YAOAN_VAR_DIR (var/bench/plan by default), never the development
database; the district is built once with ``yaoan demo --entities N`` (registry.demo.load,
bulk inserts) and reused. The measurement runs in a child process, so its peak RSS is the
generation's and not the set-up's. Each run generates the draft of ``--year``: the first
run creates it, later runs replace it (the result says which).

``run(entities)`` returns the figures as a dict, for benchmarks/draw.py.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

from harness import ROOT, bench_env
from harness import run as _run

BIN = ROOT / ".venv" / "bin"
TARGET_SECONDS = 10.0
DEFAULT_VAR_DIR = ROOT / "var" / "bench" / "plan"


def prepare(env: dict[str, str], entities: int) -> float:
    started = time.monotonic()
    Path(env["YAOAN_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    _run([str(BIN / "yaoan"), "migrate", "--no-input", "-v0"], env)
    _run([str(BIN / "yaoan"), "demo", "--entities", str(entities)], env)
    return time.monotonic() - started


def run(entities: int = 50_000, *, year: int = 2027, var_dir: Path | None = None) -> dict[str, Any]:
    """Prepare the district (once) and time one generation in a child process."""
    env = bench_env(var_dir or DEFAULT_VAR_DIR, None, YAOAN_DEMO="1")
    setup_seconds = prepare(env, entities)
    cmd = [str(BIN / "python"), __file__, "--child", "--year", str(year)]
    result = dict(json.loads(_run(cmd, env).splitlines()[-1]))
    result["setup_seconds"] = round(setup_seconds, 1)
    result["target_seconds"] = TARGET_SECONDS
    result["met"] = result["seconds"] < TARGET_SECONDS
    return result


def child(year: int) -> None:
    import django

    django.setup()
    from yaoan.core.actors import system_actor
    from yaoan.plans import services
    from yaoan.plans.models import AnnualPlan, PlanItem
    from yaoan.registry.demo import demo_entities

    entities = demo_entities().count()
    actor = system_actor("plan-command")  # as `yaoan plan generate` runs
    existing = AnnualPlan.objects.filter(year=year, status="draft").exists()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    plan = services.generate_plan(year=year, actor=actor, source="benchmark")
    seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    items = PlanItem.objects.filter(plan=plan)
    out = {
        "entities": entities,
        "items": items.count(),
        "visits": sum(items.values_list("required_count", flat=True)),
        "year": year,
        "replaced_draft": existing,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(rss_after / 1024, 1),  # Linux: KiB
        "rss_growth_mb": round((rss_after - rss_before) / 1024, 1),
    }
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--entities", type=int, default=50_000)
    parser.add_argument("--year", type=int, default=2027)
    parser.add_argument("--var-dir", default=str(DEFAULT_VAR_DIR))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.year)
        return
    result = run(args.entities, year=args.year, var_dir=Path(args.var_dir).resolve())
    setup = result["setup_seconds"]
    print(f"plan generation, SQLite, {result['entities']} entities (set-up {setup} s)")
    print(
        f"  {result['items']} items, {result['visits']} visits, year {result['year']}"
        f"{' (replaced the draft)' if result['replaced_draft'] else ''}"
    )
    print(
        f"  time {result['seconds']:.2f} s (target < {TARGET_SECONDS:.0f} s: "
        f"{'met' if result['met'] else 'MISSED'}); peak RSS {result['peak_rss_mb']} MB "
        f"(+{result['rss_growth_mb']} MB during generation)"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
