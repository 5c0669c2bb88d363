"""Gamma-Poisson Shrinker (DuMouchel 1999): prior fit, EBGM and posterior quantiles.

Model (DuMouchel 1999, eqs. 1-11): for every drug-event pair, N ~ Poisson(lambda * E) and
lambda ~ P * Gamma(alpha1, beta1) + (1 - P) * Gamma(alpha2, beta2) (shape, rate). The
marginal of N is a two-component mixture of negative binomials, component k having
size alpha_k and probability beta_k / (beta_k + E).

The likelihood is the one of openEBGM's ``negLL`` with ``N_star = 1`` (Canida & Ihrie
2017, R package openEBGM, R/f_likelihoodEqs.R): every component is truncated at zero,
f*_k(n) = f_k(n) / (1 - f_k(0)), and the log-likelihood is
sum_i log(P f*_1(n_i) + (1 - P) f*_2(n_i)) over the observed pairs (all have N >= 1).

The posterior of lambda given N = n is a mixture of Gamma(alpha_k + n, beta_k + E) with
weight Q_n on the first component, Q_n computed from the *untruncated* marginals as in
openEBGM's ``Qn`` (DuMouchel 1999, eq. 6). EBGM = exp(E[log lambda]) (eqs. 9-11,
openEBGM ``ebgm``); EB05 and EB95 are the 5 % and 95 % quantiles of that posterior
(openEBGM ``quantBisect``, here solved by safeguarded Newton iterations to 1e-10).

The fit compresses identical (N, E) points losslessly (a weight per point), explores
several starting points on a squashed copy (DuMouchel & Pregibon 2001, openEBGM
``squashData``) and then maximises the full-data likelihood from the best candidates, so
the prior returned is the full-data maximum-likelihood estimate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from scipy import special

if TYPE_CHECKING:  # scipy.optimize is imported only when fitting (CLI start-up time)
    from scipy import optimize

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# alpha in [1e-9, 1e6] (alpha -> 0 is a log-series limit the MLE may approach), the mean
# alpha/beta in [1e-6, 1e6], P in [logistic(-18), logistic(18)].
LOG_ALPHA_BOUNDS = (math.log(1e-9), math.log(1e6))
LOG_MEAN_BOUNDS = (math.log(1e-6), math.log(1e6))
LOGIT_P_BOUND = 18.0
# Starting points: openEBGM's vignette grid (theta_init, x4 vignette), which includes
# DuMouchel's (1999) suggested (0.2, 0.1, 2, 4, 1/3), plus a few spread-out ones.
DEFAULT_STARTS: tuple[tuple[float, float, float, float, float], ...] = (
    (0.2, 0.1, 2.0, 4.0, 1 / 3),
    (0.1, 0.1, 10.0, 10.0, 0.2),
    (0.3, 0.5, 6.0, 6.0, 0.5),
    (0.5, 0.3, 12.0, 12.0, 0.8),
    (0.2, 0.2, 5.0, 5.0, 0.4),
    (1.0, 1.0, 3.0, 1.0, 0.9),
    (3.0, 0.5, 2.0, 2.0, 0.1),
    (0.05, 0.02, 1.0, 1.0, 0.05),
)
SQUASH_ABOVE = 20_000  # compressed points above which the exploration runs on squashed data
SQUASH_BUDGET = 3_000  # points after squashing for the exploration (x10 for the refinement)
LOG_TINY = -600.0  # exp(-600) ~ 1e-261: below this, weights are treated as this small
QUANTILE_TOL = 1e-10  # relative (on log scale) stopping tolerance for the quantiles


@dataclass(frozen=True)
class Prior:
    """Hyperparameters of the two-gamma mixture prior (shape/rate parameterisation)."""

    alpha1: float
    beta1: float
    alpha2: float
    beta2: float
    p: float

    def as_tuple(self) -> tuple[float, float, float, float, float]:
        return (self.alpha1, self.beta1, self.alpha2, self.beta2, self.p)

    def validate(self) -> None:
        """Raise ValueError unless alpha/beta are positive and finite and 0 < p < 1."""
        values = self.as_tuple()
        if not all(math.isfinite(v) for v in values):
            raise ValueError("hyperparameters must be finite numbers")
        if min(values[:4]) <= 0:
            raise ValueError("alpha1, beta1, alpha2 and beta2 must be > 0")
        if not 0 < self.p < 1:
            raise ValueError("p must be strictly between 0 and 1")


@dataclass(frozen=True)
class PriorFit:
    """A fitted prior with its maximised log-likelihood (openEBGM negLL, sign reversed)."""

    prior: Prior
    log_likelihood: float
    n_pairs: int
    n_points: int  # distinct (N, E) points the likelihood was evaluated on
    converged: bool
    at_bound: bool
    candidates: tuple[tuple[Prior, float], ...]  # (prior, full-data log-likelihood) per polish


@dataclass(frozen=True)
class Posterior:
    """Posterior summaries per pair (DuMouchel 1999 eqs. 6-11)."""

    qn: FloatArray
    ebgm: FloatArray
    eb05: FloatArray
    eb95: FloatArray


@dataclass(frozen=True)
class Points:
    """Distinct (N, E) points with multiplicities, and the index structure used to
    evaluate special functions once per distinct N and once per distinct E."""

    n: FloatArray
    e: FloatArray
    weight: FloatArray
    n_values: FloatArray  # distinct N
    n_index: IntArray  # point -> position in n_values
    e_values: FloatArray  # distinct E
    e_index: IntArray  # point -> position in e_values
    log_e: FloatArray

    @property
    def size(self) -> int:
        return int(self.n.shape[0])


def _check_counts(n: NDArray[np.generic], e: NDArray[np.generic]) -> tuple[FloatArray, FloatArray]:
    n_arr = np.asarray(n, dtype=np.float64)
    e_arr = np.asarray(e, dtype=np.float64)
    if n_arr.shape != e_arr.shape or n_arr.ndim != 1:
        raise ValueError("N and E must be 1-d arrays of the same length")
    if not (np.all(np.isfinite(n_arr)) and np.all(np.isfinite(e_arr))):
        raise ValueError("N and E must be finite")
    if n_arr.size and (n_arr.min() < 0 or e_arr.min() <= 0):
        raise ValueError("N must be >= 0 and E > 0")
    return n_arr, e_arr


def _index_points(n: FloatArray, e: FloatArray, weight: FloatArray) -> Points:
    n_values, n_index = np.unique(n, return_inverse=True)
    e_values, e_index = np.unique(e, return_inverse=True)
    return Points(n, e, weight, n_values, n_index.astype(np.int64), e_values, e_index, np.log(e))


def compress(n: NDArray[np.generic], e: NDArray[np.generic]) -> tuple[Points, IntArray]:
    """Lossless compression of identical (N, E) points.

    Returns the points and, for every input pair, the index of its point, so per-point
    results map back with ``result[inverse]``.
    """
    n_arr, e_arr = _check_counts(n, e)
    e_values, e_idx = np.unique(e_arr, return_inverse=True)
    n_values, n_idx = np.unique(n_arr, return_inverse=True)
    key = e_idx.astype(np.int64) * np.int64(n_values.size) + n_idx.astype(np.int64)
    keys, inverse = np.unique(key, return_inverse=True)
    weight = np.bincount(inverse, minlength=keys.size).astype(np.float64)
    point_e = e_values[keys // n_values.size]
    point_n = n_values[keys % n_values.size]
    return _index_points(point_n, point_e, weight), inverse.astype(np.int64)


def squash(points: Points, budget: int = SQUASH_BUDGET) -> Points:
    """Data squashing (DuMouchel & Pregibon 2001; openEBGM ``squashData``): for each count
    value, points of similar E are grouped into equal-weight bins, each replaced by its
    weighted mean E and total weight. A count value gets bins in proportion to its share
    of the pairs (at least one), about ``budget`` points in all."""
    order = np.lexsort((points.e, points.n_index))
    n_sorted, e_sorted, w_sorted = points.n[order], points.e[order], points.weight[order]
    starts = np.searchsorted(points.n_index[order], np.arange(points.n_values.size + 1))
    total = float(points.weight.sum())
    out_n: list[FloatArray] = []
    out_e: list[FloatArray] = []
    out_w: list[FloatArray] = []
    for k in range(points.n_values.size):
        lo, hi = int(starts[k]), int(starts[k + 1])
        e_k, w_k = e_sorted[lo:hi], w_sorted[lo:hi]
        bins = max(1, int(budget * float(w_k.sum()) / total))
        if e_k.size <= bins:
            out_n.append(n_sorted[lo:hi])
            out_e.append(e_k)
            out_w.append(w_k)
            continue
        cum = np.cumsum(w_k)
        bin_of = np.minimum((cum - w_k) * bins // cum[-1], bins - 1).astype(np.int64)
        w_bin = np.bincount(bin_of, weights=w_k, minlength=bins)
        ew_bin = np.bincount(bin_of, weights=w_k * e_k, minlength=bins)
        keep = w_bin > 0
        out_e.append(ew_bin[keep] / w_bin[keep])
        out_w.append(w_bin[keep].astype(np.float64))
        out_n.append(np.full(int(keep.sum()), points.n_values[k]))
    return _index_points(np.concatenate(out_n), np.concatenate(out_e), np.concatenate(out_w))


def _to_internal(prior: Prior) -> FloatArray:
    """Optimiser coordinates: (log alpha_k, log mean_k) per component and logit P. Shape and
    mean are close to orthogonal, and the ridge alpha, beta -> infinity at a fixed mean
    (a component tending to a point mass) runs along one coordinate."""
    a1, b1, a2, b2, p = prior.as_tuple()
    return np.array(
        [math.log(a1), math.log(a1 / b1), math.log(a2), math.log(a2 / b2), special.logit(p)]
    )


def _from_internal(u: FloatArray) -> Prior:
    a1, a2 = math.exp(u[0]), math.exp(u[2])
    b1, b2 = a1 / math.exp(u[1]), a2 / math.exp(u[3])
    return Prior(a1, b1, a2, b2, float(special.expit(u[4])))


def _component_terms(
    points: Points, alpha: float, beta: float, with_grad: bool
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """log f_k(n) untruncated, log f*_k(n) truncated at zero, and the derivatives of
    log f*_k with respect to log(alpha) and log(beta), per point.

    f_k(n) = Gamma(alpha + n) / (Gamma(alpha) n!) * (beta/(beta+E))^alpha * (E/(beta+E))^n.
    """
    n = points.n
    lg = special.gammaln(alpha + points.n_values) - special.gammaln(alpha)
    lg -= special.gammaln(points.n_values + 1.0)
    r_values = np.log1p(points.e_values / beta)  # -log(beta / (beta + E))
    r = r_values[points.e_index]
    # n * log(E / (beta + E)) = n * (log E - log beta - r)
    log_f = lg[points.n_index] - (alpha + n) * r + n * (points.log_e - math.log(beta))
    ar = alpha * r
    one_minus_f0 = -np.expm1(-ar)  # f(0) = exp(-alpha r)
    log_f_star = log_f - np.log(one_minus_f0)  # f / (1 - f(0))
    if not with_grad:
        return log_f, log_f_star, log_f, log_f
    dig = special.digamma(alpha + points.n_values) - special.digamma(alpha)
    with np.errstate(divide="ignore"):
        inv = (1.0 - one_minus_f0) / one_minus_f0  # f(0) / (1 - f(0))
    d_log_alpha = alpha * (dig[points.n_index] - r * (1.0 + inv))
    frac = (points.e_values / (beta + points.e_values))[points.e_index]
    d_log_beta = alpha * frac * (1.0 + inv) - n * (1.0 - frac)
    return log_f, log_f_star, d_log_alpha, d_log_beta


def _nll_and_grad_part(u: FloatArray, points: Points) -> tuple[float, FloatArray]:
    """openEBGM negLLsquash(theta, N_star = 1) and its gradient in internal coordinates."""
    prior = _from_internal(u)
    _, ls1, da1, db1 = _component_terms(points, prior.alpha1, prior.beta1, True)
    _, ls2, da2, db2 = _component_terms(points, prior.alpha2, prior.beta2, True)
    log_p, log_q = math.log(prior.p), math.log1p(-prior.p)
    ll = np.logaddexp(log_p + ls1, log_q + ls2)
    # clipped so that the weight never becomes a (very slow) subnormal float
    resp = np.exp(np.maximum(log_p + ls1 - ll, LOG_TINY))
    w = points.weight
    g_a1, g_b1 = np.dot(w, resp * da1), np.dot(w, resp * db1)
    g_a2, g_b2 = np.dot(w, (1.0 - resp) * da2), np.dot(w, (1.0 - resp) * db2)
    # log beta = log alpha - log mean
    grad = np.array([g_a1 + g_b1, -g_b1, g_a2 + g_b2, -g_b2, np.dot(w, resp) - prior.p * w.sum()])
    return -float(np.dot(w, ll)), -grad


PARALLEL_ABOVE = 200_000  # points above which the likelihood is evaluated in two threads
_POOL: ThreadPoolExecutor | None = None
_PARTS: dict[int, tuple[Points, list[Points]]] = {}


def _parts(points: Points) -> list[Points]:
    """The points split in two halves, each with its own distinct-N/E index (cached)."""
    cached = _PARTS.get(id(points))
    if cached is not None and cached[0] is points:
        return cached[1]
    half = points.size // 2
    parts = [
        _index_points(points.n[sl], points.e[sl], points.weight[sl])
        for sl in (slice(0, half), slice(half, None))
    ]
    _PARTS.clear()
    _PARTS[id(points)] = (points, parts)
    return parts


def _nll_and_grad(u: FloatArray, points: Points) -> tuple[float, FloatArray]:
    """openEBGM negLLsquash(theta, N_star = 1) and its gradient in internal coordinates;
    large point sets are split over two threads (NumPy/SciPy ufuncs release the GIL)."""
    global _POOL
    if points.size > PARALLEL_ABOVE:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=2)
        results = list(_POOL.map(lambda part: _nll_and_grad_part(u, part), _parts(points)))
        value = sum(r[0] for r in results)
        grad = results[0][1] + results[1][1]
    else:
        value, grad = _nll_and_grad_part(u, points)
    if not math.isfinite(value):
        return 1e300, np.zeros(5)
    return value, grad


def log_likelihood_points(prior: Prior, points: Points) -> float:
    """Log-likelihood of a prior on (weighted) points: minus openEBGM's negLLsquash."""
    _, ls1, _, _ = _component_terms(points, prior.alpha1, prior.beta1, False)
    _, ls2, _, _ = _component_terms(points, prior.alpha2, prior.beta2, False)
    ll = np.logaddexp(math.log(prior.p) + ls1, math.log1p(-prior.p) + ls2)
    return float(np.dot(points.weight, ll))


