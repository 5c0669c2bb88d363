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
``squashData``; here binned on log E) and then maximises the full-data likelihood from
the best candidates by Newton's method with the analytic Hessian, so the prior returned
is the full-data maximum-likelihood estimate. BLAS runs single-threaded meanwhile
(``_blas``).
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

from yaoan.analytics.signals._blas import single_threaded_blas

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
SQUASH_DELTA = 0.05  # squashing cell width on the log-E scale (5 %)
SQUASH_BUDGET = 5_000  # at most this many squashed points (the cells widen if needed)
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
    lgamma_n1: FloatArray  # lgamma(N + 1) per distinct N

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
    return Points(
        n,
        e,
        weight,
        n_values,
        n_index.astype(np.int64),
        e_values,
        e_index.astype(np.int64),
        np.log(e),
        special.gammaln(n_values + 1.0),
    )


def compress(
    n: NDArray[np.generic], e: NDArray[np.generic], weights: FloatArray | None = None
) -> tuple[Points, IntArray]:
    """Lossless compression of identical (N, E) points.

    Returns the points and, for every input pair, the index of its point, so per-point
    results map back with ``result[inverse]``. ``weights`` (default 1) are the number
    of pairs each input stands for; a point's weight is the sum over its inputs.
    """
    n_arr, e_arr = _check_counts(n, e)
    e_values, e_idx = np.unique(e_arr, return_inverse=True)
    n_values, n_idx = np.unique(n_arr, return_inverse=True)
    key = e_idx.astype(np.int64) * np.int64(n_values.size) + n_idx.astype(np.int64)
    keys, inverse = np.unique(key, return_inverse=True)
    weight = np.bincount(inverse, weights=weights, minlength=keys.size).astype(np.float64)
    point_e = e_values[keys // n_values.size]
    point_n = n_values[keys % n_values.size]
    return _index_points(point_n, point_e, weight), inverse.astype(np.int64)


def squash(points: Points, delta: float = SQUASH_DELTA, budget: int = SQUASH_BUDGET) -> Points:
    """Data squashing (after DuMouchel & Pregibon 2001; openEBGM ``squashData``): for each
    count value, points whose E fall in the same cell of width ``delta`` on the log scale
    are replaced by one point with their weighted mean E and total weight. The cell
    width doubles until at most ``budget`` points remain.

    Binning on log E bounds the spread of E inside a bin (relative width delta), so the
    squashed likelihood is close to the full one everywhere; equal-weight bins (openEBGM)
    can put E = 0.01 and E = 40 of a rare count into one bin, which moves the optimum.
    """
    while True:
        cell = np.floor(points.log_e / delta).astype(np.int64)
        cell -= int(cell.min())
        cells = int(cell.max()) + 1
        key = points.n_index * cells + cell
        keys, inverse = np.unique(key, return_inverse=True)
        if keys.size <= budget or delta >= 64.0:
            break
        delta *= 2.0
    weight = np.bincount(inverse, weights=points.weight, minlength=keys.size).astype(np.float64)
    e_sum = np.bincount(inverse, weights=points.weight * points.e, minlength=keys.size)
    return _index_points(points.n_values[keys // cells], e_sum / weight, weight)


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


def _component_terms(points: Points, alpha: float, beta: float) -> tuple[FloatArray, FloatArray]:
    """log f_k(n) untruncated and log f*_k(n) truncated at zero, per point (the reference
    form used for the reported log-likelihood and for Qn; the fit uses ``_component``).

    f_k(n) = Gamma(alpha + n) / (Gamma(alpha) n!) * (beta/(beta+E))^alpha * (E/(beta+E))^n.
    """
    n = points.n
    lg = special.gammaln(alpha + points.n_values) - special.gammaln(alpha)
    lg -= points.lgamma_n1
    r_values = np.log1p(points.e_values / beta)  # -log(beta / (beta + E))
    r = r_values[points.e_index]
    # n * log(E / (beta + E)) = n * (log E - log beta - r)
    log_f = lg[points.n_index] - (alpha + n) * r + n * (points.log_e - math.log(beta))
    one_minus_f0 = -np.expm1(-alpha * r)  # f(0) = exp(-alpha r)
    return log_f, log_f - np.log(one_minus_f0)  # f*: f / (1 - f(0))


@dataclass
class _Component:
    """One mixture component on the points: log f*_k and its first and second
    derivatives with respect to (log alpha, log beta)."""

    log_f_star: FloatArray
    g_a: FloatArray
    g_b: FloatArray
    h_aa: FloatArray | None
    h_ab: FloatArray | None
    h_bb: FloatArray | None


def _component(points: Points, alpha: float, beta: float, order: int) -> _Component:
    """log f*_k per point and, for order >= 1 / 2, its gradient / Hessian in
    (A, B) = (log alpha, log beta). With r = log(1 + E/beta), g = alpha r (so that
    f(0) = exp(-g)), frac = E / (beta + E) and inv = f(0) / (1 - f(0)):

      log f* = lgamma(alpha+n) - lgamma(alpha) - lgamma(n+1) - (alpha+n) r
               + n log(E/beta) - log(1 - exp(-g))
      d/dA   = alpha (psi(alpha+n) - psi(alpha) - r (1 + inv))
      d/dB   = alpha frac (1 + inv) - n (1 - frac)
      d2/dA2 = alpha (psi(alpha+n) - psi(alpha) - r) + alpha^2 (psi'(alpha+n) - psi'(alpha))
               + inv (1 + inv) g^2 - inv g
      d2/dAdB = alpha frac (1 + inv) - inv (1 + inv) g alpha frac
      d2/dB2 = -(alpha + n) frac (1 - frac) + inv (1 + inv) (alpha frac)^2
               - inv alpha frac (1 - frac)

    Special functions of N are evaluated once per distinct N, those of E once per
    distinct E; everything else is one pass of in-place ufuncs over the points.
    """
    n, n_index, e_index = points.n, points.n_index, points.e_index
    lg = special.gammaln(alpha + points.n_values) - special.gammaln(alpha)
    lg -= points.lgamma_n1
    r_values = np.log1p(points.e_values / beta)
    r = r_values[e_index]
    g = r * alpha
    one_minus_f0 = np.expm1(np.negative(g))
    np.negative(one_minus_f0, out=one_minus_f0)
    # log f* = lg[n] - (alpha + n) r + n (log E - log beta) - log(1 - f(0))
    log_f_star = points.log_e - math.log(beta)
    log_f_star *= n
    log_f_star -= r * (n + alpha)
    log_f_star += lg[n_index]
    log_f_star -= np.log(one_minus_f0)
    if order == 0:
        return _Component(log_f_star, r, r, None, None, None)
    dig_values = special.digamma(alpha + points.n_values) - special.digamma(alpha)
    dig = dig_values[n_index]
    with np.errstate(divide="ignore", over="ignore"):
        inv = np.reciprocal(one_minus_f0)
        inv -= 1.0  # f(0) / (1 - f(0))
    one_inv = inv + 1.0
    frac = (points.e_values / (beta + points.e_values))[e_index]
    g_a = dig - r * one_inv
    g_a *= alpha
    afrac = frac * alpha
    g_b = afrac * one_inv
    g_b -= n * (1.0 - frac)
    if order == 1:
        return _Component(log_f_star, g_a, g_b, None, None, None)
    tri_values = special.polygamma(1, alpha + points.n_values) - special.polygamma(1, alpha)
    curv = inv * one_inv  # inv (1 + inv)
    h_aa = dig - r
    h_aa *= alpha
    h_aa += tri_values[n_index] * alpha * alpha
    h_aa += curv * g * g
    h_aa -= inv * g
    h_ab = afrac * one_inv
    h_ab -= curv * g * afrac
    frac_1m = frac * (1.0 - frac)
    h_bb = curv * afrac * afrac
    h_bb -= (n + alpha) * frac_1m
    h_bb -= inv * alpha * frac_1m
    return _Component(log_f_star, g_a, g_b, h_aa, h_ab, h_bb)


# (A1, B1, A2, B2, logit P) -> internal (log alpha1, log mean1, log alpha2, log mean2,
# logit P): B = A - log mean, so d/dA|mean = d/dA + d/dB and d/dlog mean = -d/dB.
_JACOBIAN = np.array(
    [
        [1.0, 1.0, 0.0, 0.0, 0.0],
        [0.0, -1.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 1.0, 0.0],
        [0.0, 0.0, 0.0, -1.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 1.0],
    ]
)


def _nll_derivatives_part(
    u: FloatArray, points: Points, order: int
) -> tuple[float, FloatArray | None, FloatArray | None]:
    """openEBGM negLLsquash(theta, N_star = 1) and, for order >= 1 / 2, its gradient /
    Hessian in internal coordinates.

    Per point, with l = log(P f*_1 + (1-P) f*_2), the responsibility
    q = P f*_1 / (P f*_1 + (1-P) f*_2) and g_k, H_k the derivatives of log f*_k:
    dl/dtheta_1 = q g_1, dl/dtheta_2 = (1-q) g_2, dl/dlogitP = q - P;
    d2l/dtheta_1^2 = q (H_1 + (1-q) g_1 g_1'), d2l/dtheta_2^2 = (1-q) (H_2 + q g_2 g_2'),
    d2l/dtheta_1 dtheta_2 = -q(1-q) g_1 g_2', d2l/dtheta_1 dlogitP = q(1-q) g_1,
    d2l/dtheta_2 dlogitP = -q(1-q) g_2, d2l/dlogitP^2 = q(1-q) - P(1-P).
    """
    prior = _from_internal(u)
    c1 = _component(points, prior.alpha1, prior.beta1, order)
    c2 = _component(points, prior.alpha2, prior.beta2, order)
    log_p, log_q = math.log(prior.p), math.log1p(-prior.p)
    c1.log_f_star += log_p
    c2.log_f_star += log_q
    ll = np.logaddexp(c1.log_f_star, c2.log_f_star)
    w = points.weight
    value = -float(np.dot(w, ll))
    if order == 0:
        return value, None, None
    # clipped so that the weight never becomes a (very slow) subnormal float
    resp = c1.log_f_star
    resp -= ll
    np.maximum(resp, LOG_TINY, out=resp)
    np.exp(resp, out=resp)
    w1 = w * resp
    w2 = w - w1
    g = np.array(
        [
            np.dot(w1, c1.g_a),
            np.dot(w1, c1.g_b),
            np.dot(w2, c2.g_a),
            np.dot(w2, c2.g_b),
            float(w1.sum()) - prior.p * float(w.sum()),
        ]
    )
    if order == 1:
        return value, -(_JACOBIAN @ g), None
    assert c1.h_aa is not None and c1.h_ab is not None and c1.h_bb is not None
    assert c2.h_aa is not None and c2.h_ab is not None and c2.h_bb is not None
    w12 = w1 * (1.0 - resp)  # w q (1 - q)
    d1 = (c1.g_a, c1.g_b)
    d2 = (c2.g_a, c2.g_b)
    h = np.empty((5, 5))
    for i in range(2):
        for j in range(i, 2):
            h[i, j] = np.dot(w12, d1[i] * d1[j])
            h[2 + i, 2 + j] = np.dot(w12, d2[i] * d2[j])
        for j in range(2):
            h[i, 2 + j] = -np.dot(w12, d1[i] * d2[j])
        h[i, 4] = np.dot(w12, d1[i])
        h[2 + i, 4] = -np.dot(w12, d2[i])
    h[0, 0] += np.dot(w1, c1.h_aa)
    h[0, 1] += np.dot(w1, c1.h_ab)
    h[1, 1] += np.dot(w1, c1.h_bb)
    h[2, 2] += np.dot(w2, c2.h_aa)
    h[2, 3] += np.dot(w2, c2.h_ab)
    h[3, 3] += np.dot(w2, c2.h_bb)
    h[4, 4] = float(w12.sum()) - prior.p * (1.0 - prior.p) * float(w.sum())
    h = np.triu(h) + np.triu(h, 1).T
    return value, -(_JACOBIAN @ g), -(_JACOBIAN @ h @ _JACOBIAN.T)


def _nll_and_grad_part(u: FloatArray, points: Points) -> tuple[float, FloatArray]:
    """openEBGM negLLsquash(theta, N_star = 1) and its gradient in internal coordinates."""
    value, grad, _ = _nll_derivatives_part(u, points, 1)
    assert grad is not None
    return value, grad


PARALLEL_ABOVE = 100_000  # points above which the likelihood is evaluated in two threads
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


def _nll_derivatives(
    u: FloatArray, points: Points, order: int
) -> tuple[float, FloatArray | None, FloatArray | None]:
    """Value (and gradient, Hessian) of the NLL; large point sets are split over two
    threads (NumPy/SciPy ufuncs release the GIL). A non-finite value becomes 1e300."""
    global _POOL
    if points.size > PARALLEL_ABOVE:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=2)
        results = list(
            _POOL.map(lambda part: _nll_derivatives_part(u, part, order), _parts(points))
        )
        value = results[0][0] + results[1][0]
        grad = None if order < 1 else results[0][1] + results[1][1]  # type: ignore[operator]
        hess = None if order < 2 else results[0][2] + results[1][2]  # type: ignore[operator]
    else:
        value, grad, hess = _nll_derivatives_part(u, points, order)
    if not math.isfinite(value):
        return 1e300, None if grad is None else np.zeros(5), hess
    return value, grad, hess


def _nll_and_grad(u: FloatArray, points: Points) -> tuple[float, FloatArray]:
    """openEBGM negLLsquash(theta, N_star = 1) and its gradient in internal coordinates."""
    value, grad, _ = _nll_derivatives(u, points, 1)
    assert grad is not None
    return value, grad


def log_likelihood_points(prior: Prior, points: Points) -> float:
    """Log-likelihood of a prior on (weighted) points: minus openEBGM's negLLsquash."""
    _, ls1 = _component_terms(points, prior.alpha1, prior.beta1)
    _, ls2 = _component_terms(points, prior.alpha2, prior.beta2)
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


def _bound_arrays() -> tuple[FloatArray, FloatArray]:
    lows = np.array([LOG_ALPHA_BOUNDS[0], LOG_MEAN_BOUNDS[0]] * 2 + [-LOGIT_P_BOUND])
    highs = np.array([LOG_ALPHA_BOUNDS[1], LOG_MEAN_BOUNDS[1]] * 2 + [LOGIT_P_BOUND])
    return lows, highs


NEWTON_MAX_ITER = 40
NEWTON_FTOL = 1e-14  # stop when the predicted decrease of the NLL is below this, relative


@dataclass(frozen=True)
class _Polished:
    x: FloatArray
    fun: float
    success: bool
    evaluations: int


def _newton_step(grad: FloatArray, hess: FloatArray, free: NDArray[np.bool_]) -> FloatArray:
    """Newton direction on the free coordinates; the Hessian's eigenvalues are taken in
    absolute value and floored, so the direction always descends."""
    step = np.zeros(5)
    if not free.any():
        return step
    h = hess[np.ix_(free, free)]
    values, vectors = np.linalg.eigh(h)
    floor = max(float(np.max(np.abs(values))) * 1e-10, 1e-300)
    values = np.maximum(np.abs(values), floor)
    step[free] = vectors @ ((vectors.T @ grad[free]) / values)
    return step


def _newton(points: Points, start: FloatArray) -> _Polished:
    """Projected Newton iterations with the analytic Hessian, for the full-data polish
    from a nearby start. A coordinate at a bound whose gradient points outwards is held
    there; the step is projected back into the box and backtracked (Armijo) if it does
    not decrease the NLL enough. Stops when the decrease a further Newton step predicts
    (half the Newton decrement) is below NEWTON_FTOL relative to the NLL."""
    lows, highs = _bound_arrays()
    u = np.clip(start, lows, highs)
    f, g, h = _nll_derivatives(u, points, 2)
    evaluations = 1
    for _ in range(NEWTON_MAX_ITER):
        if g is None or h is None or not np.all(np.isfinite(h)) or f >= 1e300:
            break
        held = ((u <= lows) & (g > 0)) | ((u >= highs) & (g < 0))
        free = ~held
        projected = np.where(free, g, 0.0)
        step = _newton_step(g, h, free)
        if 0.5 * float(projected @ step) <= NEWTON_FTOL * max(1.0, abs(f)):
            return _Polished(u, f, True, evaluations)
        t = 1.0
        accepted = False
        while t >= 1e-8:
            u_new = np.clip(u - t * step, lows, highs)
            if t == 1.0:
                f_new, g_new, h_new = _nll_derivatives(u_new, points, 2)
            else:
                f_new = _nll_derivatives(u_new, points, 0)[0]
                g_new = h_new = None
            evaluations += 1
            if f_new <= f - 1e-4 * float(g @ (u - u_new)) and f_new < 1e300:
                accepted = True
                break
            t *= 0.25
        if not accepted:
            break
        if g_new is None:
            f_new, g_new, h_new = _nll_derivatives(u_new, points, 2)
            evaluations += 1
        u, f, g, h = u_new, f_new, g_new, h_new
    return _Polished(u, f, False, evaluations)


def _polish(points: Points, start: FloatArray) -> _Polished:
    """Full-data maximisation from a nearby start: Newton, or L-BFGS-B where Newton
    does not converge (then from Newton's best point)."""
    newton = _newton(points, start)
    if newton.success:
        return newton
    res = _minimise(points, newton.x, max_iter=2000)
    if not res.success:  # a second run with fresh L-BFGS-B memory
        retry = _minimise(points, res.x, max_iter=2000)
        if float(retry.fun) <= float(res.fun):
            res = retry
    if float(res.fun) > newton.fun:
        return _Polished(newton.x, newton.fun, bool(res.success), newton.evaluations)
    return _Polished(res.x, float(res.fun), bool(res.success), newton.evaluations + res.nfev)


def fit_points(
    points: Points,
    n_pairs: int,
    extra_starts: Sequence[Prior] = (),
    progress: Callable[[str], None] | None = None,
) -> PriorFit:
    """Maximum-likelihood prior on compressed points (see module docstring)."""
    from scipy import optimize  # noqa: F401  (loads SciPy's OpenBLAS before limiting it)

    with single_threaded_blas():
        return _fit_points(points, n_pairs, extra_starts, progress)


def _fit_points(
    points: Points,
    n_pairs: int,
    extra_starts: Sequence[Prior],
    progress: Callable[[str], None] | None,
) -> PriorFit:
    if points.size == 0:
        raise ValueError("no drug-event pairs to fit")
    explore_on = squash(points) if points.size > SQUASH_ABOVE else points
    if progress and explore_on is not points:
        progress(f"exploring starting points on {explore_on.size} squashed points")
    # the best optima of the exploration (distinct, nearly as good as the best), each
    # then maximised on the full data: the squashed optimum is close to the full one
    candidates = _explore(explore_on, extra_starts, keep=3)
    polished = sorted((_polish(points, start) for start in candidates), key=lambda r: r.fun)
    best = polished[0]
    if progress:
        progress(f"full-data polish: {best.evaluations} likelihood evaluations")
    prior = _from_internal(best.x)
    return PriorFit(
        prior=prior,
        log_likelihood=log_likelihood_points(prior, points),
        n_pairs=n_pairs,
        n_points=points.size,
        converged=best.success,
        at_bound=_at_bound(best.x),
        candidates=tuple((_from_internal(r.x), -r.fun) for r in polished),
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
    return _component_terms(points, alpha, beta)[0]


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
