"""The vectorised checks on one block of raw CSV bytes: 20-digit drug codes and plain ISO
8601 times tested as byte matrices, the other columns by the verdict on each distinct
value. Accepts only rows the SQL checks (``sql_checks``) would accept unchanged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yaoan.analytics.trace import units
from yaoan.analytics.trace.ingest_csv.spec import COLUMNS, NEEDS_COUNTERPARTY, latest_time
from yaoan.analytics.trace.ingest_csv.values import (
    Column,
    counterparty_verdict,
    event_verdict,
    expiry_verdict,
    free_text_verdict,
    party_verdict,
    quantity_verdict,
)
from yaoan.analytics.trace.ingest_csv.vectors import (
    U32,
    digit_pairs,
    digit_quads,
    fixed_width,
    matrix_strings,
    plain_dates,
    value_offsets,
)
from yaoan.analytics.trace.ingest_csv.writers import write_schema


def _month_tables() -> tuple[np.ndarray, np.ndarray]:
    """Days since 1970 of the first day, and length, of each month from FIRST_YEAR on."""
    starts, lengths = [], []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for month in range(1, 13):
            first = dt.date(year, month, 1)
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            starts.append((first - dt.date(1970, 1, 1)).days)
            lengths.append((following - first).days)
    return np.array(starts, dtype=np.int64), np.array(lengths, dtype=np.int64)


# Asia/Shanghai is UTC+8 all year since its last summer time (1991): earlier times, and
# later than any plausible one, take the SQL checks
FIRST_YEAR, LAST_YEAR = 1992, 2199
SHANGHAI = 8 * 3600
_MONTH_START, _MONTH_LENGTH = _month_tables()
_FIRST_SECOND = int(_MONTH_START[0]) * 86400
_LAST_SECOND = int(_MONTH_START[-1] + _MONTH_LENGTH[-1]) * 86400
# the digits of YYYY-MM-DDThh:mm:ss, two '0' after them to fill four 32-bit words
_TIME_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
_UNIT_SHIFT = np.uint64((8 * 10**19 + units.DRUG20_OFFSET) % 2**64)


class Block:
    """The vectorised checks on one block of raw CSV bytes."""

    def __init__(self, digest: str, now: dt.datetime, registered: np.ndarray | None) -> None:
        self.digest = digest
        self.registered = registered
        self.latest = int(latest_time(now).timestamp())
        self.caches: dict[str, dict[bytes, tuple[bool, Any]]] = {c: {} for c in COLUMNS}
        self.schema = write_schema()

    def check(self, raw: pa.RecordBatch) -> tuple[pa.RecordBatch | None, np.ndarray]:
        """The accepted rows as a batch of the events schema, and the others' positions."""
        n = raw.num_rows
        if n == 0:
            return None, np.zeros(0, dtype=np.int64)
        ok = np.ones(n, dtype=bool)
        code, unit, identifier = self._codes(raw.column("code"), ok)
        micros, day = self._times(raw.column("time"), ok)
        checks = [
            ("event", event_verdict),
            ("entity", party_verdict),
            ("counterparty", counterparty_verdict),
            ("product", free_text_verdict),
            ("batch", free_text_verdict),
            ("quantity", quantity_verdict),
        ]
        expiry = plain_dates(raw.column("expiry"))
        if expiry is None:
            checks.append(("expiry", expiry_verdict))
        judged = {
            name: Column(raw.column(name), judge, self.caches[name]) for name, judge in checks
        }
        if expiry is None:
            expiry = judged["expiry"].numbers(np.int32, pa.int32()).view(pa.date32())
        for column in judged.values():
            rows = column.ok_rows()
            if rows is not None:
                ok &= rows
        event, counterparty = judged["event"], judged["counterparty"]
        missing = counterparty.none_rows()
        if missing is not None:
            needs = np.array([v in NEEDS_COUNTERPARTY for v in event.values], dtype=bool)
            ok &= ~(needs[event.index] & missing)
        product = judged["product"]
        if product.none.all():
            product_out = identifier
        else:
            named = pa.array([v or "" for v in product.values], pa.string()).take(product.indices)
            product_out = pc.if_else(pa.array(product.none[product.index]), identifier, named)
        constant = pa.array(np.zeros(n, dtype=np.int32))
        arrays = {
            "code": code,
            "unit": pa.array(unit, pa.int64()),
            "family": pa.DictionaryArray.from_arrays(constant, pa.array(["drug20"])),
            "event": event.dictionary(),
            "time": pa.array(micros, pa.int64()).view(pa.timestamp("us", tz="UTC")),
            "day": pa.array(day, pa.int32()).view(pa.date32()),
            "entity": judged["entity"].dictionary(),
            "counterparty": counterparty.dictionary(),
            "product": product_out,
            "batch": judged["batch"].dictionary(),
            "expiry": expiry,
            "quantity": judged["quantity"].numbers(np.float64, pa.float64()),
            "event_id": pa.nulls(n, pa.string()),
            "via": pa.nulls(n, pa.string()),
            "source": pa.DictionaryArray.from_arrays(constant, pa.array([self.digest])),
        }
        batch = pa.RecordBatch.from_arrays(
            [arrays[f.name] for f in self.schema], schema=self.schema
        )
        if ok.all():
            return batch, np.zeros(0, dtype=np.int64)
        rest = np.flatnonzero(~ok)
        if len(rest) == n:
            return None, rest
        return batch.filter(pa.array(ok)), rest

    def _codes(self, raw: pa.Array, ok: np.ndarray) -> tuple[pa.Array, np.ndarray, pa.Array]:
        """20-digit drug codes (``ok`` cleared for the others): the code, its unit key and
        its product identifier."""
        fits, m = fixed_width(raw, 20)
        if fits is None:
            try:  # Arrow's integer parser: only digits, and the whole of each value
                tail = pc.cast(pc.binary_slice(raw, 1, 20).view(pa.string()), pa.uint64())
            except pa.ArrowInvalid:
                pass
            else:
                value = tail.to_numpy()
                ok &= m[:, 0] == ord("8")
                if self.registered is not None:
                    identifier = value // np.uint64(10**13) + np.uint64(8_000_000)
                    ok &= self.registered[np.where(ok, identifier, 0)]
                unit = (value - np.uint64(units.DRUG20_OFFSET)).view(np.int64)
                return raw.view(pa.string()), unit, matrix_strings(m[:, :7])
        bad, quads = digit_quads(m)
        ok &= ~bad & (m[:, 0] == ord("8"))
        if fits is not None:
            ok &= fits
        # the 20 digits modulo 2^64, less 8·10^19 and the offset: the key of the last 19
        value = quads[0].astype(np.uint64)
        for quad in quads[1:]:
            value = value * np.uint64(10000) + quad
        unit = (value - _UNIT_SHIFT).view(np.int64)
        if self.registered is not None:
            identifier = quads[0] * U32(1000) + quads[1] // U32(10)
            ok &= self.registered[np.where(ok, identifier, 0)]
        # the bytes as they are when every value had 20 bytes (rows not accepted are
        # dropped before anything reads them)
        code = raw.view(pa.string()) if fits is None else matrix_strings(m)
        return code, unit, matrix_strings(m[:, :7])

    def _times(self, raw: pa.Array, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """YYYY-MM-DDThh:mm:ss (or a space for T) with no zone (Asia/Shanghai), Z or
        ±hh:mm (``ok`` cleared for other times): UTC microseconds, the day in Shanghai."""
        n = len(raw)
        lengths = np.diff(value_offsets(raw))
        if (lengths == 19).all():
            m = fixed_width(raw, 19)[1]
            try:  # Arrow's ISO 8601 parser: with 19 bytes, only YYYY-MM-DD[T ]hh:mm:ss
                wall = pc.cast(raw.view(pa.string()), pa.timestamp("s"))
            except pa.ArrowInvalid:
                fits, seconds, day = self._wall(m)
            else:
                local = wall.view(pa.int64()).to_numpy()
                fits = (m[:, 10] == ord("T")) | (m[:, 10] == ord(" "))
                fits &= (local >= _FIRST_SECOND) & (local < _LAST_SECOND)
                seconds = local - SHANGHAI
                day = (local // 86400).astype(np.int32)
            ok &= fits & (seconds <= self.latest)
            return seconds * 1_000_000, day
        accepted = np.zeros(n, dtype=bool)
        seconds = np.zeros(n, dtype=np.int64)
        present = set(np.unique(lengths).tolist())
        for width in (19, 20, 25):
            if not present & {width, width + 2}:
                continue
            shape, m = fixed_width(raw, width)
            fits, local, _day = self._wall(m)
            if shape is not None:
                fits &= shape
            if width == 19:
                utc = local
            elif width == 20:
                fits &= m[:, 19] == ord("Z")
                utc = local + SHANGHAI
            else:
                sign = np.where(m[:, 19] == ord("-"), -1, 1)
                fits &= ((m[:, 19] == ord("+")) | (m[:, 19] == ord("-"))) & (m[:, 22] == ord(":"))
                bad, zone = digit_pairs(np.concatenate([m[:, 20:22], m[:, 23:25]], axis=1))
                hours, minutes = zone[0].astype(np.int64), zone[1].astype(np.int64)
                fits &= ~bad & (hours <= 14) & (minutes < 60)
                utc = local + SHANGHAI - sign * (hours * 3600 + minutes * 60)
            fits &= ~accepted & (utc <= self.latest)
            seconds[fits] = utc[fits]
            accepted |= fits
        ok &= accepted
        return seconds * 1_000_000, ((seconds + SHANGHAI) // 86400).astype(np.int32)

    @staticmethod
    def _wall(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The first 19 bytes as a wall time in Asia/Shanghai: whether it is a real one,
        its UTC seconds, its day."""
        n = len(m)
        digits = np.empty((n, 16), dtype=np.uint8)
        digits[:, :14] = m[:, _TIME_DIGITS]
        digits[:, 14:] = ord("0")
        bad, pairs = digit_pairs(digits)
        fits = ~bad & (m[:, 4] == ord("-")) & (m[:, 7] == ord("-"))
        fits &= (m[:, 10] == ord("T")) | (m[:, 10] == ord(" "))
        fits &= (m[:, 13] == ord(":")) & (m[:, 16] == ord(":"))
        year = pairs[0].astype(np.int64) * 100 + pairs[1]
        month = pairs[2].astype(np.int64)
        mday = pairs[3].astype(np.int64)
        fits &= (year >= FIRST_YEAR) & (year <= LAST_YEAR) & (month >= 1) & (month <= 12)
        index = np.where(fits, (year - FIRST_YEAR) * 12 + month - 1, 0)
        fits &= (mday >= 1) & (mday <= _MONTH_LENGTH[index])
        fits &= (pairs[4] < 24) & (pairs[5] < 60) & (pairs[6] < 60)
        days = _MONTH_START[index] + mday - 1
        seconds = (
            days * 86400
            + pairs[4].astype(np.int64) * 3600
            + pairs[5].astype(np.int64) * 60
            + pairs[6]
            - SHANGHAI
        )
        return fits, seconds, days.astype(np.int32)