def neg_log_likelihood(
    theta: Sequence[float], n: NDArray[np.generic], e: NDArray[np.generic], n_star: int = 1
) -> float:
    """openEBGM's ``negLL(theta, N, E, N_star)``: minus the log-likelihood of the pairs,
    each mixture component's negative binomial truncated below ``n_star``."""
    prior = Prior(*(float(t) for t in theta))
    n_arr, e_arr = _check_counts(n, e)
    if n_star == 1:
        points, _ = compress(n_arr, e_arr)
        return -log_likelihood_points(prior, points)
    total = np.zeros_like(n_arr)
    for p_k, alpha, beta in (
        (prior.p, prior.alpha1, prior.beta1),
        (1 - prior.p, prior.alpha2, prior.beta2),
    ):
        prob = beta / (beta + e_arr)
        pmf = special.gamma(alpha + n_arr) / (special.gamma(alpha) * special.factorial(n_arr))
        pmf = pmf * prob**alpha * (1 - prob) ** n_arr
        below = sum(
            special.gamma(alpha + j)
            / (special.gamma(alpha) * math.factorial(j))
            * prob**alpha
            * (1 - prob) ** j
            for j in range(n_star)
        )
        total = total + p_k * pmf / (1 - below)
    return -float(np.sum(np.log(total)))


