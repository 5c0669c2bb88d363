"""From pair counts to the signal table: measures, GPS fit (or a given prior), EB scores."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
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


@dataclass(frozen=True)
class RowGroups:
    """Output rows with identical numbers (same N, E, n_drug, n_event), stored once.

    ``table`` holds the numeric columns (N .. EB95) once per group, ``index`` gives for
    every output row its group. Everything numeric, including the CSV formatting,
    is done once per group; pairs over many products share few distinct rows.
    """

    table: pa.Table
    index: NDArray[np.int64]


@dataclass
class SignalResult:
    """The output table (OUTPUT_COLUMNS), the prior used and its log-likelihood."""

    table: pa.Table
    prior: gps.Prior
    log_likelihood: float
    fit: gps.PriorFit | None
    timings: dict[str, float] = field(default_factory=dict)
    groups: RowGroups | None = None


def _float_column(values: NDArray[np.float64]) -> pa.Array:
    """NaN (undefined) becomes an empty CSV field; infinities stay 'inf'."""
    return pa.array(values, type=pa.float64(), mask=np.isnan(values))


def _row_groups(counts: PairCounts) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """For every pair its group of identical (N, n_drug, n_event, E), and for every
    group one pair representing it. Unstratified E is a function of n_drug and
    n_event; a stratified E joins the key through its own distinct values."""
    n, n_drug, n_event = counts.n, counts.n_drug, counts.n_event
    unstratified = np.array_equal(
        counts.e, (n_drug * n_event).astype(np.float64) / float(counts.n_total)
    )
    parts: list[tuple[NDArray[np.int64], int]] = [
        (n, int(n.max()) + 1),
        (n_drug, int(n_drug.max()) + 1),
        (n_event, int(n_event.max()) + 1),
    ]
    if not unstratified:
        e_codes = pc.dictionary_encode(pa.array(counts.e))
        parts.append((e_codes.indices.to_numpy().astype(np.int64), len(e_codes.dictionary)))
    if math.prod(size for _, size in parts) >= 2**62:  # no packed key: one group per pair
        identity = np.arange(counts.size, dtype=np.int64)
        return identity, identity
    key = np.zeros(counts.size, dtype=np.int64)
    for values, size in parts:
        key *= size
        key += values
    encoded = pc.dictionary_encode(pa.array(key))
    index = encoded.indices.to_numpy().astype(np.int64)
    first = np.empty(len(encoded.dictionary), dtype=np.int64)
    first[index[::-1]] = np.arange(counts.size - 1, -1, -1, dtype=np.int64)  # first wins
    return index, first


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
    group_of, first = _row_groups(counts)
    g_n, g_e = counts.n[first], counts.e[first]
    # the (N, E) points and their pair counts, exactly as compressing all pairs gives
    points, point_of_group = gps.compress(
        g_n, g_e, weights=np.bincount(group_of, minlength=first.size).astype(np.float64)
    )
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
    say(f"scoring {first.size} distinct rows")
    posterior = gps.score_points(prior, points)
    measures = compute_measures(
        g_n, g_e, counts.n_drug[first], counts.n_event[first], counts.n_total
    )
    numbers = {
        "N": g_n,
        "E": g_e,
        "RR": measures.rr,
        "PRR": measures.prr,
        "PRR_chi2": measures.prr_chi2,
        "ROR": measures.ror,
        "ROR025": measures.ror025,
        "ROR975": measures.ror975,
        "IC": measures.ic,
        "IC025": measures.ic025,
        "EBGM": posterior.ebgm[point_of_group],
        "EB05": posterior.eb05[point_of_group],
        "EB95": posterior.eb95[point_of_group],
    }
    keep = None if min_count <= 1 else np.flatnonzero(counts.n >= min_count)
    rows = group_of if keep is None else group_of[keep]
    columns: dict[str, pa.Array] = {
        "drug": counts.drug if keep is None else counts.drug.take(pa.array(keep)),
        "event": counts.event if keep is None else counts.event.take(pa.array(keep)),
    }
    for name, values in numbers.items():
        columns[name] = pa.array(values[rows]) if name == "N" else _float_column(values[rows])
    group_table = pa.table(
        {
            name: pa.array(values) if name == "N" else _float_column(values)
            for name, values in numbers.items()
        }
    )
    timings["score"] = time.perf_counter() - start
    return SignalResult(
        pa.table(columns), prior, log_lik, fit, timings, RowGroups(group_table, rows)
    )


def _quoted(values: pa.Array) -> pa.Array:
    """Text as Arrow's CSV writer quotes it: in double quotes, inner quotes doubled."""
    doubled = pc.replace_substring(values, '"', '""')
    return pc.binary_join_element_wise('"', doubled, '"', "")


def _formatted(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Numbers as text the way Arrow's CSV writer formats them (its cast to string:
    shortest round-trip form, 'inf'); null stays null (an empty field)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return pc.cast(column, pa.string())


WRITE_BLOCK = 262_144  # output rows assembled per block


def _csv_block(columns: list[pa.Array], index: NDArray[np.int64] | None) -> pa.Buffer:
    """One block of CSV lines; numeric columns are taken from their group's text."""
    parts = [columns[0], columns[1]]
    take = None if index is None else pa.array(index)
    parts += [col if take is None else col.take(take) for col in columns[2:]]
    lines = pc.binary_join_element_wise(*parts, ",", null_handling="replace", null_replacement="")
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=len(lines) + 1)
    start, end = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
    return lines.buffers()[2][start:end]


def write_csv(
    table: pa.Table, path: str | Path, threads: int = 2, groups: RowGroups | None = None
) -> None:
    """CSV with a plain header line; text fields quoted, NaN as an empty field,
    numbers in shortest round-trip form, 'inf' for infinity.

    Every number column is formatted with Arrow's cast to text (the formatting of its
    CSV writer), once per distinct row when ``groups`` is given; lines are joined with
    Arrow's element-wise string join in blocks, in parallel threads (Arrow releases the
    GIL), and written in order.
    """
    names = table.column_names
    source = groups.table if groups is not None else table.select(names[2:])
    numeric = [_formatted(source.column(name)) for name in names[2:]]
    # the line break is appended to the last field once per group
    numeric[-1] = pc.binary_join_element_wise(
        numeric[-1], "", "\n", null_handling="replace", null_replacement=""
    )
    drug = table.column(names[0]).combine_chunks()
    event = table.column(names[1]).combine_chunks()

    def block(start: int) -> pa.Buffer:
        stop = min(start + WRITE_BLOCK, table.num_rows)
        text = [_quoted(drug.slice(start, stop - start)), _quoted(event.slice(start, stop - start))]
        if groups is None:
            return _csv_block(text + [col.slice(start, stop - start) for col in numeric], None)
        return _csv_block(text + numeric, groups.index[start:stop])

    with ThreadPoolExecutor(max_workers=threads) as pool, open(path, "wb") as fh:
        fh.write((",".join(names) + "\n").encode())
        for chunk in pool.map(block, range(0, table.num_rows, WRITE_BLOCK)):
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
