"""The fast paths of the signal engine give the same results as the plain ones.

Covers: the analytic Hessian and the Newton polish of the GPS fit, log-E squashing,
weighted compression, NumPy counting against the SQL counting, output rows computed once
per group of identical rows, the CSV writer against Arrow's own, single-threaded BLAS
and the lazy package import.
"""

from __future__ import annotations

import ctypes
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from scipy import optimize

from yaoan.analytics.signals import _blas, counting, gps, scoring
from yaoan.analytics.signals.measures import compute_measures
from yaoan.analytics.tests.conftest import write_rows


def _points(seed: int = 3, size: int = 400) -> gps.Points:
    rng = np.random.default_rng(seed)
    n = rng.integers(1, 30, size)
    e = rng.gamma(0.5, 4.0, size) + 1e-3
    return gps.compress(n, e)[0]


@pytest.mark.parametrize(
    "prior",
    [gps.Prior(0.3, 0.2, 2.0, 1.5, 0.3), gps.Prior(5.0, 0.05, 3e4, 3.1e4, 0.01)],
)
def test_hessian_matches_finite_differences_of_the_gradient(prior: gps.Prior) -> None:
    points = _points()
    u = gps.model._to_internal(prior)
    value, grad, hess = gps.likelihood._nll_derivatives(u, points, 2)
    assert grad is not None and hess is not None
    assert value == pytest.approx(-gps.log_likelihood_points(prior, points), rel=1e-12)
    np.testing.assert_allclose(
        grad, gps.likelihood._nll_and_grad(u, points)[1], rtol=1e-12, atol=1e-9
    )
    numeric = np.empty((5, 5))
    for i in range(5):
        step = np.zeros(5)
        step[i] = 1e-5
        numeric[:, i] = (
            gps.likelihood._nll_and_grad(u + step, points)[1]
            - gps.likelihood._nll_and_grad(u - step, points)[1]
        ) / 2e-5
    np.testing.assert_allclose(hess, hess.T, atol=1e-9 * np.abs(hess).max())
    np.testing.assert_allclose(hess, numeric, atol=1e-5 * np.abs(hess).max())


def test_two_thread_evaluation_equals_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    points = _points(seed=8, size=3_000)
    u = gps.model._to_internal(gps.Prior(0.3, 0.2, 2.0, 1.5, 0.3))
    single = gps.likelihood._nll_derivatives(u, points, 2)
    monkeypatch.setattr(gps.likelihood, "PARALLEL_ABOVE", 10)
    split = gps.likelihood._nll_derivatives(u, points, 2)
    assert split[0] == pytest.approx(single[0], rel=1e-13)
    np.testing.assert_allclose(split[1], single[1], rtol=1e-10, atol=1e-8)  # type: ignore[arg-type]
    np.testing.assert_allclose(split[2], single[2], rtol=1e-10, atol=1e-8)  # type: ignore[arg-type]


def test_newton_polish_reaches_a_stationary_point_at_least_as_good_as_lbfgsb() -> None:
    rng = np.random.default_rng(21)
    e = np.round(np.exp(rng.normal(-0.5, 1.2, 30_000)), 3) + 0.001
    lam = np.where(rng.random(e.size) < 0.1, rng.gamma(2.0, 2.0, e.size), rng.gamma(5, 0.2, e.size))
    n = rng.poisson(lam * e)
    n, e = n[n >= 1], e[n >= 1]
    points, _ = gps.compress(n, e)
    fit = gps.fit_points(points, n.size)
    assert fit.converged
    u = gps.model._to_internal(fit.prior)
    _, grad, _ = gps.likelihood._nll_derivatives(u, points, 2)
    assert grad is not None
    lows, highs = gps.fit._bound_arrays()
    free = (u > lows + 1e-9) & (u < highs - 1e-9)
    # the projected gradient per pair is negligible
    assert np.max(np.abs(grad[free])) <= 1e-6 * n.size
    # and L-BFGS-B started there finds nothing better
    with _blas.single_threaded_blas():
        res = gps.fit._minimise(points, u, max_iter=2000)
    assert fit.log_likelihood >= -float(res.fun) - 1e-9 * abs(float(res.fun))


