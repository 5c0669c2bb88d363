"""GPS: openEBGM's likelihood, the prior fit and the posterior summaries."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize, special, stats

from yaoan.analytics.signals import gps

# openEBGM tests/testthat/testC_Likelihoods.R: counts, expected counts and theta_hat
THETA = (0.125874, 0.13587, 1.24578, 3.01587, 0.05)
DAT_N = np.array([0] * 5 + [1] * 4 + [2] * 6 + [3] * 2)
DAT_E = np.arange(1, 18, dtype=float)


def _nb_pmf(n, alpha, beta, e):
    """The negative binomial as openEBGM's test writes it out with gamma functions."""
    prob = beta / (beta + e)
    coeff = special.gamma(alpha + n) / (special.gamma(alpha) * special.factorial(n))
    return coeff * prob**alpha * (1 - prob) ** n


def _neg_ll_by_hand(theta, n, e, n_star):
    a1, b1, a2, b2, p = theta
    below1 = sum(_nb_pmf(j, a1, b1, e) for j in range(n_star))
    below2 = sum(_nb_pmf(j, a2, b2, e) for j in range(n_star))
    f1 = _nb_pmf(n, a1, b1, e) / (1 - below1)
    f2 = _nb_pmf(n, a2, b2, e) / (1 - below2)
    return -np.sum(np.log(p * f1 + (1 - p) * f2))


@pytest.mark.parametrize("n_star", [1, 2])
def test_neg_log_likelihood_matches_openebgm_test(n_star: int) -> None:
    keep = n_star <= DAT_N
    n, e = DAT_N[keep], DAT_E[keep]
    assert gps.neg_log_likelihood(THETA, n, e, n_star) == pytest.approx(
        _neg_ll_by_hand(THETA, n, e, n_star), rel=1e-12
    )


def test_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(3)
    n = rng.integers(1, 30, 400)
    e = rng.gamma(0.5, 4.0, 400) + 1e-3
    points, _ = gps.compress(n, e)
    u = gps.model._to_internal(gps.Prior(0.3, 0.2, 2.0, 1.5, 0.3))
    _, grad = gps.likelihood._nll_and_grad(u, points)
    numeric = optimize.approx_fprime(u, lambda x: gps.likelihood._nll_and_grad(x, points)[0], 1e-7)
    np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-3)


def test_compression_is_lossless() -> None:
    n = np.array([1, 1, 2, 1, 2, 5])
    e = np.array([0.5, 0.5, 0.5, 0.25, 0.5, 3.0])
    points, inverse = gps.compress(n, e)
    assert points.size == 4
    np.testing.assert_array_equal(points.n[inverse], n)
    np.testing.assert_array_equal(points.e[inverse], e)
    assert points.weight.sum() == 6
    assert gps.neg_log_likelihood(THETA, n, e) == pytest.approx(_neg_ll_by_hand(THETA, n, e, 1))


TRUE_PRIOR = gps.Prior(alpha1=0.4, beta1=0.2, alpha2=4.0, beta2=4.0, p=0.2)