def _fun(result: optimize.OptimizeResult) -> float:
    return float(result.fun)


def _minimise(points: Points, start: FloatArray, max_iter: int) -> optimize.OptimizeResult:
    bounds = [LOG_ALPHA_BOUNDS, LOG_MEAN_BOUNDS] * 2 + [(-LOGIT_P_BOUND, LOGIT_P_BOUND)]
    from scipy import optimize

    start = np.clip(start, [b[0] for b in bounds], [b[1] for b in bounds])
    return optimize.minimize(
        _nll_and_grad,
        start,
        args=(points,),
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        # stop when the NLL changes by < 1e-11 relative or the mean gradient per pair < 1e-9
        options={
            "maxiter": max_iter,
            "ftol": 1e-11,
            "gtol": 1e-9 * float(points.weight.sum()),
            "maxcor": 20,
        },
    )


def _starts(points: Points, extra: Sequence[Prior]) -> list[FloatArray]:
    starts = [_to_internal(Prior(*s)) for s in DEFAULT_STARTS]
    rr = np.average(points.n / points.e, weights=points.weight)
    starts.append(_to_internal(Prior(0.5, 0.5 / max(rr, 1e-3) * 0.2, 2.0, 2.0, 0.1)))
    starts.extend(_to_internal(p) for p in extra)
    return starts


