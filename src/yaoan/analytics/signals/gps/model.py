"""GPS data types, bounds and starting points, point compression, internal parameters."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special

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