def _simulate(prior: gps.Prior, pairs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs from the GPS model with E on a discrete grid (as n_drug*n_event/n_total)."""
    rng = np.random.default_rng(seed)
    e = np.round(np.exp(rng.normal(-0.5, 1.2, pairs)), 2) + 0.01
    first = rng.random(pairs) < prior.p
    lam = np.where(
        first,
        rng.gamma(prior.alpha1, 1 / prior.beta1, pairs),
        rng.gamma(prior.alpha2, 1 / prior.beta2, pairs),
    )
    n = rng.poisson(lam * e)
    return n[n >= 1], e[n >= 1]


def _internal_standard_errors(fit: gps.PriorFit, n, e) -> np.ndarray:
    """Standard errors of the optimiser coordinates from the observed information."""
    points, _ = gps.compress(n, e)
    u = gps.model._to_internal(fit.prior)
    hess = np.empty((5, 5))
    for i in range(5):
        step = np.zeros(5)
        step[i] = 1e-5
        hess[i] = (
            gps.likelihood._nll_and_grad(u + step, points)[1]
            - gps.likelihood._nll_and_grad(u - step, points)[1]
        ) / 2e-5
    return np.sqrt(np.diag(np.linalg.inv((hess + hess.T) / 2)))


def test_fit_recovers_the_prior_data_were_simulated_from() -> None:
    n, e = _simulate(TRUE_PRIOR, 60_000, seed=11)
    fit = gps.fit_prior(n, e)
    # the MLE is at least as likely as the truth
    truth_ll = -gps.neg_log_likelihood(TRUE_PRIOR.as_tuple(), n, e)
    assert fit.log_likelihood >= truth_ll
    # every coordinate (log alpha, log mean, logit P) within 4 standard errors of the truth,
    # components matched by label
    u_hat = gps.model._to_internal(fit.prior)
    if abs(u_hat[4] - gps.model._to_internal(TRUE_PRIOR)[4]) > abs(
        -u_hat[4] - gps.model._to_internal(TRUE_PRIOR)[4]
    ):
        u_hat = gps.fit._swap(u_hat)
    se = _internal_standard_errors(fit, n, e)
    z = np.abs(u_hat - gps.model._to_internal(TRUE_PRIOR)) / se
    assert np.all(z < 4), (fit.prior, z)
    # and the estimates are close in plain terms too
    assert fit.prior.p == pytest.approx(TRUE_PRIOR.p, abs=0.05) or fit.prior.p == pytest.approx(
        1 - TRUE_PRIOR.p, abs=0.05
    )


def test_fit_is_at_least_as_good_as_local_optimisation_from_openebgm_starts() -> None:
    n, e = _simulate(gps.Prior(0.2, 0.1, 2.0, 4.0, 0.3), 5_000, seed=5)
    fit = gps.fit_prior(n, e)
    for start in gps.DEFAULT_STARTS[:5]:  # openEBGM's vignette theta_init grid
        res = optimize.minimize(
            lambda th: gps.neg_log_likelihood(th, n, e) if min(th) > 0 and th[4] < 1 else 1e300,
            np.array(start),
            method="Nelder-Mead",
            options={"maxiter": 4000, "xatol": 1e-8, "fatol": 1e-10},
        )
        assert fit.log_likelihood >= -res.fun - 1e-6 - 1e-10 * abs(res.fun)


def test_fit_converges_when_a_component_degenerates() -> None:
    # nearly every pair reported at its expected rate: the second component tends to a
    # point mass (alpha, beta -> infinity), where unbounded optimisers run away
    rng = np.random.default_rng(7)
    e = np.round(rng.gamma(2.0, 2.0, 20_000), 1) + 0.1
    lam = np.where(rng.random(e.size) < 0.02, rng.gamma(2.0, 0.5, e.size), 1.0)
    n = rng.poisson(lam * e)
    n, e = n[n >= 1], e[n >= 1]
    fit = gps.fit_prior(n, e)
    fit.prior.validate()
    assert fit.log_likelihood >= -gps.neg_log_likelihood((1.0, 1.0, 1e5, 1e5, 0.05), n, e)


def _posterior_by_scipy(prior: gps.Prior, n: int, e: float) -> tuple[float, float, float, float]:
    """Qn from the negative-binomial marginals; quantiles with scipy's gamma and brentq."""
    w1 = prior.p * stats.nbinom.pmf(n, prior.alpha1, prior.beta1 / (prior.beta1 + e))
    w2 = (1 - prior.p) * stats.nbinom.pmf(n, prior.alpha2, prior.beta2 / (prior.beta2 + e))
    qn = w1 / (w1 + w2)
    g1 = stats.gamma(prior.alpha1 + n, scale=1 / (prior.beta1 + e))
    g2 = stats.gamma(prior.alpha2 + n, scale=1 / (prior.beta2 + e))
    e_log = qn * g1.expect(np.log) + (1 - qn) * g2.expect(np.log)

    def quantile(prob: float) -> float:
        f = lambda x: qn * g1.cdf(x) + (1 - qn) * g2.cdf(x) - prob  # noqa: E731
        return optimize.brentq(f, 1e-12, 1e6, xtol=1e-14, rtol=1e-13)

    return qn, math.exp(e_log), quantile(0.05), quantile(0.95)


@pytest.mark.parametrize(
    ("n", "e"), [(1, 0.01), (1, 0.8), (2, 0.05), (3, 2.5), (7, 1.3), (40, 3.0), (250, 9.0)]
)
def test_scores_match_closed_form_posterior(n: int, e: float) -> None:
    prior = gps.Prior(0.2, 0.1, 2.0, 4.0, 1 / 3)
    post = gps.score(prior, np.array([n]), np.array([e]))
    qn, ebgm, q05, q95 = _posterior_by_scipy(prior, n, e)
    assert post.qn[0] == pytest.approx(qn, rel=1e-10)
    assert post.ebgm[0] == pytest.approx(ebgm, rel=1e-7)
    assert post.eb05[0] == pytest.approx(q05, rel=1e-8)
    assert post.eb95[0] == pytest.approx(q95, rel=1e-8)


def test_quantiles_are_ordered_around_ebgm() -> None:
    n, e = _simulate(TRUE_PRIOR, 3_000, seed=2)
    post = gps.score(TRUE_PRIOR, n, e)
    assert np.all(post.eb05 < post.ebgm) and np.all(post.ebgm < post.eb95)