def _at_bound(u: FloatArray) -> bool:
    lows = np.array([LOG_ALPHA_BOUNDS[0], LOG_MEAN_BOUNDS[0]] * 2 + [-LOGIT_P_BOUND])
    highs = np.array([LOG_ALPHA_BOUNDS[1], LOG_MEAN_BOUNDS[1]] * 2 + [LOGIT_P_BOUND])
    return bool(np.any(u <= lows + 1e-6) or np.any(u >= highs - 1e-6))


def _swap(u: FloatArray) -> FloatArray:
    """The same prior with its two components' labels exchanged."""
    return np.array([u[2], u[3], u[0], u[1], -u[4]])


def _distinct(u: FloatArray, chosen: list[FloatArray]) -> bool:
    return all(min(np.max(np.abs(u - c)), np.max(np.abs(_swap(u) - c))) > 1e-3 for c in chosen)


def _explore(points: Points, extra: Sequence[Prior], keep: int) -> list[FloatArray]:
    """Short runs from every starting point, then the ``keep`` best distinct ones are run
    to convergence; returns their optima, best first."""
    short = [_minimise(points, s, max_iter=15) for s in _starts(points, extra)]
    short.sort(key=lambda r: float(r.fun))
    picked: list[FloatArray] = []
    for res in short:
        if _distinct(res.x, picked):
            picked.append(res.x)
        if len(picked) == keep:
            break
    finished = [_minimise(points, u, max_iter=1000) for u in picked]
    finished.sort(key=lambda r: float(r.fun))
    best = float(finished[0].fun)
    margin = max(1.0, 1e-5 * abs(best))  # keep runners-up only when nearly as good...
    same = 1e-9 * max(1.0, abs(best))  # ...but not the same optimum reached twice
    kept = [finished[0]]
    kept += [r for r in finished[1:] if same < float(r.fun) - best <= margin]
    return [r.x for r in kept]


