"""Frequentist and BCPNN disproportionality measures on each pair's 2x2 table.

For a drug-event pair, over distinct reports (unstratified, as openEBGM's PRR):

                      event        other events
    drug              a = N        b = n_drug - N
    other drugs       c = n_event - N   d = n_total - n_drug - n_event + N

- RR = N / E (relative reporting ratio; DuMouchel 1999), E possibly stratified.
- PRR = [a / (a + b)] / [c / (c + d)] (Evans, Waller & Davis 2001). As openEBGM's
  ``processRaw``, a zero denominator (c = 0) gives +inf, and 0/0 also gives +inf.
- PRR_chi2: Pearson's chi-squared of the 2x2 table with Yates' continuity correction,
  n (max(0, |ad - bc| - n/2))^2 / ((a+b)(c+d)(a+c)(b+d)), the statistic of Evans et al.
  (2001) and the MHRA's signal criterion (PRR >= 2, chi2 >= 4, N >= 3). NaN when a
  margin is zero.
- ROR = (a d) / (b c) with the 95 % interval exp(ln ROR +/- 1.96 sqrt(1/a+1/b+1/c+1/d))
  (Rothman, Lanes & Sacks 2004; van Puijenbroek et al. 2002). No continuity correction:
  ROR is +inf when b c = 0 < a d, and the interval is NaN when any cell is zero.
- IC = log2((N + 0.5) / (E + 0.5)) and its lower 95 % credibility bound
  IC025 = IC - 3.3 (N + 0.5)^(-1/2) - 2 (N + 0.5)^(-3/2), the closed-form BCPNN
  information component with +0.5 shrinkage (Norén, Hopstadius & Bate 2013, Stat Methods
  Med Res 22(1):57-69; Bate et al. 1998).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
Z_975 = 1.959963984540054  # standard normal 97.5 % quantile


@dataclass(frozen=True)
class Measures:
    rr: FloatArray
    prr: FloatArray
    prr_chi2: FloatArray
    ror: FloatArray
    ror025: FloatArray
    ror975: FloatArray
    ic: FloatArray
    ic025: FloatArray


def two_by_two(
    n: NDArray[np.integer], n_drug: NDArray[np.integer], n_event: NDArray[np.integer], n_total: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Cells a, b, c, d of each pair's 2x2 table, as floats."""
    a = np.asarray(n, dtype=np.float64)
    b = np.asarray(n_drug, dtype=np.float64) - a
    c = np.asarray(n_event, dtype=np.float64) - a
    d = float(n_total) - np.asarray(n_drug, dtype=np.float64) - c
    return a, b, c, d


def prr(a: FloatArray, b: FloatArray, c: FloatArray, d: FloatArray) -> FloatArray:
    """Proportional reporting ratio; +inf where openEBGM gives Inf (c = 0 or 0/0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (a / (a + b)) / (c / (c + d))
    return np.where(np.isnan(value), np.inf, value)


def chi2_yates(a: FloatArray, b: FloatArray, c: FloatArray, d: FloatArray) -> FloatArray:
    """Yates-corrected Pearson chi-squared (1 df) of each 2x2 table."""
    n = a + b + c + d
    diff = np.maximum(np.abs(a * d - b * c) - n / 2.0, 0.0)
    denominator = (a + b) * (c + d) * (a + c) * (b + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = n * diff * diff / denominator
    return np.where(denominator > 0, value, np.nan)


def ror(
    a: FloatArray, b: FloatArray, c: FloatArray, d: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Reporting odds ratio with its 95 % Wald (Woolf) confidence interval."""
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (a * d) / (b * c)
        se = np.sqrt(1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d)
        lower = np.exp(np.log(value) - Z_975 * se)
        upper = np.exp(np.log(value) + Z_975 * se)
    any_zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    return value, np.where(any_zero, np.nan, lower), np.where(any_zero, np.nan, upper)


def information_component(n: FloatArray, e: FloatArray) -> tuple[FloatArray, FloatArray]:
    """IC and IC025, closed form with +0.5 shrinkage (Norén et al. 2013)."""
    shrunk = n + 0.5
    ic = np.log2(shrunk / (e + 0.5))
    ic025 = ic - 3.3 * shrunk**-0.5 - 2.0 * shrunk**-1.5
    return ic, ic025


def compute_measures(
    n: NDArray[np.integer],
    e: FloatArray,
    n_drug: NDArray[np.integer],
    n_event: NDArray[np.integer],
    n_total: int,
) -> Measures:
    """All frequentist and BCPNN measures for every pair (vectorised)."""
    a, b, c, d = two_by_two(n, n_drug, n_event, n_total)
    ror_value, ror_lower, ror_upper = ror(a, b, c, d)
    ic, ic025 = information_component(a, np.asarray(e, dtype=np.float64))
    return Measures(
        rr=a / np.asarray(e, dtype=np.float64),
        prr=prr(a, b, c, d),
        prr_chi2=chi2_yates(a, b, c, d),
        ror=ror_value,
        ror025=ror_lower,
        ror975=ror_upper,
        ic=ic,
        ic025=ic025,
    )
