# ruff: noqa: S608 - SQL built from fixed schemas, configuration and quoted literals
"""The trace store: Parquet files under one directory and a manifest that lists them.

Layout (``var/trace/`` by default)::

    manifest.json            the store: which Parquet files make up each table
    events/<digest>-<n>.parquet, links/<digest>.parquet, sensors/<digest>.parquet
    rejects/<digest>.csv     rejected records of each ingested file, with reasons
    anomalies/<version>.parquet   the current anomaly set (rewritten after each ingest)
    registry/entities.parquet, licences.parquet, products.parquet   registry snapshot
    .lock, tmp/

Only files named in the manifest are part of the store. An ingest writes its new files
under ``tmp/``, moves them into place and then replaces ``manifest.json`` in one
``os.replace`` (atomic on POSIX); a crash at any point leaves the old manifest, and the
files it did not name are removed at the next write. One writer at a time (``flock``).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

MANIFEST = "manifest.json"
# 2: events and sensors carry the integer unit key; the ``units`` dictionary table
FORMAT = 2
TABLE_DIRS = ("events", "links", "sensors", "anomalies", "units")
TIME_ZONE = "Asia/Shanghai"
MEMORY_SHARE = 0.6  # of the machine's memory, for one DuckDB connection; beyond it, spill
SPILL_DIR = ".spill"

# Column types of each table, as DuckDB types; Spark reads the same Parquet files.
SCHEMAS: dict[str, dict[str, str]] = {
    "events": {
        "code": "VARCHAR",  # canonical key (codes.py)
        "unit": "BIGINT",  # the code as a fixed-width integer key (units.py): rules group by it
        "family": "VARCHAR",
        "event": "VARCHAR",  # receive ship sell dispense administer return destroy
        "time": "TIMESTAMPTZ",
        "day": "DATE",  # the calendar day of ``time`` in Asia/Shanghai
        "entity": "VARCHAR",  # USCC of the entity recording the event (or an EPCIS party id)
        "counterparty": "VARCHAR",
        "product": "VARCHAR",
        "batch": "VARCHAR",
        "expiry": "DATE",
        "quantity": "DOUBLE",
        "event_id": "VARCHAR",  # EPCIS eventID; NULL for CSV rows
        "via": "VARCHAR",  # the container whose event reached this unit (EPCIS packaging)
        "source": "VARCHAR",  # digest of the file the event came from
    },
    "links": {
        "parent": "VARCHAR",
        "child": "VARCHAR",
        "time": "TIMESTAMPTZ",
        "action": "VARCHAR",  # ADD, OBSERVE or DELETE
        "kind": "VARCHAR",  # aggregation (packaging) or association
        "source": "VARCHAR",
    },
    "sensors": {
        "code": "VARCHAR",
        "unit": "BIGINT",
        "time": "TIMESTAMPTZ",
        "entity": "VARCHAR",
        "temp_min": "DOUBLE",  # °C
        "temp_max": "DOUBLE",
        "event_id": "VARCHAR",
        "source": "VARCHAR",
    },
    # integer keys of the codes that are not 20-digit drug codes (units.py), one row per code
    "units": {
        "code": "VARCHAR",
        "unit": "BIGINT",
    },
    "anomalies": {
        "rule": "VARCHAR",
        "code": "VARCHAR",
        "entity": "VARCHAR",
        "time": "TIMESTAMPTZ",
        "detail": "VARCHAR",
    },
    # the registry snapshot written by the Django app (docs/trace.md, "Registry snapshot")
    "entities": {
        "uscc": "VARCHAR",
        "name": "VARCHAR",
        "entity_type": "VARCHAR",  # registry EntityType code
        "status": "VARCHAR",  # operating, suspended, cancelled
        "station_id": "BIGINT",  # the station whose grid holds the entity
        "handles_special_drugs": "BOOLEAN",
        "handles_cold_chain": "BOOLEAN",
    },
    "licences": {
        "uscc": "VARCHAR",
        "kind": "VARCHAR",  # registry LicenceKind code
        "valid_from": "DATE",
        "valid_until": "DATE",  # NULL for filings, which do not expire
        "status": "VARCHAR",  # valid, revoked, cancelled
    },
    "products": {
        "product_key": "VARCHAR",  # what events carry in ``product``: identifier, GTIN, 批准文号
        "product_id": "BIGINT",
        "name": "VARCHAR",
        "product_class": "VARCHAR",  # drug, device, cosmetic
        "special_drug_kind": "VARCHAR",  # '' when not a special drug
        "is_prescription": "BOOLEAN",
        "is_vaccine": "BOOLEAN",
        "is_cold_chain": "BOOLEAN",
    },
}
REGISTRY_TABLES = ("entities", "licences", "products")

_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
    "DATE": pa.date32(),
    "DOUBLE": pa.float64(),
    "BIGINT": pa.int64(),
    "BOOLEAN": pa.bool_(),
}


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in SCHEMAS[table].items()])


class StoreError(Exception):
    """The store cannot be used as asked (message in Chinese)."""


@dataclass
class FileEntry:
    """One ingested input file (or generated batch) and the parts it added."""

    digest: str
    name: str
    kind: str
    events: int
    rejected: int
    ingested_at: str
    parts: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FileEntry:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass
class Manifest:
    version: int = 0
    files: list[FileEntry] = field(default_factory=list)
    anomalies: str | None = None

    def digests(self) -> set[str]:
        return {f.digest for f in self.files}

    def parts(self, table: str) -> list[str]:
        if table == "anomalies":
            return [self.anomalies] if self.anomalies else []
        return [p for f in self.files for p in f.parts.get(table, [])]

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "files": [f.__dict__ for f in self.files],
            "anomalies": self.anomalies,
        }


class Store:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    # --- reading ----------------------------------------------------------------------

    def manifest(self) -> Manifest:
        path = self.root / MANIFEST
        if not path.exists():
            return Manifest()
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise StoreError(
                f"追溯数据存储格式版本 {data.get('format')} 不受支持（当前为 {FORMAT}），"
                "请清空追溯数据目录后重新导入"
            )
        return Manifest(
            version=data["version"],
            files=[FileEntry.from_json(f) for f in data["files"]],
            anomalies=data.get("anomalies"),
        )

    def paths(self, table: str, manifest: Manifest | None = None) -> list[str]:
        if table in REGISTRY_TABLES:
            path = self.root / "registry" / f"{table}.parquet"
            return [str(path)] if path.exists() else []
        return [str(self.root / p) for p in (manifest or self.manifest()).parts(table)]

    def has_registry(self) -> bool:
        return all((self.root / "registry" / f"{t}.parquet").exists() for t in REGISTRY_TABLES)

    def connect(self, manifest: Manifest | None = None, threads: int | None = None) -> Any:
        """A DuckDB connection with one view per table over the manifest's files."""
        con = duckdb.connect(config=duckdb_config(self.root, threads))
        con.execute(f"SET TimeZone='{TIME_ZONE}'")
        manifest = manifest or self.manifest()
        for table in SCHEMAS:
            attach_view(con, table, self.paths(table, manifest))
        return con

    # --- writing ----------------------------------------------------------------------

    @contextmanager
    def lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    @contextmanager
    def writing(self) -> Iterator[Transaction]:
        """Hold the lock, clear what an earlier crash left, and commit or discard."""
        with self.lock():
            self._collect_garbage()
            txn = Transaction(self, self.manifest())
            try:
                yield txn
            finally:
                shutil.rmtree(txn.tmp, ignore_errors=True)

    def _collect_garbage(self) -> None:
        """Files no manifest names: left by a crash between moving parts and the manifest."""
        shutil.rmtree(self.root / "tmp", ignore_errors=True)
        manifest = self.manifest()
        named = {str(self.root / p) for t in TABLE_DIRS for p in manifest.parts(t)}
        for sub in TABLE_DIRS:
            folder = self.root / sub
            if folder.is_dir():
                for path in folder.iterdir():
                    if str(path) not in named:
                        path.unlink(missing_ok=True)

    def write_manifest(self, manifest: Manifest) -> None:
        tmp = self.root / f".{MANIFEST}.{uuid.uuid4().hex}"
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(manifest.as_json(), fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.root / MANIFEST)
        _fsync_dir(self.root)

    def write_registry(self, tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
        """Replace the registry snapshot (each table written to a temp file, then renamed)."""
        folder = self.root / "registry"
        folder.mkdir(parents=True, exist_ok=True)
        for name in REGISTRY_TABLES:
            table = pa.Table.from_pylist(list(tables.get(name, [])), schema=arrow_schema(name))
            tmp = folder / f".{name}.{uuid.uuid4().hex}.parquet"
            pq.write_table(table, tmp)
            os.replace(tmp, folder / f"{name}.parquet")


def duckdb_config(root: Path, threads: int | None = None) -> dict[str, Any]:
    """Bounded memory with spilling to disk under the store (a full rule run over 10^8
    events would otherwise take most of the machine's memory), every core."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    spill = root / SPILL_DIR / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    return {
        "threads": int(threads or os.cpu_count() or 1),
        "memory_limit": f"{int(total * MEMORY_SHARE) // 2**20}MB",
        # DuckDB creates the directory when it first spills and removes it on close
        "temp_directory": str(spill),
    }


class Transaction:
    """New parts written under tmp/, published with the next manifest."""

    def __init__(self, store: Store, manifest: Manifest) -> None:
        self.store = store
        self.base = manifest
        self.tmp = store.root / "tmp" / uuid.uuid4().hex
        self.tmp.mkdir(parents=True)
        self.entries: list[FileEntry] = []
        self._moves: list[tuple[Path, Path]] = []
        self.anomalies_tmp: Path | None = None

    def part_path(self, table: str, name: str) -> Path:
        """Where to write a new part now (under tmp/); published at commit."""
        tmp = self.tmp / table / name
        tmp.parent.mkdir(parents=True, exist_ok=True)
        self._moves.append((tmp, self.store.root / table / name))
        return tmp

    def reject_path(self, digest: str) -> Path:
        tmp = self.tmp / "rejects" / f"{digest}.csv"
        tmp.parent.mkdir(parents=True, exist_ok=True)
        self._moves.append((tmp, self.store.root / "rejects" / tmp.name))
        return tmp

    def add(self, entry: FileEntry) -> None:
        self.entries.append(entry)

    def manifest(self) -> Manifest:
        """The manifest as it will be after commit (for incremental rules before commit)."""
        return Manifest(
            version=self.base.version + 1,
            files=[*self.base.files, *self.entries],
            anomalies=self.base.anomalies,
        )

    def new_parts(self, table: str) -> list[Path]:
        """This transaction's parts of ``table``, still under tmp/."""
        return [src for src, dst in self._moves if dst.parent.name == table and src.exists()]

    def published_name(self, tmp_part: Path) -> str:
        """Where a new part will live, relative to the store root (as the manifest names it)."""
        for src, dst in self._moves:
            if src == tmp_part:
                return str(dst.relative_to(self.store.root))
        raise StoreError(f"{tmp_part} is not a part of this transaction")

    def staged_paths(self, table: str) -> list[str]:
        """Base parts (published) plus this transaction's parts (still under tmp/)."""
        return self.store.paths(table, self.base) + [str(p) for p in self.new_parts(table)]

    def commit_rejects_only(self) -> None:
        """A file that loaded nothing still leaves its rejects file; the manifest stays."""
        for src, dst in self._moves:
            if dst.parent.name == "rejects" and src.exists():
                dst.parent.mkdir(parents=True, exist_ok=True)
                os.replace(src, dst)

    def commit(self, anomalies: Path | None = None) -> Manifest:
        manifest = self.manifest()
        if anomalies is not None:
            name = f"{manifest.version:08d}-{uuid.uuid4().hex[:8]}.parquet"
            self._moves.append((anomalies, self.store.root / "anomalies" / name))
            manifest.anomalies = f"anomalies/{name}"
        for src, dst in self._moves:
            if src.exists():
                dst.parent.mkdir(parents=True, exist_ok=True)
                os.replace(src, dst)
        for folder in {dst.parent for _src, dst in self._moves}:
            if folder.is_dir():
                _fsync_dir(folder)
        self.store.write_manifest(manifest)
        old = self.base.anomalies
        if anomalies is not None and old and old != manifest.anomalies:
            (self.store.root / old).unlink(missing_ok=True)
        return manifest


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def empty_select(table: str) -> str:
    cols = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in SCHEMAS[table].items())
    return f"SELECT {cols} WHERE false"


def attach_view(con: Any, table: str, paths: Sequence[str]) -> None:
    """``table`` as a view over Parquet files, columns cast to the schema's types."""
    # ``events`` is a view over ``_all_events`` so a rule run can narrow it (anomalies.py)
    name = "_all_events" if table == "events" else table
    if not paths:
        con.execute(f"CREATE OR REPLACE VIEW {name} AS {empty_select(table)}")
    else:
        listed = ", ".join(_quote(p) for p in paths)
        cols = ", ".join(f"CAST({c} AS {kind}) AS {c}" for c, kind in SCHEMAS[table].items())
        con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT {cols} FROM read_parquet([{listed}])")
    if table == "events":
        con.execute("CREATE OR REPLACE VIEW events AS SELECT * FROM _all_events")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