def fit_points(
    points: Points,
    n_pairs: int,
    extra_starts: Sequence[Prior] = (),
    progress: Callable[[str], None] | None = None,
) -> PriorFit:
    """Maximum-likelihood prior on compressed points (see module docstring)."""
    if points.size == 0:
        raise ValueError("no drug-event pairs to fit")
    explore_on = squash(points) if points.size > SQUASH_ABOVE else points
    if progress and explore_on is not points:
        progress(f"exploring starting points on {explore_on.size} squashed points")
    candidates = _explore(explore_on, extra_starts, keep=2)
    if explore_on is not points:
        # refine on a finer squash first: the full-data polish then starts close by
        finer = squash(points, SQUASH_BUDGET * 10)
        if finer.size < points.size // 2:
            refined = sorted((_minimise(finer, u, max_iter=1000) for u in candidates), key=_fun)
            candidates = [refined[0].x]
    else:
        candidates = candidates[:1]
    polished: list[tuple[optimize.OptimizeResult, float]] = []
    for start in candidates:
        res = _minimise(points, start, max_iter=2000)
        polished.append((res, -float(res.fun)))
    polished.sort(key=lambda item: -item[1])
    best = polished[0][0]
    if not best.success:  # a second run with fresh L-BFGS-B memory
        retry = _minimise(points, best.x, max_iter=2000)
        if float(retry.fun) <= float(best.fun):
            best = retry
    prior = _from_internal(best.x)
    return PriorFit(
        prior=prior,
        log_likelihood=log_likelihood_points(prior, points),
        n_pairs=n_pairs,
        n_points=points.size,
        converged=bool(best.success),
        at_bound=_at_bound(best.x),
        candidates=tuple((_from_internal(r.x), ll) for r, ll in polished),
    )