def test_squash_keeps_weights_and_weighted_e_and_respects_the_budget() -> None:
    points = _points(seed=4, size=50_000)
    squashed = gps.squash(points)
    assert squashed.size < points.size
    assert squashed.weight.sum() == pytest.approx(points.weight.sum(), rel=1e-12)
    for value in np.unique(points.n):
        here, there = points.n == value, squashed.n == value
        assert np.dot(points.weight[here], points.e[here]) == pytest.approx(
            np.dot(squashed.weight[there], squashed.e[there]), rel=1e-10
        )
    # each squashed point is within the 5 % log-E cell of the points it replaces
    assert gps.squash(points, budget=100).size <= 100


def test_squashed_likelihood_is_close_to_the_full_one() -> None:
    points = _points(seed=6, size=40_000)
    squashed = gps.squash(points)
    for prior in (gps.Prior(0.3, 0.2, 2.0, 1.5, 0.3), gps.Prior(1.0, 1.0, 3.0, 1.0, 0.9)):
        full = gps.log_likelihood_points(prior, points)
        assert gps.log_likelihood_points(prior, squashed) == pytest.approx(full, rel=1e-3)


def test_weighted_compression_equals_compressing_the_expanded_pairs() -> None:
    rng = np.random.default_rng(9)
    n = rng.integers(1, 6, 300)
    e = rng.choice([0.1, 0.5, 2.0, 3.5], 300)
    weights = rng.integers(1, 5, 300).astype(float)
    points, inverse = gps.compress(n, e, weights=weights)
    expanded, _ = gps.compress(np.repeat(n, weights.astype(int)), np.repeat(e, weights.astype(int)))
    np.testing.assert_array_equal(points.n, expanded.n)
    np.testing.assert_array_equal(points.e, expanded.e)
    np.testing.assert_array_equal(points.weight, expanded.weight)
    np.testing.assert_array_equal(points.n[inverse], n)


def _random_reports(path: Path, seed: int, string_ids: bool) -> Path:
    rng = np.random.default_rng(seed)
    rows: list[list[object]] = []
    for report in rng.choice(10**9, 400, replace=False):  # sparse integer ids
        rid = f"R-{report}" if string_ids else int(report)
        sex = str(rng.choice(["F", "M"]))
        for _ in range(int(rng.integers(1, 4))):
            drug = f'drug "{int(rng.zipf(1.5)) % 40}", x'  # quotes and commas in names
            for _ in range(int(rng.integers(1, 4))):
                event = f"event {int(rng.zipf(1.3)) % 60}"
                rows.append([rid, drug, event, sex])
                if rng.random() < 0.1:
                    rows.append([rid, drug, event, sex])  # duplicate row
    return write_rows(path, ["report_id", "drug", "event", "sex"], rows)


@pytest.mark.parametrize(("string_ids", "bincount"), [(False, True), (True, True), (True, False)])
def test_numpy_counting_equals_sql_counting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, string_ids: bool, bincount: bool
) -> None:
    if not bincount:  # pairs counted by sorting
        monkeypatch.setattr(counting, "PAIR_BINCOUNT_FACTOR", 0)
        monkeypatch.setattr(counting, "PAIR_BINCOUNT_MIN", 0)
    path = _random_reports(tmp_path / "r.csv", 5, string_ids)
    parquet = tmp_path / "r.parquet"
    table = pacsv.read_csv(path)
    import pyarrow.parquet as pq

    pq.write_table(table, parquet)
    fast = counting.count_file(parquet)
    monkeypatch.setattr(counting, "_count_coded", lambda *_args: None)
    slow = counting.count_file(parquet)
    from_csv = counting.count_file(path)
    for other in (slow, from_csv):
        assert fast.n_total == other.n_total
        assert fast.drug.equals(other.drug) and fast.event.equals(other.event)
        for name in ("n", "e", "n_drug", "n_event"):
            np.testing.assert_array_equal(getattr(fast, name), getattr(other, name))


