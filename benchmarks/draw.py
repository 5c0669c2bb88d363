"""双随机 draw over a large district: time and peak memory of the pure engine
(``yaoan.analytics.draws``): the per-draw pseudonymous inspector codes (HMAC-SM3), freezing
and validating the inputs, the feasibility check of every entity, the commitment (canonical
JSON + SM3), the draw itself, and verification of the published document by re-derivation
(which draws.services also runs once at execution to store the outcome the public page
shows, with the document digest).

    .venv/bin/python benchmarks/draw.py [--entities 50000] [--inspectors 500] [--ratio 5]

Target (issue 3): a draw over 50,000 entities with 500 inspectors and the avoidance rules
in under 2 s on 2 cores. No asserts on time: the script prints the figures and whether the
target was met. The synthetic district: 40 subdistricts, inspectors in 10 units (one of
them the partner department of a joint draw), each avoiding their home and one posted
subdistrict, 2,000 recorded conflicts and 10,000 last-inspection pairs.

Not measured here: the same draw through draws.services on SQLite (freezing the pools from
the ORM, bulk-writing the assignments); that needs a 50,000-entity database built with
``yaoan demo --entities 50000``, as benchmarks/plan.py does.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from yaoan.analytics.draws import (
    AVOIDANCE_RULES,
    MODE_RATIO,
    DrawInputs,
    PoolEntity,
    PoolInspector,
    build_document,
    check_feasible,
    commit,
    derive_key,
    document_digest,
    loads,
    make_inputs,
    pseudonymous_codes,
    run,
    verify,
)

TARGET_SECONDS = 2.0
GRIDS = 40
UNITS = 10
PARTNER_UNIT = "unit-0"


def synthetic(entities: int, inspectors: int, ratio_bp: int, joint: bool) -> dict[str, Any]:
    rng = random.Random(20260401)
    grids = [f"5001990{g:02d}000" for g in range(GRIDS)]
    pool = [
        PoolEntity(f"91500199MA{n:08d}", n + 1, f"合成药房{n}号", rng.choice(grids))
        for n in range(entities)
    ]
    # as draws.services freezes them: user id, unit, home and posted subdistricts
    people = [
        (n + 1, f"unit-{n % UNITS}", (rng.choice(grids), rng.choice(grids)))
        for n in range(inspectors)
    ]
    ids = [p[0] for p in people]
    keys = [e.key for e in pool]
    return {
        "draw_id": 1,
        "title": "基准：双随机抽查",
        "mode": MODE_RATIO,
        "value": ratio_bp,
        "inspectors_per_entity": 2,
        "partner_unit": PARTNER_UNIT if joint else None,
        "rules": AVOIDANCE_RULES,
        "entities": pool,
        "inspectors": people,
        "conflicts": [(rng.choice(ids), rng.choice(keys)) for _ in range(2_000)],
        "last_inspectors": [(rng.choice(ids), rng.choice(keys)) for _ in range(10_000)],
    }


def pseudonymised(args: dict[str, Any]) -> dict[str, Any]:
    """The pool under per-draw codes, and the pairs under the same codes."""
    key = derive_key(b"benchmark secret", "yaoan.draws.inspector-codes")
    codes = pseudonymous_codes(key, "draw:1:benchmark", [p[0] for p in args["inspectors"]])
    return {
        **args,
        "inspectors": [
            PoolInspector(codes[uid], unit, grids) for uid, unit, grids in args["inspectors"]
        ],
        "conflicts": [(codes[uid], key) for uid, key in args["conflicts"]],
        "last_inspectors": [(codes[uid], key) for uid, key in args["last_inspectors"]],
    }


def timed(label: str, fn: Callable[[], Any], figures: dict[str, float]) -> Any:
    started = time.perf_counter()
    value = fn()
    figures[label] = time.perf_counter() - started
    return value


def one_draw(args: dict[str, Any], seed: bytes) -> tuple[dict[str, float], Any]:
    figures: dict[str, float] = {}
    coded = timed("pseudonymous codes", lambda: pseudonymised(args), figures)
    inputs: DrawInputs = timed("freeze inputs", lambda: make_inputs(**coded), figures)
    timed("feasibility check", lambda: check_feasible(inputs), figures)
    published, _digests, commitment = timed("commitment", lambda: commit(inputs, seed), figures)
    result = timed("draw", lambda: run(inputs, seed, feasibility_checked=True), figures)
    document = build_document(inputs=published, commitment=commitment, seed=seed, result=result)
    figures["total draw"] = sum(figures.values())
    report = timed("verify document", lambda: verify(document), figures)
    assert report.ok, report.first
    timed("document digest", lambda: document_digest(document), figures)
    return figures, result


def scenario(name: str, args: dict[str, Any]) -> bool:
    seed = bytes(range(32))
    figures, result = one_draw(args, seed)
    tracemalloc.start()
    one_draw(args, seed)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    counts = loads(result)
    print(f"\n{name}: {len(args['entities']):,} entities, {len(args['inspectors'])} inspectors")
    for label, seconds in figures.items():
        print(f"  {label:<20} {seconds:7.3f} s")
    print(f"  drawn entities       {len(result.assignments):,}")
    print(f"  inspector loads      {min(counts.values())}–{max(counts.values())}")
    print(f"  peak traced memory   {peak / 2**20:7.1f} MiB (second run, under tracemalloc)")
    met = figures["total draw"] < TARGET_SECONDS
    print(f"  target < {TARGET_SECONDS:.0f} s       {'met' if met else 'NOT met'}")
    return met


def plan_generation(entities: int) -> bool:
    """The issue's second figure: the annual plan for the same number of entities, through
    the whole service on SQLite (benchmarks/plan.py; the district is built once and kept)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import plan  # benchmarks/plan.py

    figures = plan.run(entities)
    print(f"\nannual plan generation: {entities:,} entities (SQLite, whole service)")
    for key, value in figures.items():
        print(f"  {key:<20} {value}")
    print(f"  target < {plan.TARGET_SECONDS:.0f} s       {'met' if figures['met'] else 'NOT met'}")
    return bool(figures["met"])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=50_000)
    parser.add_argument("--inspectors", type=int, default=500)
    parser.add_argument("--ratio", type=float, default=5.0, help="percent of the pool drawn")
    parser.add_argument(
        "--skip-plan", action="store_true", help="only the draw (the plan builds a 50k district)"
    )
    options = parser.parse_args(argv)
    ratio_bp = round(options.ratio * 100)
    ok = scenario(
        f"random draw {options.ratio:g}%",
        synthetic(options.entities, options.inspectors, ratio_bp, joint=False),
    )
    ok &= scenario(
        f"joint draw {options.ratio:g}% (one partner inspector each)",
        synthetic(options.entities, options.inspectors, ratio_bp, joint=True),
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of the process: {rss:.0f} MiB")

    if not options.skip_plan:
        ok &= plan_generation(options.entities)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
