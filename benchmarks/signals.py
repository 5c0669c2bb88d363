# ruff: noqa: S608  (SQL over generated file paths only)
"""Benchmark of the signal engine (`yaoan signals compute`) on synthetic report sets.

    .venv/bin/python benchmarks/signals.py [--cases 1x,10x,100x,1000x,products100x] [--repeat N]
        [--baseline OTHER/src]

Each report names 1-5 drugs and 1-6 events (most name few), drugs and events are drawn
with Zipf-like popularity (a few very common, a long tail of rare ones) and some
drug-event pairs are planted as true signals (their event added to 30 % of the reports
naming the drug). The base case has ~20 thousand rows (about the size of openEBGM's CAERS
example: 3 356 reports, 20 156 rows); "Nx" multiplies the reports over the same product
and event lists, "products100x" multiplies both reports and products by 100.

Every case runs the real command line in a subprocess (start-up included) and reports
wall time, the engine's own split (counting / fitting / scoring / writing) and the peak
resident memory of the child process. Data are generated once into var/bench/.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
YAOAN = ROOT / ".venv" / "bin" / "yaoan"
BASE_REPORTS = 3_600
BASE_DRUGS = 2_900
BASE_EVENTS = 1_300
DRUG_COUNTS = (np.arange(1, 6), np.array([0.5, 0.25, 0.13, 0.08, 0.04]))
EVENT_COUNTS = (np.arange(1, 7), np.array([0.3, 0.22, 0.17, 0.13, 0.1, 0.08]))
PLANTED = 40


@dataclass(frozen=True)
class Case:
    name: str
    reports: int
    drugs: int
    events: int
    drug_skew: float
    target_s: float | None
    target_note: str


CASES = {
    "1x": Case("1x", BASE_REPORTS, BASE_DRUGS, BASE_EVENTS, 1.1, None, "R openEBGM ~1.9 s"),
    "10x": Case("10x", BASE_REPORTS * 10, BASE_DRUGS, BASE_EVENTS, 1.1, None, ""),
    "100x": Case("100x", BASE_REPORTS * 100, BASE_DRUGS, BASE_EVENTS, 1.1, 2.5, "R ~50 s"),
    "1000x": Case("1000x", BASE_REPORTS * 1000, BASE_DRUGS, BASE_EVENTS, 1.1, 60.0, "<4 GB"),
    "products100x": Case(
        "products100x", BASE_REPORTS * 100, BASE_DRUGS * 100, BASE_EVENTS * 4, 0.7, 4.5, "R ~92 s"
    ),
}


def zipf_draw(rng: np.random.Generator, size: int, count: int, skew: float) -> np.ndarray:
    """Ranks 0..size-1 drawn with probability proportional to 1 / (rank + 1)^skew."""
    weights = 1.0 / np.arange(1, size + 1) ** skew
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    return np.minimum(np.searchsorted(cdf, rng.random(count)), size - 1)


def generate(case: Case, path: Path, seed: int = 20261123) -> None:
    """Write the case's report-drug-event rows to Parquet."""
    rng = np.random.default_rng(seed)
    n_drugs = rng.choice(DRUG_COUNTS[0], case.reports, p=DRUG_COUNTS[1])
    n_events = rng.choice(EVENT_COUNTS[0], case.reports, p=EVENT_COUNTS[1])
    drug_report = np.repeat(np.arange(case.reports), n_drugs)
    drug = zipf_draw(rng, case.drugs, drug_report.size, case.drug_skew)
    event_report = np.repeat(np.arange(case.reports), n_events)
    event = zipf_draw(rng, case.events, event_report.size, 1.0)
    planted_drug = rng.choice(np.arange(20, 200), PLANTED, replace=False)
    planted_event = rng.choice(np.arange(50, 500), PLANTED, replace=True)
    lookup = np.full(case.drugs, -1)
    lookup[planted_drug] = planted_event
    hit = (lookup[drug] >= 0) & (rng.random(drug.size) < 0.3)
    event_report = np.concatenate([event_report, drug_report[hit]])
    event = np.concatenate([event, lookup[drug[hit]]])
    sex = rng.choice(np.array(["F", "M"]), case.reports)
    age_band = rng.choice(np.array(["0-17", "18-44", "45-64", "65-79", "80+"]), case.reports)
    con = duckdb.connect()
    con.register("dr", pa.table({"report_id": drug_report, "drug": drug}))
    con.register("er", pa.table({"report_id": event_report, "event": event}))
    con.register(
        "rp", pa.table({"report_id": np.arange(case.reports), "sex": sex, "age_band": age_band})
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"""COPY (
            SELECT dr.report_id, 'D' || lpad(CAST(dr.drug AS VARCHAR), 6, '0') AS drug,
                   'E' || lpad(CAST(er.event AS VARCHAR), 5, '0') AS event, rp.sex, rp.age_band
            FROM dr JOIN er USING (report_id) JOIN rp USING (report_id)
        ) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)"""
    )
    con.close()