def fit_prior(
    n: NDArray[np.generic],
    e: NDArray[np.generic],
    progress: Callable[[str], None] | None = None,
) -> PriorFit:
    """Fit the two-gamma mixture prior to the observed pairs' N (>= 1) and E."""
    points, _ = compress(n, e)
    if points.n.size and points.n.min() < 1:
        raise ValueError("the fit uses pairs with N >= 1 only (openEBGM N_star = 1)")
    return fit_points(points, n_pairs=int(np.asarray(n).size), progress=progress)


def _log_nb(points: Points, alpha: float, beta: float) -> FloatArray:
    return _component_terms(points, alpha, beta, False)[0]


def _qn(prior: Prior, points: Points) -> FloatArray:
    """Posterior weight of the first component (DuMouchel 1999 eq. 6; openEBGM ``Qn``)."""
    l1 = math.log(prior.p) + _log_nb(points, prior.alpha1, prior.beta1)
    l2 = math.log1p(-prior.p) + _log_nb(points, prior.alpha2, prior.beta2)
    return np.exp(np.maximum(l1 - np.logaddexp(l1, l2), LOG_TINY))


def _mixture_cdf_pdf(
    x: FloatArray,
    qn: FloatArray,
    shapes: tuple[FloatArray, FloatArray],
    rates: tuple[FloatArray, FloatArray],
) -> tuple[FloatArray, FloatArray]:
    cdf = np.zeros_like(x)
    pdf = np.zeros_like(x)
    for weight, s, rate in ((qn, shapes[0], rates[0]), (1.0 - qn, shapes[1], rates[1])):
        z = rate * x
        cdf += weight * special.gammainc(s, z)
        log_pdf = s * np.log(z) - z - np.log(x) - special.gammaln(s)
        pdf += weight * np.exp(np.maximum(log_pdf, LOG_TINY))
    return cdf, pdf


