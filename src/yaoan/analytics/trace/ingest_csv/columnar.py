"""The columnar pass: one read of the file in blocks of raw bytes (Arrow's CSV reader on a
memory map, a block parsed ahead by a thread), each checked by ``Block``; the accepted
rows go straight to the Parquet part, the rest through the SQL checks. ``Irregular`` when
the file must be read by DuckDB's reader instead (mixed line ends, a long line, a quote
out of place, a wrong column count, bytes that are not UTF-8)."""

from __future__ import annotations

import contextlib
import mmap
import queue
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from yaoan.analytics.trace.ingest_csv.block import Block
from yaoan.analytics.trace.ingest_csv.spec import COLUMNS, Irregular, Job
from yaoan.analytics.trace.ingest_csv.sql_checks import checked_load
from yaoan.analytics.trace.ingest_csv.vectors import value_offsets
from yaoan.analytics.trace.ingest_csv.writers import Aside, PartWriter, write_schema

BLOCK_BYTES = 16 << 20  # one block of the file = one Arrow batch = one Parquet row group


MOSTLY_ASIDE = 0.5  # share of the first block's rows set aside beyond which DuckDB reads
PROGRESS_SECONDS = 3.0
LONGEST_LINE = 2_000_000  # DuckDB's reader refuses lines over 2 MiB (max_line_size)


def load_columnar(job: Job) -> tuple[int, int, Path | None, list[tuple[Path, int]]]:
    """One pass: the rows the vectorised checks accept go to ``job.part``; the rest, with
    their record numbers, through the SQL checks. Irregular when DuckDB must read the file."""
    con, txn, digest = job.con, job.txn, job.digest
    if sorted(job.names) != sorted(COLUMNS):
        raise Irregular("表头列名重复")
    line_ends = Background(_line_end_problem, job.path)
    block = Block(digest, job.now, _registered_products(con) if job.check_products else None)
    aside = Aside(txn.tmp / f"{digest}-aside.parquet")
    writer = PartWriter(job.part, write_schema())
    total, last_report = 0, time.monotonic()
    job.progress("逐块读取、校验并写入…")
    reader = ReadAhead(raw_blocks(job.path, job.names))
    try:
        for raw in reader:
            if _longest_line(raw) > LONGEST_LINE:
                raise Irregular("有的行过长")
            good, rest = block.check(raw)
            if not total and len(rest) > MOSTLY_ASIDE * raw.num_rows:
                # the SQL checks will do most of the work anyway: cheaper on DuckDB's reader
                raise Irregular("多数行需逐条校验")
            if good is not None:
                writer.put(good)
            if len(rest):
                aside.add(raw, rest, total)
            total += raw.num_rows
            if time.monotonic() - last_report >= PROGRESS_SECONDS:
                job.progress(f"已校验 {total:,} 行…")
                last_report = time.monotonic()
    finally:
        reader.stop()
        writer.close()
        aside.close()
    problem = line_ends.result()
    if problem:
        raise Irregular(problem)
    parts = [(job.part, writer.rows)]
    rejected, reject_file, written = 0, None, writer.rows
    if aside.rows:
        job.progress(f"共 {total:,} 行，另有 {aside.rows:,} 行逐条校验…")
        rest_part = txn.part_path("events", f"{digest}-1.parquet")
        src = aside.source(con)
        more, rejected, reject_file = checked_load(
            job, src, "n", rest_part, lambda _m: None, malformed_lines=False
        )
        parts.append((rest_part, more))
        written += more
    return written, rejected, reject_file, parts