def describe(path: Path) -> tuple[int, int]:
    con = duckdb.connect()
    row = con.execute(f"SELECT count(*), count(DISTINCT report_id) FROM '{path}'").fetchall()[0]
    con.close()
    assert row is not None
    return int(row[0]), int(row[1])


def run_cli(
    data: Path, out: Path, extra: list[str], source: Path | None = None
) -> dict[str, float]:
    """One end-to-end CLI run: wall time, the engine's split and peak RSS (MB). With
    ``source`` (a ``src`` directory of another checkout) that version's code is run."""
    cmd = [str(YAOAN), "signals", "compute", str(data), "--out", str(out), *extra]
    env = None
    if source is not None:
        env = {**os.environ, "PYTHONPATH": str(source)}
        cmd[0:1] = [sys.executable, "-c", "import sys; from yaoan.cli import main; main()"]
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env
    )
    stderr = proc.stderr.read() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} failed ({proc.returncode}):\n{stderr}")
    figures = {"wall": wall, "peak_mb": usage.ru_maxrss / 1024}
    match = re.search(r"timings (.*)", stderr)
    if match:
        for item in match.group(1).split():
            key, value = item.split("=")
            figures[key] = float(value)
    pairs = re.search(r"(\d+) pairs over", stderr)
    figures["pairs"] = float(pairs.group(1)) if pairs else float("nan")
    return figures


def _row(label: str, case: Case, rows: int, reports: int, best: dict[str, float]) -> str:
    target = f"< {case.target_s:g} s" if case.target_s else ""
    verdict = ""
    if case.target_s:
        verdict = " ok" if best["wall"] < case.target_s else " MISSED"
    return (
        f"{label:<13}{rows:>11,}{reports:>10,}{int(best['pairs']):>10,}"
        f"{best['wall']:>8.2f}{best.get('count', 0):>7.2f}{best.get('fit', 0):>7.2f}"
        f"{best.get('score', 0):>7.2f}{best.get('write', 0):>7.2f}{best['peak_mb']:>9.0f}"
        f"  {target}{verdict} {case.target_note}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="1x,10x,100x,products100x,1000x")
    parser.add_argument("--repeat", type=int, default=1, help="runs per case (best is shown)")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="src directory of another version (e.g. a git worktree): run it too, "
        "alternating with this one, for a side-by-side comparison",
    )
    args = parser.parse_args()
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"load average before: {load}  ({os.cpu_count()} CPUs)")
    header = (
        f"{'case':<13}{'rows':>11}{'reports':>10}{'pairs':>10}{'wall s':>8}{'count':>7}"
        f"{'fit':>7}{'score':>7}{'write':>7}{'peak MB':>9}  target"
    )
    print(header)
    for name in args.cases.split(","):
        case = CASES[name]
        data = BENCH_DIR / f"signals-{case.name}.parquet"
        if not data.exists():
            t0 = time.perf_counter()
            generate(case, data)
            print(f"  (generated {data.name} in {time.perf_counter() - t0:.1f} s)", file=sys.stderr)
        rows, reports = describe(data)
        runs: list[dict[str, float]] = []
        baseline: list[dict[str, float]] = []
        for _ in range(args.repeat):
            if args.baseline is not None:
                out = BENCH_DIR / f"out-{case.name}-baseline.csv"
                baseline.append(run_cli(data, out, [], args.baseline))
            runs.append(run_cli(data, BENCH_DIR / f"out-{case.name}.csv", []))
        if baseline:
            best = min(baseline, key=lambda r: r["wall"])
            print(_row(f"{case.name} (base)", case, rows, reports, best))
        print(_row(case.name, case, rows, reports, min(runs, key=lambda r: r["wall"])))
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"load average after: {load}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
