"""Signal detection over adverse-reaction reports: PRR, ROR, BCPNN/IC and GPS/EBGM.

Counting runs on DuckDB (``counting``) or Spark (``spark``); the fit and the scores are
vectorised NumPy/SciPy over the pair table (``gps``, ``measures``, ``scoring``). The
command line is ``yaoan signals compute`` (``cli``); docs/signals.md has the method.

The names below are imported on first use (PEP 562), so that ``yaoan signals`` starts
without loading SciPy, DuckDB or Arrow before it needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from yaoan.analytics.signals.counting import (
        Columns,
        InputError,
        PairCounts,
        count_file,
        count_table,
    )
    from yaoan.analytics.signals.gps import (
        Posterior,
        Prior,
        PriorFit,
        fit_prior,
        neg_log_likelihood,
        score,
    )
    from yaoan.analytics.signals.measures import Measures, compute_measures
    from yaoan.analytics.signals.scoring import OUTPUT_COLUMNS, SignalResult, compute_signals

_EXPORTS = {
    "OUTPUT_COLUMNS": "scoring",
    "Columns": "counting",
    "InputError": "counting",
    "Measures": "measures",
    "PairCounts": "counting",
    "Posterior": "gps",
    "Prior": "gps",
    "PriorFit": "gps",
    "SignalResult": "scoring",
    "compute_measures": "measures",
    "compute_signals": "scoring",
    "count_file": "counting",
    "count_table": "counting",
    "fit_prior": "gps",
    "neg_log_likelihood": "gps",
    "score": "gps",
}

__all__ = [
    "OUTPUT_COLUMNS",
    "Columns",
    "InputError",
    "Measures",
    "PairCounts",
    "Posterior",
    "Prior",
    "PriorFit",
    "SignalResult",
    "compute_measures",
    "compute_signals",
    "count_file",
    "count_table",
    "fit_prior",
    "neg_log_likelihood",
    "score",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