def posterior_quantile(
    prob: float,
    qn: FloatArray,
    shapes: tuple[FloatArray, FloatArray],
    rates: tuple[FloatArray, FloatArray],
    shape_values: tuple[FloatArray, FloatArray] | None = None,
    shape_index: IntArray | None = None,
) -> FloatArray:
    """Quantile of the posterior mixture qn*Gamma(s1, r1) + (1-qn)*Gamma(s2, r2).

    The quantile lies between the two components' own quantiles (both CDFs are <= prob
    at the smaller one and >= prob at the larger one), which brackets it; safeguarded
    Newton steps on log(x) inside the bracket then converge to QUANTILE_TOL.
    """
    comp_q = []
    for k in range(2):
        if shape_values is not None and shape_index is not None:
            base = special.gammaincinv(shape_values[k], prob)[shape_index]
        else:
            base = special.gammaincinv(shapes[k], prob)
        comp_q.append(np.log(base) - np.log(rates[k]))
    lo, hi = np.minimum(comp_q[0], comp_q[1]), np.maximum(comp_q[0], comp_q[1])
    t = np.where(qn >= 0.5, comp_q[0], comp_q[1])
    active = np.flatnonzero(hi - lo > QUANTILE_TOL)
    for _ in range(200):
        if active.size == 0:
            break
        x = np.exp(t[active])
        cdf, pdf = _mixture_cdf_pdf(
            x,
            qn[active],
            (shapes[0][active], shapes[1][active]),
            (rates[0][active], rates[1][active]),
        )
        f = cdf - prob
        lo[active] = np.where(f < 0, t[active], lo[active])
        hi[active] = np.where(f > 0, t[active], hi[active])
        with np.errstate(divide="ignore", invalid="ignore"):
            step = f / (pdf * x)
        t_new = t[active] - step
        inside = np.isfinite(t_new) & (t_new > lo[active]) & (t_new < hi[active])
        t_new = np.where(inside, t_new, 0.5 * (lo[active] + hi[active]))
        moved = np.abs(t_new - t[active])
        t[active] = t_new
        done = (f == 0) | (moved <= QUANTILE_TOL) | (hi[active] - lo[active] <= QUANTILE_TOL)
        active = active[~done]
    return np.exp(t)


def score_points(prior: Prior, points: Points) -> Posterior:
    """Qn, EBGM, EB05 and EB95 per point (DuMouchel 1999; openEBGM Qn/ebgm/quantBisect)."""
    prior.validate()
    qn = _qn(prior, points)
    n, e = points.n, points.e
    dig1 = special.digamma(prior.alpha1 + points.n_values)[points.n_index]
    dig2 = special.digamma(prior.alpha2 + points.n_values)[points.n_index]
    e_log = qn * (dig1 - np.log(prior.beta1 + e)) + (1.0 - qn) * (dig2 - np.log(prior.beta2 + e))
    shapes = (prior.alpha1 + n, prior.alpha2 + n)
    rates = (prior.beta1 + e, prior.beta2 + e)
    shape_values = (prior.alpha1 + points.n_values, prior.alpha2 + points.n_values)
    quantiles = [
        posterior_quantile(prob, qn, shapes, rates, shape_values, points.n_index)
        for prob in (0.05, 0.95)
    ]
    return Posterior(qn=qn, ebgm=np.exp(e_log), eb05=quantiles[0], eb95=quantiles[1])


def score(prior: Prior, n: NDArray[np.generic], e: NDArray[np.generic]) -> Posterior:
    """Posterior summaries for every pair (computed once per distinct (N, E))."""
    points, inverse = compress(n, e)
    per_point = score_points(prior, points)
    return Posterior(
        qn=per_point.qn[inverse],
        ebgm=per_point.ebgm[inverse],
        eb05=per_point.eb05[inverse],
        eb95=per_point.eb95[inverse],
    )