def raw_blocks(path: Path, names: list[str]) -> Iterator[pa.RecordBatch]:
    """The file's records as batches of raw bytes per column, in file order. Quotes are
    left in place (``Block`` and ``Aside`` take them off, or call the file irregular):
    Arrow's reader and DuckDB's disagree on quotes out of place.

    The reader reads a memory map of the file (from a path, Arrow copies the file through
    a read-ahead thread that cost as much CPU as the parsing); the pages behind it are
    let go as it advances, so they do not pile up in the process's resident memory."""
    with path.open("rb") as fh:
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        mapped.madvise(mmap.MADV_SEQUENTIAL)
        source = pa.BufferReader(pa.py_buffer(mapped))
        try:
            reader = pa_csv.open_csv(
                source,
                read_options=pa_csv.ReadOptions(
                    block_size=BLOCK_BYTES, skip_rows=1, column_names=names, use_threads=False
                ),
                parse_options=pa_csv.ParseOptions(
                    delimiter=",",
                    quote_char=False,
                    newlines_in_values=False,
                    ignore_empty_lines=True,
                ),
                convert_options=pa_csv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.binary()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            done, released = 0, 0
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                # at least this many bytes of the file are behind the reader now
                done += batch.num_rows * len(names) + sum(
                    int(a.buffers()[2].size) if a.buffers()[2] is not None else 0
                    for a in batch.columns
                )
                upto = (done - BLOCK_BYTES) // mmap.PAGESIZE * mmap.PAGESIZE
                if upto > released:
                    mapped.madvise(mmap.MADV_DONTNEED, released, upto - released)
                    released = upto
                yield batch
        except pa.ArrowInvalid as exc:  # a line with another number of columns
            raise Irregular("有的行列数不对") from exc
        finally:
            # the map closes only when nothing of Arrow's points into it any more (else
            # it closes when the last of them goes)
            reader = source = None
            with contextlib.suppress(BufferError):
                mapped.close()


def _longest_line(raw: pa.RecordBatch) -> int:
    """Bytes in the longest record of the block, separators included."""
    if not raw.num_rows:
        return 0
    ends = sum(value_offsets(column).astype(np.int64) for column in raw.columns)
    return int(np.diff(ends).max()) + raw.num_columns


def _registered_products(con: Any) -> np.ndarray:
    """A table over the 10^7 seven-digit product identifiers: registered or not. A NULL
    key makes ``NOT IN`` never true in SQL: then every identifier counts as registered."""
    keys, has_null = con.execute(
        "SELECT list(product_key) FILTER (WHERE regexp_full_match(product_key, '[0-9]{7}')), "
        "bool_or(product_key IS NULL) FROM products"
    ).fetchall()[0]
    if has_null:
        return np.ones(10**7, dtype=bool)
    table = np.zeros(10**7, dtype=bool)
    table[np.array([int(k) for k in keys or []], dtype=np.int64)] = True
    return table


class ReadAhead:
    """The next blocks parsed by a thread (Arrow's reader parses in the caller's thread)
    while this one checks the current block."""

    _END = object()

    def __init__(self, blocks: Iterator[pa.RecordBatch], depth: int = 2) -> None:
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(blocks,), daemon=True)
        self._thread.start()

    def _run(self, blocks: Iterator[pa.RecordBatch]) -> None:
        try:
            for block in blocks:
                if not self._put(block):
                    return
            self._put(self._END)
        except BaseException as exc:  # handed to the reader
            self._put(exc)

    def _put(self, item: Any) -> bool:
        while not self._stopped.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        while (item := self._queue.get()) is not self._END:
            if isinstance(item, BaseException):
                raise item
            yield item

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()


class Background:
    """``fn(*args)`` in a thread; ``result()`` waits for it and re-raises its error."""

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self._value: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn, args), daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            self._value = fn(*args)
        except BaseException as exc:  # handed to the caller
            self._error = exc

    def result(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


def _line_end_problem(path: Path) -> str | None:
    """DuckDB's reader takes one kind of line end per file: CRLF when the header ends so,
    else LF with no CR anywhere. Arrow's takes any mix; such a file is DuckDB's to judge.
    Read from a memory map, the pages let go once looked at (as in ``raw_blocks``)."""
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        first = mapped.find(b"\n")
        crlf = first >= 1 and mapped[first - 1] == 0x0D
        regular = _crlf_only(mapped) if crlf else _no_cr(mapped)
    return None if regular else "文件中混用了不同的换行符"


_CHUNK = 1 << 24  # a multiple of the page size


def _no_cr(mapped: mmap.mmap) -> bool:
    for start in range(0, len(mapped), _CHUNK):
        if mapped.find(b"\r", start, start + _CHUNK) >= 0:
            return False
        mapped.madvise(mmap.MADV_DONTNEED, start, min(_CHUNK, len(mapped) - start))
    return True


def _crlf_only(mapped: mmap.mmap) -> bool:
    """Every CR followed by an LF, and as many LFs as CRs."""
    data = np.frombuffer(mapped, dtype=np.uint8)
    cr_total = lf_total = 0
    for start in range(0, len(data), _CHUNK):
        part = data[start : start + _CHUNK + 1]  # one byte over: the LF of a last CR
        cr = np.flatnonzero(part[:_CHUNK] == 0x0D)
        if len(cr) and (cr[-1] + 1 >= len(part) or not (part[cr + 1] == 0x0A).all()):
            return False
        cr_total += len(cr)
        lf_total += int(np.count_nonzero(part[:_CHUNK] == 0x0A))
        mapped.madvise(mmap.MADV_DONTNEED, start, min(_CHUNK, len(data) - start))
    return cr_total == lf_total
