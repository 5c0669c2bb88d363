"""Signal detection over adverse-reaction reports: PRR, ROR, BCPNN/IC and GPS/EBGM.

Counting runs on DuckDB (``counting``) or Spark (``spark``); the fit and the scores are
vectorised NumPy/SciPy over the pair table (``gps``, ``measures``, ``scoring``). The
command line is ``yaoan signals compute`` (``cli``); docs/signals.md has the method.
"""

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
