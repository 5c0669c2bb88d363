"""Where the columnar pass puts rows: the Parquet part of the accepted rows (written by a
thread while the next block is read) and the rows set aside for the SQL checks (in memory,
then spilled to a file)."""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from yaoan.analytics.trace.ingest_csv.spec import COLUMNS, Irregular
from yaoan.analytics.trace.ingest_csv.values import unquoted
from yaoan.analytics.trace.store import _quote, arrow_schema

ASIDE_IN_MEMORY = 500_000  # rows set aside for the SQL checks kept in memory; then a file


# written as Arrow dictionaries: the Parquet writer keeps each block's dictionary
_DICTIONARY_COLUMNS = ("family", "event", "entity", "counterparty", "batch", "source")
_PARQUET_DICTIONARY = (*_DICTIONARY_COLUMNS, "product", "day", "expiry", "quantity")
_STRING_DICT = pa.dictionary(pa.int32(), pa.string())
# min/max kept where they can skip row groups (times, days, keys, the source file): on
# the parties, events and batches of a block they span every value and cost the writer
_STATISTICS = ("code", "unit", "time", "day", "expiry", "quantity", "source")


def write_schema() -> pa.Schema:
    return pa.schema(
        [
            pa.field(f.name, _STRING_DICT) if f.name in _DICTIONARY_COLUMNS else f
            for f in arrow_schema("events")
        ]
    )


class PartWriter:
    """Parquet row groups written by a thread while the next block is read and checked."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path, self.schema, self.rows = path, schema, 0
        self._queue: queue.Queue[pa.RecordBatch | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        writer = None
        try:
            while (batch := self._queue.get()) is not None:
                if self._error is not None:
                    continue  # drain after an error: the reader must never block
                try:
                    if writer is None:
                        writer = pq.ParquetWriter(
                            self.path,
                            self.schema,
                            compression="snappy",
                            use_dictionary=list(_PARQUET_DICTIONARY),
                            write_statistics=list(_STATISTICS),
                            store_schema=False,
                        )
                    writer.write_batch(batch, row_group_size=batch.num_rows)
                    self.rows += batch.num_rows
                except BaseException as exc:  # handed to the reader at close()
                    self._error = exc
        finally:
            if writer is not None:
                try:
                    writer.close()
                except BaseException as exc:  # the footer could not be written
                    self._error = self._error or exc

    def put(self, batch: pa.RecordBatch) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(batch)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error


class Aside:
    """The rows left to the SQL checks: their record number ``n`` and text as read."""

    def __init__(self, spill: Path) -> None:
        self.spill, self.rows = spill, 0
        self._batches: list[pa.RecordBatch] = []
        self._writer: pq.ParquetWriter | None = None

    def add(self, raw: pa.RecordBatch, rows: np.ndarray, offset: int) -> None:
        taken = raw.take(pa.array(rows))
        arrays = [pa.array(rows + offset + 1, pa.int64())]
        for name in COLUMNS:
            column = unquoted(taken.column(name))
            try:
                arrays.append(column.cast(pa.string()))
            except pa.ArrowInvalid as exc:
                raise Irregular("有的内容不是 UTF-8 编码") from exc
        batch = pa.RecordBatch.from_arrays(arrays, names=["n", *COLUMNS])
        self.rows += batch.num_rows
        if self._writer is None and self.rows > ASIDE_IN_MEMORY:
            self._writer = pq.ParquetWriter(
                self.spill,
                batch.schema,
                compression="none",
                use_dictionary=False,
                write_statistics=False,
                store_schema=False,
            )
            for held in self._batches:
                self._writer.write_batch(held)
            self._batches = []
        if self._writer is not None:
            self._writer.write_batch(batch)
        else:
            self._batches.append(batch)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()

    def source(self, con: Any) -> str:
        if self._writer is not None:
            return f"read_parquet({_quote(str(self.spill))})"
        con.register("csv_aside", pa.Table.from_batches(self._batches))
        return "csv_aside"
