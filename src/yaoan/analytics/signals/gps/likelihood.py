"""GPS marginal likelihood: the truncated negative-binomial mixture, its gradient and Hessian."""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special

from yaoan.analytics.signals.gps.model import (
    LOG_TINY,
    FloatArray,
    Points,
    Prior,
    _check_counts,
    _from_internal,
    _index_points,
    compress,
)


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
