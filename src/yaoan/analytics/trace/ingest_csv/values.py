"""The verdict on each distinct value of a column, judged once in Python and cached across
blocks: accepted as is (the SQL checks would accept it unchanged) and the value written."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yaoan.analytics.trace import codes
from yaoan.analytics.trace.ingest_csv.spec import EVENTS, Irregular
from yaoan.analytics.trace.ingest_csv.vectors import (
    QUOTE,
    repeated_value,
    value_bytes,
    value_offsets,
)

# DuckDB's trim() strips the Unicode space separators (category Zs), nothing else
SPACES = "".join(c for c in map(chr, range(0x110000)) if unicodedata.category(c) == "Zs")
_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_QUANTITY = re.compile(r"^[0-9]{1,15}(\.[0-9]{1,15})?$")
_USCC_CHARS = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")


def unquoted(column: pa.Array) -> pa.Array:
    """Quoted values as DuckDB's reader gives them; Irregular for a quote out of place."""
    offsets = value_offsets(column)
    if not (value_bytes(column)[offsets[0] : offsets[-1]] == QUOTE).any():
        return column
    return pa.array([_unquote(v) for v in column.to_pylist()], pa.binary())


def _unquote(raw: bytes) -> bytes:
    if b'"' not in raw:
        return raw
    inner = raw[1:-1]
    if len(raw) < 2 or raw[0] != QUOTE or raw[-1] != QUOTE or b'"' in inner.replace(b'""', b""):
        raise Irregular("有的引号位置不规范")
    return inner.replace(b'""', b'"')


def _text(raw: bytes) -> str:
    """A value unquoted and decoded as DuckDB's reader gives it."""
    try:
        return _unquote(raw).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Irregular("有的内容不是 UTF-8 编码") from exc


# verdicts on one distinct value of a column: (accepted as is, value written)
def event_verdict(raw: bytes) -> tuple[bool, str | None]:
    text = _text(raw).strip(SPACES)
    event = text.lower() if text.isascii() else None
    return event in EVENTS, event


def party_verdict(raw: bytes) -> tuple[bool, str | None]:
    """An entity: the upper-case code when it is a valid USCC."""
    text = _text(raw).strip(SPACES)
    party = text.upper() if text.isascii() else ""
    ok = len(party) == 18 and _USCC_CHARS.issuperset(party) and not codes.uscc_problem(party)
    return ok, party if ok else None


def counterparty_verdict(raw: bytes) -> tuple[bool, str | None]:
    """None (and accepted) when empty."""
    if not _text(raw).strip(SPACES):
        return True, None
    return party_verdict(raw)


def free_text_verdict(raw: bytes) -> tuple[bool, str | None]:
    """Product, batch: trimmed, None when empty."""
    return True, _text(raw).strip(SPACES) or None


def expiry_verdict(raw: bytes) -> tuple[bool, int | None]:
    """Days since 1970 of a plain YYYY-MM-DD date (DuckDB reads it the same), None when
    empty; any other spelling is left to the SQL checks."""
    text = _text(raw).strip(SPACES)
    if not text:
        return True, None
    match = _DATE.match(text)
    if not match:
        return False, None
    try:
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return False, None
    return True, (day - dt.date(1970, 1, 1)).days


def quantity_verdict(raw: bytes) -> tuple[bool, float | None]:
    text = _text(raw).strip(SPACES) or "1"
    if not _QUANTITY.match(text):
        return False, None
    value = float(text)
    return value > 0 and math.isfinite(value), value


class Column:
    """One column of a block as indices into its distinct values, with the verdict on
    each distinct value (cached across blocks). A column of one repeated value (often
    quantity, product) skips the hashing."""

    def __init__(
        self,
        raw: pa.Array,
        judge: Callable[[bytes], tuple[bool, Any]],
        cache: dict[bytes, tuple[bool, Any]],
    ) -> None:
        n = len(raw)
        same = repeated_value(raw)
        if same is not None:
            distinct = [same]
            self.indices = pa.array(np.zeros(n, dtype=np.int32))
        else:
            encoded = pc.dictionary_encode(raw)
            distinct = encoded.dictionary.to_pylist()
            self.indices = encoded.indices
        self.index = np.frombuffer(
            self.indices.buffers()[1], dtype=np.int32, count=n, offset=self.indices.offset * 4
        )
        if len(cache) > 1_000_000:
            cache.clear()
        verdicts = []
        for value in distinct:
            verdict = cache.get(value)
            if verdict is None:
                verdict = cache[value] = judge(value)
            verdicts.append(verdict)
        self.values = [v for _ok, v in verdicts]
        self.ok = np.array([ok for ok, _v in verdicts], dtype=bool)
        self.none = np.array([v is None for v in self.values], dtype=bool)

    def ok_rows(self) -> np.ndarray | None:
        """Which rows have an accepted value (None: all)."""
        return None if self.ok.all() else self.ok[self.index]

    def none_rows(self) -> np.ndarray | None:
        """Which rows are written as NULL (None: none)."""
        return self.none[self.index] if self.none.any() else None

    def dictionary(self) -> pa.Array:
        """Arrow dictionary array of the written values (NULL where the value is None)."""
        dictionary = pa.array([v if v is not None else "" for v in self.values], pa.string())
        nulls = self.none_rows()
        indices = self.indices if nulls is None else pa.array(self.index, mask=nulls)
        return pa.DictionaryArray.from_arrays(indices, dictionary)

    def numbers(self, kind: type, arrow_type: pa.DataType) -> pa.Array:
        values: np.ndarray = np.array([v if v is not None else 0 for v in self.values], kind)
        return pa.array(values[self.index], arrow_type, mask=self.none_rows())