def _reference_table(counts: counting.PairCounts, prior: gps.Prior) -> pa.Table:
    """The output computed pair by pair, without grouping identical rows."""
    posterior = gps.score(prior, counts.n, counts.e)
    m = compute_measures(counts.n, counts.e, counts.n_drug, counts.n_event, counts.n_total)
    values = {
        "E": counts.e,
        "RR": m.rr,
        "PRR": m.prr,
        "PRR_chi2": m.prr_chi2,
        "ROR": m.ror,
        "ROR025": m.ror025,
        "ROR975": m.ror975,
        "IC": m.ic,
        "IC025": m.ic025,
        "EBGM": posterior.ebgm,
        "EB05": posterior.eb05,
        "EB95": posterior.eb95,
    }
    columns = {"drug": counts.drug, "event": counts.event, "N": pa.array(counts.n)}
    columns |= {k: scoring._float_column(v) for k, v in values.items()}
    return pa.table(columns)


@pytest.mark.parametrize("strata", [(), ("sex",)])
def test_grouped_rows_and_csv_equal_pairwise_computation_and_arrow_csv(
    tmp_path: Path, strata: tuple[str, ...]
) -> None:
    path = _random_reports(tmp_path / "r.csv", 7, string_ids=True)
    counts = counting.count_file(path, counting.Columns(strata=strata))
    prior = gps.Prior(0.3, 0.2, 2.0, 1.5, 0.3)
    result = scoring.compute_signals(counts, prior=prior, format_text=True)
    assert set(result.text) == set(reference_columns := scoring.OUTPUT_COLUMNS[2:12])
    assert reference_columns[-1] == "IC025"
    assert result.groups.table.num_rows < counts.size  # rows were shared
    reference = _reference_table(counts, prior)
    assert result.table.equals(reference)
    # the CSV is byte for byte what Arrow's CSV writer gives (quoting, inf, empty fields)
    scoring.WRITE_BLOCK, saved = 7, scoring.WRITE_BLOCK  # several blocks
    try:
        scoring.write_result_csv(result, tmp_path / "fast.csv")
        scoring.write_csv(reference, tmp_path / "plain.csv")
    finally:
        scoring.WRITE_BLOCK = saved
    with (tmp_path / "arrow.csv").open("wb") as fh:
        fh.write((",".join(reference.column_names) + "\n").encode())
        pacsv.write_csv(
            reference, fh, pacsv.WriteOptions(include_header=False, quoting_style="needed")
        )
    expected = (tmp_path / "arrow.csv").read_bytes()
    assert b"inf" in expected and b",," in expected and b'""' in expected
    assert (tmp_path / "fast.csv").read_bytes() == expected
    assert (tmp_path / "plain.csv").read_bytes() == expected


def test_min_count_filters_grouped_rows(tmp_path: Path) -> None:
    path = _random_reports(tmp_path / "r.csv", 8, string_ids=False)
    counts = counting.count_file(path)
    prior = gps.Prior(0.3, 0.2, 2.0, 1.5, 0.3)
    result = scoring.compute_signals(counts, prior=prior, min_count=2)
    reference = _reference_table(counts, prior).filter(pa.array(counts.n >= 2))
    assert result.num_rows == reference.num_rows > 0
    assert result.table.equals(reference)


def test_single_threaded_blas_sets_and_restores_the_thread_count() -> None:
    libraries = _blas._openblas_libraries()
    if not libraries:
        pytest.skip("no OpenBLAS loaded")
    setter, getter = libraries[0]
    before = int(getter())
    setter(ctypes.c_int(2))
    try:
        with _blas.single_threaded_blas():
            with _blas.single_threaded_blas():  # re-entrant
                assert all(int(get()) == 1 for _, get in libraries)
            assert int(getter()) == 1
        assert int(getter()) == 2
    finally:
        setter(ctypes.c_int(before))
    # the optimiser gives the same answer with any BLAS thread count
    points = _points()
    with _blas.single_threaded_blas():
        res = gps.fit._minimise(
            points, gps.model._to_internal(gps.Prior(*gps.DEFAULT_STARTS[0])), 50
        )
    assert np.isfinite(res.fun)


def test_command_line_module_imports_without_scipy_duckdb_or_arrow() -> None:
    code = (
        "import sys; import yaoan.analytics.signals.cli; "
        "print(sorted(m for m in ('scipy', 'duckdb', 'pyarrow', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
    # the lazy package attributes still resolve
    from yaoan.analytics import signals

    assert signals.Prior is gps.Prior and signals.OUTPUT_COLUMNS == scoring.OUTPUT_COLUMNS
    _ = optimize  # SciPy is imported here, by the test, not by the package
