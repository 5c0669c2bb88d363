"""PRR, chi-squared, ROR and IC against hand-computed 2x2 tables."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from yaoan.analytics.signals.measures import compute_measures

# One pair: a = 10 reports with drug and event, n_drug = 30, n_event = 40, n_total = 1000,
# so b = 20, c = 30, d = 940 and E = 30 * 40 / 1000 = 1.2.
A, B, C, D = 10, 20, 30, 940


def _one(n=A, n_drug=A + B, n_event=A + C, n_total=A + B + C + D, e=None):
    e = (n_drug * n_event / n_total) if e is None else e
    return compute_measures(
        np.array([n]), np.array([e], dtype=float), np.array([n_drug]), np.array([n_event]), n_total
    )


def test_rr_and_prr_by_hand() -> None:
    m = _one()
    assert m.rr[0] == pytest.approx(10 / 1.2)
    assert m.prr[0] == pytest.approx((10 / 30) / (30 / 970))


def test_prr_chi2_is_yates_corrected() -> None:
    m = _one()
    by_hand = 1000 * (abs(10 * 940 - 20 * 30) - 1000 / 2) ** 2 / (30 * 970 * 40 * 960)
    assert m.prr_chi2[0] == pytest.approx(by_hand, rel=1e-12)
    chi2, _, _, _ = stats.chi2_contingency([[A, B], [C, D]], correction=True)
    assert m.prr_chi2[0] == pytest.approx(chi2, rel=1e-12)


def test_ror_and_its_confidence_interval_by_hand() -> None:
    m = _one()
    ror = (10 * 940) / (20 * 30)
    se = math.sqrt(1 / 10 + 1 / 20 + 1 / 30 + 1 / 940)
    assert m.ror[0] == pytest.approx(ror)
    assert m.ror025[0] == pytest.approx(math.exp(math.log(ror) - 1.959963984540054 * se))
    assert m.ror975[0] == pytest.approx(math.exp(math.log(ror) + 1.959963984540054 * se))


def test_information_component_closed_form() -> None:
    m = _one()
    ic = math.log2((10 + 0.5) / (1.2 + 0.5))
    assert m.ic[0] == pytest.approx(ic)
    assert m.ic025[0] == pytest.approx(ic - 3.3 / math.sqrt(10.5) - 2 / 10.5**1.5)


def test_ic_uses_the_given_stratified_e() -> None:
    m = _one(e=2.0)
    assert m.ic[0] == pytest.approx(math.log2(10.5 / 2.5))
    assert m.rr[0] == pytest.approx(5.0)


def test_event_only_with_this_drug_gives_infinite_prr_and_ror() -> None:
    # c = 0: the event is never reported without the drug
    m = _one(n=5, n_drug=20, n_event=5, n_total=100)
    assert m.prr[0] == math.inf
    assert m.ror[0] == math.inf
    assert math.isnan(m.ror025[0]) and math.isnan(m.ror975[0])
    # chi2 is still defined: margins are all positive
    by_hand = 100 * (abs(5 * 80 - 15 * 0) - 50) ** 2 / (20 * 80 * 5 * 95)
    assert m.prr_chi2[0] == pytest.approx(by_hand)


def test_openebgm_prr_hand_values() -> None:
    # openEBGM testA_Counts.R `hand$PRR` (rounded to 4 places) for dat2's pairs
    n = np.array([1, 1, 1, 2, 3, 1, 1])
    n_drug = np.array([3, 3, 3, 5, 5, 2, 2])
    n_event = np.array([2, 3, 5, 3, 5, 2, 5])
    m = compute_measures(n, n_drug * n_event / 10, n_drug, n_event, 10)
    assert np.round(m.prr, 4).tolist() == [2.3333, 1.1667, 0.5833, 2.0, 1.5, 4.0, 1.0]
