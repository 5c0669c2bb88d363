"""GPS prior fit: exploration on squashed points, then Newton polishing on the full data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from yaoan.analytics.signals._blas import single_threaded_blas
from yaoan.analytics.signals.gps.likelihood import (
    _nll_and_grad,
    _nll_derivatives,
    log_likelihood_points,
)
from yaoan.analytics.signals.gps.model import (
    DEFAULT_STARTS,
    LOG_ALPHA_BOUNDS,
    LOG_MEAN_BOUNDS,
    LOGIT_P_BOUND,
    SQUASH_ABOVE,
    FloatArray,
    Points,
    Prior,
    PriorFit,
    _from_internal,
    _to_internal,
    compress,
    squash,
)

if TYPE_CHECKING:  # scipy.optimize is imported only when fitting (CLI start-up time)
    from scipy import optimize


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
