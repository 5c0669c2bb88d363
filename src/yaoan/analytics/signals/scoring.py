"""From pair counts to the signal table: measures, GPS fit (or a given prior), EB scores."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
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
    """The output (OUTPUT_COLUMNS), the prior used and its log-likelihood.

    The numbers are held once per group of identical rows (``groups``); ``table``, the
    full output table, is built on first access (the command line writes the CSV from
    the groups and never needs it).
    """

    drug: pa.Array
    event: pa.Array
    groups: RowGroups
    prior: gps.Prior
    log_likelihood: float
    fit: gps.PriorFit | None
    timings: dict[str, float] = field(default_factory=dict)
    # CSV text of number columns, formatted in the background (see compute_signals)
    text: dict[str, Future[pa.Array]] = field(default_factory=dict)

    @property
    def num_rows(self) -> int:
        return len(self.drug)

    @cached_property
    def table(self) -> pa.Table:
        index = self.groups.index
        columns: dict[str, pa.Array | pa.ChunkedArray] = {"drug": self.drug, "event": self.event}
        for name in self.groups.table.column_names:
            column = self.groups.table.column(name).combine_chunks()
            values = column.to_numpy(zero_copy_only=False)[index]
            columns[name] = pa.array(values) if name == "N" else _float_column(values)
        return pa.table(columns)


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


def _number_array(name: str, values: NDArray[np.float64] | NDArray[np.int64]) -> pa.Array:
    if name == "N":
        return pa.array(values)
    return _float_column(values.astype(np.float64, copy=False))


def compute_signals(
    counts: PairCounts,
    prior: gps.Prior | None = None,
    min_count: int = 1,
    progress: Progress | None = None,
    format_text: bool = False,
) -> SignalResult:
    """Score every pair; fit the prior on all pairs unless ``prior`` is given.

    ``min_count`` only filters the output rows (pairs with N < min_count are still used
    in the fit, which is openEBGM's N_star = 1 likelihood over all observed pairs).
    With ``format_text`` the CSV text of the columns that do not depend on the prior
    (N .. IC025) is formatted in a background thread while the prior is fitted, for a
    following ``write_result_csv``.
    """
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    if counts.size == 0:
        raise ValueError("no drug-event pairs")
    start = time.perf_counter()
    group_of, first = _row_groups(counts)
    g_n, g_e = counts.n[first], counts.e[first]
    measures = compute_measures(
        g_n, g_e, counts.n_drug[first], counts.n_event[first], counts.n_total
    )
    numbers: dict[str, NDArray[np.float64] | NDArray[np.int64]] = {
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
    }
    arrays = {name: _number_array(name, values) for name, values in numbers.items()}
    text: dict[str, Future[pa.Array]] = {}
    if format_text:
        background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="signals-text")
        text = {name: background.submit(_formatted, array) for name, array in arrays.items()}
        background.shutdown(wait=False)  # the thread ends when its queue is done
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
    for name, values in (
        ("EBGM", posterior.ebgm),
        ("EB05", posterior.eb05),
        ("EB95", posterior.eb95),
    ):
        arrays[name] = _number_array(name, values[point_of_group])
    keep = None if min_count <= 1 else np.flatnonzero(counts.n >= min_count)
    timings["score"] = time.perf_counter() - start
    return SignalResult(
        drug=counts.drug if keep is None else counts.drug.take(pa.array(keep)),
        event=counts.event if keep is None else counts.event.take(pa.array(keep)),
        groups=RowGroups(pa.table(arrays), group_of if keep is None else group_of[keep]),
        prior=prior,
        log_likelihood=log_lik,
        fit=fit,
        timings=timings,
        text=text,
    )


def _escaped(values: pa.Array) -> pa.Array:
    """Inner double quotes doubled (the field itself is enclosed in quotes when written,
    as Arrow's CSV writer does for all text)."""
    if pc.any(pc.match_substring(values, '"')).as_py():
        return pc.replace_substring(values, '"', '""')
    return values


def _formatted(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Numbers as text the way Arrow's CSV writer formats them (its cast to string:
    shortest round-trip form, 'inf'); null stays null (an empty field)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return pc.cast(column, pa.string())


# Output rows assembled per block (a few MB: small writes and reused memory are much
# faster than one large buffer, whose fresh pages and single write are slow).
WRITE_BLOCK = 8_192


def _joined_buffer(lines: pa.Array) -> pa.Buffer:
    """The text of a string array's values, back to back."""
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=lines.offset + len(lines) + 1)
    start, end = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
    return lines.buffers()[2][start:end]


def write_csv(
    table: pa.Table, path: str | Path, threads: int = 2, groups: RowGroups | None = None
) -> None:
    """CSV with a plain header line; text fields quoted, NaN as an empty field,
    numbers in shortest round-trip form, 'inf' for infinity (the output of Arrow's CSV
    writer with quoting_style="needed", byte for byte).

    The number columns are formatted with Arrow's cast to text (the formatting its CSV
    writer uses) and joined into the tail of the line ("N,E,...,EB95\n"), once per
    distinct row when ``groups`` is given; each output line is then one element-wise
    string join of the quoted drug and event with its tail, in blocks of rows, in
    parallel threads (Arrow releases the GIL), written in order.
    """
    names = table.column_names
    _write_lines(
        names,
        table.column(names[0]).combine_chunks(),
        table.column(names[1]).combine_chunks(),
        groups.table if groups is not None else table.select(names[2:]),
        None if groups is None else groups.index,
        path,
        threads,
    )


def write_result_csv(result: SignalResult, path: str | Path, threads: int = 2) -> None:
    """The result as CSV (as ``write_csv(result.table, path)``, without building the
    full table: numbers are formatted once per group of identical rows)."""
    names = ["drug", "event", *result.groups.table.column_names]
    _write_lines(
        names,
        result.drug,
        result.event,
        result.groups.table,
        result.groups.index,
        path,
        threads,
        result.text,
    )


def _write_lines(
    names: list[str],
    drug: pa.Array,
    event: pa.Array,
    numbers: pa.Table,
    index: NDArray[np.int64] | None,
    path: str | Path,
    threads: int,
    text: dict[str, Future[pa.Array]] | None = None,
) -> None:
    """CSV lines: quoted drug and event, then the numbers of row ``index[i]`` (or i);
    ``text`` may hold some columns already formatted."""
    ready = text or {}
    with ThreadPoolExecutor(max_workers=threads) as pool:
        todo = {
            name: pool.submit(_formatted, numbers.column(name))
            for name in names[2:]
            if name not in ready
        }
        numeric = [(ready.get(name) or todo[name]).result() for name in names[2:]]
    # the line break goes after the last field (an empty field if it is null)
    numeric[-1] = pc.binary_join_element_wise(
        numeric[-1], "", "\n", null_handling="replace", null_replacement=""
    )
    tails = pc.binary_join_element_wise(*numeric, ",", null_handling="replace", null_replacement="")
    drug, event = _escaped(drug), _escaped(event)
    rows = len(drug)

    def block(start: int) -> pa.Buffer:
        stop = min(start + WRITE_BLOCK, rows)
        if index is None:
            tail = tails.slice(start, stop - start)
        else:
            tail = tails.take(pa.array(index[start:stop]))
        lines = pc.binary_join_element_wise(
            '"',
            drug.slice(start, stop - start),
            '","',
            event.slice(start, stop - start),
            '",',
            tail,
            "",
        )
        return _joined_buffer(lines)

    with ThreadPoolExecutor(max_workers=threads) as pool, open(path, "wb") as fh:
        fh.write((",".join(names) + "\n").encode())
        pending: deque[Future[pa.Buffer]] = deque()
        for start in range(0, rows, WRITE_BLOCK):
            pending.append(pool.submit(block, start))
            if len(pending) > threads:  # few blocks in flight: their memory is reused
                fh.write(pending.popleft().result())
        while pending:
            fh.write(pending.popleft().result())


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
