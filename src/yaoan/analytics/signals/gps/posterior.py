"""GPS posterior: Q_n, EBGM and the EB05/EB95 quantiles."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy import special

from yaoan.analytics.signals.gps.likelihood import _component_terms
from yaoan.analytics.signals.gps.model import (
    LOG_TINY,
    QUANTILE_TOL,
    FloatArray,
    IntArray,
    Points,
    Posterior,
    Prior,
    compress,
)


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
