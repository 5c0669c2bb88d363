"""``ingest(store, files)``: each file loaded whole or not at all, once.

A file is recognised by its content (CSV header, JSON-LD, XML), never by its name. Its
SHA-256 digest names it in the store: the same file twice adds nothing. Each file is its
own transaction (store.py): a bad file or a crash leaves the store as it was. Mode
``strict`` loads nothing from a file with any bad record; the default loads the valid
records. Rejected records go to ``rejects/<digest>.csv`` with their reasons. After each
file the anomaly rules run for the units and entities it touched.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yaoan.analytics.trace import anomalies, epcis, ingest_csv, ingest_epcis
from yaoan.analytics.trace.store import FileEntry, Store, now_iso

Progress = Callable[[str], None]
SNIFF_BYTES = 64 * 1024


@dataclass
class IngestResult:
    name: str
    digest: str
    status: str  # loaded, duplicate, rejected
    kind: str = ""  # csv or epcis
    events: int = 0
    rejected: int = 0
    reject_file: str = ""
    message: str = ""
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def file_digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


class FileKindError(ValueError):
    pass


def sniff(path: Path) -> str:
    """'csv' or 'epcis' from the first bytes; FileKindError for anything else."""
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if not head.strip():
        raise FileKindError("文件为空")
    if b"\x00" in head:
        raise FileKindError("不是文本文件（可能是改了扩展名的其他类型文件）")
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text[:1] in (b"{", b"[", b"<"):
        return "epcis"
    # an incremental decoder keeps a multi-byte character cut at the end of the sniffed
    # block for later instead of failing on it, while a bad byte anywhere (the first one
    # included) still fails; the whole file when it is shorter than the block
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        decoded = decoder.decode(head, final=len(head) < SNIFF_BYTES)
    except UnicodeDecodeError as exc:
        raise FileKindError("文件不是 UTF-8 编码的文本") from exc
    if not decoded.strip():  # a byte-order mark and blank lines
        raise FileKindError("文件为空")
    first = decoded.splitlines()[0]
    try:
        ingest_csv.check_header(first)
    except ingest_csv.CsvFileError as exc:
        raise FileKindError(str(exc)) from exc
    return "csv"


def stderr_progress(name: str) -> Progress:
    def report(message: str) -> None:
        print(f"[{name}] {message}", file=sys.stderr, flush=True)

    return report


def ingest(
    store: Store,
    paths: Iterable[str | os.PathLike[str]],
    *,
    strict: bool = False,
    run_rules: bool = True,
    config: dict[str, Any] | None = None,
    progress: Callable[[str], Progress] = stderr_progress,
    names: dict[str, str] | None = None,
) -> list[IngestResult]:
    """Load each file; ``names`` maps a path to the name to record (an upload's name)."""
    results = []
    for raw in paths:
        path = Path(raw)
        name = (names or {}).get(str(raw), path.name)
        results.append(ingest_file(store, path, name, strict, run_rules, config, progress(name)))
    return results


def ingest_file(
    store: Store,
    path: Path,
    name: str,
    strict: bool,
    run_rules: bool,
    config: dict[str, Any] | None,
    report: Progress,
) -> IngestResult:
    started = time.monotonic()
    digest = file_digest(path)
    result = IngestResult(name=name, digest=digest, status="loaded")
    with store.writing() as txn:
        if digest in txn.base.digests():
            result.status = "duplicate"
            result.message = "该文件已导入过，未重复导入"
            report(result.message)
            return result
        try:
            result.kind = sniff(path)
            con = store.connect(txn.base)
            try:
                loaded, rejected, reject_file = _load(
                    con, store, path, txn, digest, strict, report, result.kind
                )
            finally:
                con.close()
        except (FileKindError, ingest_csv.CsvFileError, epcis.EpcisError) as exc:
            result.status = "rejected"
            result.message = str(exc)
            result.rejected = 1
            result.reject_file = str(_whole_file_reject(store, digest, str(exc)))
            report(f"文件被拒绝：{exc}")
            return result
        result.events, result.rejected = loaded, rejected
        if reject_file is not None:
            result.reject_file = str(store.root / "rejects" / reject_file.name)
        if strict and rejected:
            result.status = "rejected"
            result.message = f"有 {rejected} 条记录不合格，按“全部合格才导入”未导入任何记录"
            txn.commit_rejects_only()
            report(result.message)
            return result
        new = {t: txn.new_parts(t) for t in ("events", "links", "sensors", "units")}
        parts = {t: [str(p) for p in ps] for t, ps in new.items()}
        txn.add(
            FileEntry(
                digest=digest,
                name=name,
                kind=result.kind,
                events=loaded,
                rejected=rejected,
                ingested_at=now_iso(),
                parts={t: [txn.published_name(p) for p in ps] for t, ps in new.items() if ps},
            )
        )
        anomaly_file = None
        if run_rules and loaded:
            report("运行异常规则（仅本文件涉及的追溯码和单位）…")
            anomaly_file = anomalies.incremental(store, txn, parts, config)
        txn.commit(anomalies=anomaly_file)
    result.seconds = time.monotonic() - started
    rate = loaded / result.seconds if result.seconds else 0
    result.message = f"导入 {loaded} 个事件，拒绝 {rejected} 条记录"
    report(f"{result.message}，用时 {result.seconds:.1f} 秒（{rate:,.0f} 个事件/秒）")
    return result


def _load(
    con: Any,
    store: Store,
    path: Path,
    txn: Any,
    digest: str,
    strict: bool,
    report: Progress,
    kind: str,
) -> tuple[int, int, Path | None]:
    if kind == "csv":
        check_products = store.has_registry() and bool(
            con.execute(
                "SELECT COUNT(*) FROM products WHERE regexp_full_match(product_key, '[0-9]{7}')"
            ).fetchall()[0][0]
        )
        return ingest_csv.load(con, path, txn, digest, strict, check_products, report)
    return ingest_epcis.load(con, path, txn, digest, strict, report)


def _whole_file_reject(store: Store, digest: str, reason: str) -> Path:
    folder = store.root / "rejects"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(["row", "reason"])
        writer.writerow(["", reason])
    return path
