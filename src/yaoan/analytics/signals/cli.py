"""``yaoan signals compute``: the signal engine's command-line contract (keep it stable).

    yaoan signals compute INPUT --out OUT.csv [--id-col C] [--drug-col C] [--event-col C]
        [--strata C1,C2] [--hyper a1,b1,a2,b2,p] [--hyper-out H.json] [--min-count N]
        [--engine duckdb|spark] [--spark-master URL] [--quiet]

Exit codes: 0 success; 2 bad arguments (including an invalid --hyper); 3 bad input
(missing file, missing columns, empty file, empty values, unreadable); 4 the computation
failed. Errors are one line on stderr starting with "error:"; progress lines start with
"signals:".
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_FAILED = 4


class UsageError(Exception):
    """An argument value is invalid."""


def parse_hyper(text: str) -> tuple[float, float, float, float, float]:
    """``"a1,b1,a2,b2,p"`` -> five floats; UsageError naming the offending value."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 5:
        raise UsageError(
            f"--hyper needs 5 comma-separated numbers a1,b1,a2,b2,p, got {len(parts)}: {text!r}"
            " / --hyper 需要 5 个以逗号分隔的数"
        )
    values: list[float] = []
    for name, part in zip(("alpha1", "beta1", "alpha2", "beta2", "p"), parts, strict=True):
        try:
            value = float(part)
        except ValueError:
            raise UsageError(f"--hyper {name} is not a number: {part!r} / 不是数字") from None
        if not math.isfinite(value):
            raise UsageError(f"--hyper {name} must be finite: {part!r} / 必须是有限数")
        values.append(value)
    for name, value in zip(("alpha1", "beta1", "alpha2", "beta2"), values[:4], strict=True):
        if value <= 0:
            raise UsageError(f"--hyper {name} must be > 0, got {value} / 必须大于 0")
    if not 0 < values[4] < 1:
        raise UsageError(f"--hyper p must be between 0 and 1 (exclusive), got {values[4]}")
    return (values[0], values[1], values[2], values[3], values[4])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="yaoan signals", description="Disproportionality signals (PRR, ROR, IC, GPS/EBGM)."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    compute = commands.add_parser("compute", help="score every drug-event pair of a report set")
    compute.add_argument(
        "input", help="CSV (with header) or Parquet: one row per report-drug-event"
    )
    compute.add_argument("--out", required=True, help="output CSV, one row per drug-event pair")
    compute.add_argument("--id-col", default="report_id")
    compute.add_argument("--drug-col", default="drug")
    compute.add_argument("--event-col", default="event")
    compute.add_argument("--strata", default="", help="stratification columns, e.g. sex,age_band")
    compute.add_argument("--hyper", help="score with this prior a1,b1,a2,b2,p instead of fitting")
    compute.add_argument("--hyper-out", help="write the prior and its log-likelihood as JSON")
    compute.add_argument("--min-count", default="1", help="write only pairs with N >= this")
    compute.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    compute.add_argument("--spark-master", default=None, help="Spark master URL (spark engine)")
    compute.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser


def _parse_min_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"--min-count must be a whole number, got {text!r} / 必须是整数") from None
    if value < 1:
        raise UsageError(f"--min-count must be >= 1, got {value}")
    return value


def _preload() -> None:
    """Import the fitting and scoring modules (SciPy is slow to import): run in a
    background thread while DuckDB counts, which releases the GIL."""
    try:
        import scipy.optimize  # noqa: F401

        import yaoan.analytics.signals.scoring  # noqa: F401
    except Exception:  # noqa: S110  (the main thread's own import reports any error)
        pass


def _run(args: argparse.Namespace) -> int:
    from yaoan.analytics.signals import counting  # NumPy, DuckDB, Arrow

    # after those imports (imports hold the GIL), so that SciPy's overlaps DuckDB's work
    threading.Thread(target=_preload, name="signals-preload", daemon=True).start()

    started = time.perf_counter()

    def say(message: str) -> None:
        if not args.quiet:
            print(f"signals: [{time.perf_counter() - started:7.2f}s] {message}", file=sys.stderr)

    hyper = parse_hyper(args.hyper) if args.hyper is not None else None
    min_count = _parse_min_count(args.min_count)
    columns = counting.Columns(
        report_id=args.id_col,
        drug=args.drug_col,
        event=args.event_col,
        strata=counting.strata_from_text(args.strata),
    )
    say(f"counting {args.input} on {args.engine}")
    t0 = time.perf_counter()
    if args.engine == "spark":
        from yaoan.analytics.signals import spark

        counts = spark.count_file(args.input, columns, master=args.spark_master)
    else:
        counts = counting.count_file(args.input, columns)
    t_count = time.perf_counter() - t0
    say(f"{counts.size} pairs over {counts.n_total} reports")
    from yaoan.analytics.signals.gps import Prior
    from yaoan.analytics.signals.scoring import compute_signals, hyper_json, write_result_csv

    prior = Prior(*hyper) if hyper is not None else None

    result = compute_signals(
        counts, prior=prior, min_count=min_count, progress=say, format_text=True
    )
    t0 = time.perf_counter()
    write_result_csv(result, args.out)
    if args.hyper_out:
        Path(args.hyper_out).write_text(json.dumps(hyper_json(result), indent=2) + "\n")
    t_write = time.perf_counter() - t0
    say(f"wrote {result.num_rows} rows to {args.out}")
    say(
        f"timings count={t_count:.3f} fit={result.timings['fit']:.3f} "
        f"score={result.timings['score']:.3f} write={t_write:.3f} "
        f"total={time.perf_counter() - started:.3f}"
    )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; ``argv`` excludes the program name (e.g. ["compute", "in.csv", ...])."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse already printed its message
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    from yaoan.analytics.signals.counting import InputError

    try:
        return _run(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except Exception as exc:  # a tool gets one clear line, never a traceback
        print(f"error: computation failed / 计算失败: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
