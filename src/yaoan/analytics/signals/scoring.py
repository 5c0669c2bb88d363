"""From pair counts to the signal table: measures, GPS fit (or a given prior), EB scores."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from numpy.typing import NDArray

from yaoan.analytics.signals import gps
from yaoan.analytics.signals.counting import PairCounts
from yaoan.analytics.signals.measures import compute_measures

OUTPUT_COLUMNS = (
    "drug",
    "event",
    "N",
    "E",
    "RR",
    "PRR",
    "PRR_chi2",
    "ROR",
    "ROR025",
    "ROR975",
    "IC",
    "IC025",
    "EBGM",
    "EB05",
    "EB95",
)

Progress = Callable[[str], None]


@dataclass
class SignalResult:
    """The output table (OUTPUT_COLUMNS), the prior used and its log-likelihood."""

    table: pa.Table
    prior: gps.Prior
    log_likelihood: float
    fit: gps.PriorFit | None
    timings: dict[str, float] = field(default_factory=dict)


def _float_column(values: NDArray[np.float64]) -> pa.Array:
    """NaN (undefined) becomes an empty CSV field; infinities stay 'inf'."""
    return pa.array(values, type=pa.float64(), mask=np.isnan(values))


def compute_signals(
    counts: PairCounts,
    prior: gps.Prior | None = None,
    min_count: int = 1,
    progress: Progress | None = None,
) -> SignalResult:
    """Score every pair; fit the prior on all pairs unless ``prior`` is given.

    ``min_count`` only filters the output rows (pairs with N < min_count are still used
    in the fit, which is openEBGM's N_star = 1 likelihood over all observed pairs).
    """
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    if counts.size == 0:
        raise ValueError("no drug-event pairs")
    start = time.perf_counter()
    points, inverse = gps.compress(counts.n, counts.e)
    fit: gps.PriorFit | None = None
    if prior is None:
        say(f"fitting the GPS prior on {counts.size} pairs ({points.size} distinct (N, E))")
        fit = gps.fit_points(points, n_pairs=counts.size, progress=say)
        prior, log_lik = fit.prior, fit.log_likelihood
        if not fit.converged:
            say("warning: the optimiser reported no convergence; best point returned")
    else:
        prior.validate()
        log_lik = gps.log_likelihood_points(prior, points)
    timings["fit"] = time.perf_counter() - start
    start = time.perf_counter()
    say("scoring")
    posterior = gps.score_points(prior, points)
    measures = compute_measures(counts.n, counts.e, counts.n_drug, counts.n_event, counts.n_total)
    columns = {
        "drug": counts.drug,
        "event": counts.event,
        "N": pa.array(counts.n),
        "E": pa.array(counts.e),
        "RR": _float_column(measures.rr),
        "PRR": _float_column(measures.prr),
        "PRR_chi2": _float_column(measures.prr_chi2),
        "ROR": _float_column(measures.ror),
        "ROR025": _float_column(measures.ror025),
        "ROR975": _float_column(measures.ror975),
        "IC": _float_column(measures.ic),
        "IC025": _float_column(measures.ic025),
        "EBGM": _float_column(posterior.ebgm[inverse]),
        "EB05": _float_column(posterior.eb05[inverse]),
        "EB95": _float_column(posterior.eb95[inverse]),
    }
    table = pa.table(columns)
    if min_count > 1:
        table = table.filter(pa.array(counts.n >= min_count))
    timings["score"] = time.perf_counter() - start
    return SignalResult(table, prior, log_lik, fit, timings)


def _csv_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    pacsv.write_csv(table, buffer, options)
    return buffer.getvalue()


def write_csv(table: pa.Table, path: str | Path, threads: int = 4) -> None:
    """CSV with a plain header line; text fields quoted, NaN as an empty field.

    Number formatting dominates, so slices are formatted in parallel threads (Arrow
    releases the GIL) and written in order.
    """
    step = max(1, -(-table.num_rows // threads))
    slices = [table.slice(start, step) for start in range(0, table.num_rows, step)]
    with ThreadPoolExecutor(max_workers=threads) as pool, open(path, "wb") as fh:
        fh.write((",".join(table.column_names) + "\n").encode())
        for chunk in pool.map(_csv_bytes, slices):
            fh.write(chunk)


def hyper_json(result: SignalResult) -> dict[str, float]:
    """The prior and its log-likelihood, keys as the command-line contract fixes them."""
    p = result.prior
    return {
        "alpha1": p.alpha1,
        "beta1": p.beta1,
        "alpha2": p.alpha2,
        "beta2": p.beta2,
        "p": p.p,
        "log_likelihood": result.log_likelihood,
    }
