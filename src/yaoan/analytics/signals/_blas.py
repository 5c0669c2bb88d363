"""Single-threaded OpenBLAS around the prior fit.

The fit calls BLAS on tiny problems (L-BFGS-B's 5-parameter updates, dot products of a
few hundred thousand numbers) many times. Multi-threaded OpenBLAS wakes its thread pool
for each of those calls, which costs milliseconds per call, far more than the work, and
much more on a busy machine (measured: 1.5 s of a 1.8 s fit on 2 cores under load). The
fit does its own threading (two halves of the points), so BLAS runs on one thread while
fitting and its previous setting is restored afterwards.

The OpenBLAS libraries loaded in the process (NumPy's and SciPy's bundled copies and any
system one) are found in /proc/self/maps; elsewhere this is a no-op.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_SET_NAMES = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)
_LOCK = threading.Lock()
_DEPTH = 0
_SAVED: list[tuple[Any, int]] = []


def _openblas_libraries() -> list[tuple[Any, Any]]:
    """(set_num_threads, get_num_threads) for every OpenBLAS loaded in this process."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as fh:
            paths = {line.split()[-1] for line in fh if "openblas" in line.lower()}
    except OSError:
        return []
    found = []
    for path in sorted(paths):
        if not path.startswith("/"):
            continue
        try:
            lib = ctypes.CDLL(path, mode=ctypes.RTLD_LOCAL)
        except OSError:
            continue
        for set_name in _SET_NAMES:
            get_name = set_name.replace("set_num_threads", "get_num_threads")
            setter = getattr(lib, set_name, None)
            getter = getattr(lib, get_name, None)
            if setter is not None and getter is not None:
                getter.restype = ctypes.c_int
                found.append((setter, getter))
                break
    return found


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Run the block with every loaded OpenBLAS on one thread (re-entrant)."""
    global _DEPTH
    with _LOCK:
        if _DEPTH == 0:
            _SAVED.clear()
            for setter, getter in _openblas_libraries():
                previous = int(getter())
                setter(ctypes.c_int(1))
                _SAVED.append((setter, previous))
        _DEPTH += 1
    try:
        yield
    finally:
        with _LOCK:
            _DEPTH -= 1
            if _DEPTH == 0:
                for setter, previous in _SAVED:
                    setter(ctypes.c_int(previous))
                _SAVED.clear()
