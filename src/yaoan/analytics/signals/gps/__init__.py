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

from yaoan.analytics.signals.gps.fit import NEWTON_FTOL, NEWTON_MAX_ITER, fit_points, fit_prior
from yaoan.analytics.signals.gps.likelihood import (
    log_likelihood_points,
    neg_log_likelihood,
)
from yaoan.analytics.signals.gps.model import (
    DEFAULT_STARTS,
    LOG_ALPHA_BOUNDS,
    LOG_MEAN_BOUNDS,
    LOG_TINY,
    LOGIT_P_BOUND,
    QUANTILE_TOL,
    SQUASH_ABOVE,
    SQUASH_BUDGET,
    SQUASH_DELTA,
    FloatArray,
    IntArray,
    Points,
    Posterior,
    Prior,
    PriorFit,
    compress,
    squash,
)
from yaoan.analytics.signals.gps.posterior import posterior_quantile, score, score_points

__all__ = [
    "DEFAULT_STARTS",
    "LOGIT_P_BOUND",
    "LOG_ALPHA_BOUNDS",
    "LOG_MEAN_BOUNDS",
    "LOG_TINY",
    "NEWTON_FTOL",
    "NEWTON_MAX_ITER",
    "QUANTILE_TOL",
    "SQUASH_ABOVE",
    "SQUASH_BUDGET",
    "SQUASH_DELTA",
    "FloatArray",
    "IntArray",
    "Points",
    "Posterior",
    "Prior",
    "PriorFit",
    "compress",
    "fit_points",
    "fit_prior",
    "log_likelihood_points",
    "neg_log_likelihood",
    "posterior_quantile",
    "score",
    "score_points",
    "squash",
]
