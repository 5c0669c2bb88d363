"""Vectorised views of raw Arrow byte columns: offsets and bytes as numpy arrays, a
column of one repeated value, fixed-width values as byte matrices, and ASCII digits
turned into numbers four or two at a time."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

QUOTE = 0x22


def value_offsets(raw: pa.Array) -> np.ndarray:
    return np.frombuffer(
        raw.buffers()[1], dtype=np.int32, count=len(raw) + 1, offset=raw.offset * 4
    )


def value_bytes(raw: pa.Array) -> np.ndarray:
    data = raw.buffers()[2]
    return np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)


def repeated_value(raw: pa.Array) -> bytes | None:
    """The value, when every row of the column has the same one."""
    n = len(raw)
    offsets = value_offsets(raw)
    width = int(offsets[1] - offsets[0]) if n else 0
    if not n or int(offsets[-1] - offsets[0]) != n * width:
        return None
    if width == 0:
        return b""
    start = int(offsets[0])
    rows = value_bytes(raw)[start : start + n * width].reshape(n, width)
    # a few rows first: most columns differ early
    if not (rows[:: max(1, n // 64)] == rows[0]).all() or not (np.diff(offsets) == width).all():
        return None
    if not (rows == rows[0]).all():
        return None
    return rows[0].tobytes()


def plain_dates(raw: pa.Array) -> pa.Array | None:
    """A column of YYYY-MM-DD dates only, as dates (Arrow's parser takes exactly that
    spelling of ten bytes, and the day must exist); None for anything else."""
    offsets = value_offsets(raw)
    if int(offsets[-1] - offsets[0]) != 10 * len(raw) or not (np.diff(offsets) == 10).all():
        return None
    try:
        return pc.cast(raw.view(pa.string()), pa.date32())
    except pa.ArrowInvalid:
        return None


def fixed_width(raw: pa.Array, width: int) -> tuple[np.ndarray | None, np.ndarray]:
    """Values of exactly ``width`` bytes (quoted: ``width`` + 2) as an n × width byte
    matrix, and which rows had that width (None: all, unquoted); other rows are zeros."""
    n = len(raw)
    offsets = value_offsets(raw)
    start = int(offsets[0])
    if int(offsets[-1]) - start == n * width:
        lengths = np.diff(offsets)
        if (lengths == width).all():
            return None, value_bytes(raw)[start : start + n * width].reshape(n, width)
    else:
        lengths = np.diff(offsets)
    matrix = np.zeros((n, width), dtype=np.uint8)
    plain = lengths == width
    ok = plain.copy()
    for chosen, size in ((plain, width), (lengths == width + 2, width + 2)):
        if not chosen.any():
            continue
        picked = raw.filter(pa.array(chosen))
        first = int(value_offsets(picked)[0])
        rows = value_bytes(picked)[first : first + len(picked) * size].reshape(-1, size)
        if size == width:
            matrix[chosen] = rows
        else:
            good = (rows[:, 0] == QUOTE) & (rows[:, -1] == QUOTE)
            where = np.flatnonzero(chosen)[good]
            matrix[where] = rows[good, 1:-1]
            ok[where] = True
    return ok, matrix


U32 = np.uint32


def digit_quads(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An n × 4k matrix of ASCII digits, four at a time (SWAR on 32-bit words): which
    rows hold anything but digits, and the k four-digit numbers of each row (k × n)."""
    x = np.ascontiguousarray(matrix).view(U32) - U32(0x30303030)
    # a byte below '0' borrows and one above '9' passes 0x7F with 0x76 added: high bit
    flags = (x | (x + U32(0x76767676))) & U32(0x80808080)
    seen = flags[:, 0].copy()
    for j in range(1, flags.shape[1]):
        seen |= flags[:, j]
    x = (x * U32(10) + (x >> U32(8))) & U32(0x00FF00FF)  # two-digit numbers
    x = (x * U32(100) + (x >> U32(16))) & U32(0xFFFF)  # four-digit numbers
    return seen != 0, np.ascontiguousarray(x.T)


def digit_pairs(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Like ``digit_quads`` but two digits at a time: rows with non-digits, 2k × n numbers."""
    x = np.ascontiguousarray(matrix).view(U32) - U32(0x30303030)
    flags = (x | (x + U32(0x76767676))) & U32(0x80808080)
    seen = flags[:, 0].copy()
    for j in range(1, flags.shape[1]):
        seen |= flags[:, j]
    x = (x * U32(10) + (x >> U32(8))) & U32(0x00FF00FF)
    return seen != 0, np.ascontiguousarray(x.view(np.uint16).T)


def matrix_strings(matrix: np.ndarray) -> pa.Array:
    """An n × width byte matrix as Arrow strings (checked ASCII before)."""
    n, width = matrix.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    data = np.ascontiguousarray(matrix)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])
