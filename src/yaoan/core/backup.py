"""Backup and restore (S23).

A backup is a directory ``yaoan-backup-YYYYMMDD-HHMMSS`` holding

- ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the system
  runs) or ``database.pgdump`` (``pg_dump`` custom format) — taken first, so every file a
  row of it names was already stored when the files are copied next;
- ``var/…``: the stored files under YAOAN_VAR_DIR (attachments, generated documents,
  inspection photos, job files, the trace store), without the database files, the
  collected static files and the keys;
- ``manifest.json``: SM3 and SHA-256 of every file, row counts, and the key files that were
  left out on purpose: a key kept with the data it protects is no protection, so keys are
  backed up apart (and the same keys must be in place when a backup is restored).

Restoring checks every digest first and refuses a backup whose files do not match,
naming the file; only then does it replace the database and the stored files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from yaoan.core import audit
from yaoan.core.actors import os_user, system_actor

FORMAT = 1
MANIFEST = "manifest.json"
PREFIX = "yaoan-backup-"
PARTIAL = ".partial"
VAR = "var"
# key files kept apart from the data they protect (never copied into a backup)
KEY_FILES = frozenset({"secret_key", "pii_keys.json", "audit_key"})
# under YAOAN_VAR_DIR but not data: regenerated (static), or the benchmarks' own districts
# (var/bench*, built by benchmarks/ and thrown away)
SKIPPED_DIRS = frozenset({"static"})
SKIPPED_PREFIXES = (PREFIX, "bench")
DB_SUFFIXES = (".sqlite3", ".sqlite3-wal", ".sqlite3-shm", ".sqlite3-journal")
BACKUP_ACTOR = "backup"  # the system actor (core.actors) named in the audit log
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup that cannot be written or restored; the message says why (in English and
    Chinese: the operator reads it on the command line)."""


@dataclass(frozen=True)
class FileDigest:
    path: str  # relative to the backup directory, with forward slashes
    size: int
    sm3: str
    sha256: str


# --- digests and file selection -----------------------------------------------------


def copy_with_digest(source: Path, target: Path, relative: str) -> FileDigest:
    """Copy ``source`` to ``target`` hashing the bytes as they pass (one read)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    sm3, sha256, size = hashes.Hash(hashes.SM3()), hashlib.sha256(), 0
    with source.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(CHUNK):
            sm3.update(chunk)
            sha256.update(chunk)
            dst.write(chunk)
            size += len(chunk)
    shutil.copystat(source, target)
    return FileDigest(relative, size, sm3.finalize().hex(), sha256.hexdigest())


def digest_of(path: Path, relative: str) -> FileDigest:
    sm3, sha256, size = hashes.Hash(hashes.SM3()), hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            sm3.update(chunk)
            sha256.update(chunk)
            size += len(chunk)
    return FileDigest(relative, size, sm3.finalize().hex(), sha256.hexdigest())


def _excluded(relative: Path, outside: tuple[Path, ...], full: Path) -> bool:
    top = relative.parts[0]
    if len(relative.parts) == 1 and (top in KEY_FILES or top.endswith(DB_SUFFIXES)):
        return True
    if top in SKIPPED_DIRS or (len(relative.parts) > 1 and top.startswith(SKIPPED_PREFIXES)):
        return True
    return any(full == o or o in full.parents for o in outside)


def stored_files(var_dir: Path) -> Iterator[tuple[Path, str]]:
    """Every data file under ``var_dir`` (absolute path, path relative to it), sorted."""
    outside = tuple(p.resolve() for p in (Path(settings.BACKUP_DIR),) if p.exists())
    for root, dirs, files in os.walk(var_dir):
        dirs.sort()
        for name in sorted(files):
            full = Path(root) / name
            relative = full.relative_to(var_dir)
            if not full.is_symlink() and not _excluded(relative, outside, full.resolve()):
                yield full, relative.as_posix()


def present_keys(var_dir: Path) -> list[str]:
    return sorted(name for name in KEY_FILES if (var_dir / name).exists())


# --- the database ------------------------------------------------------------------


def _db_settings() -> dict[str, Any]:
    return dict(connections[DEFAULT_DB_ALIAS].settings_dict)


def engine() -> str:
    return "postgresql" if "postgresql" in _db_settings()["ENGINE"] else "sqlite"


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("PASSWORD", "PGPASSWORD"), ("HOST", "PGHOST"), ("PORT", "PGPORT")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("USER"):
        env["PGUSER"] = str(db["USER"])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not on PATH (需要 {command[0]} 才能备份或恢复 PostgreSQL)"
        )
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def dump_database(target_dir: Path) -> Path:
    db = _db_settings()
    if engine() == "postgresql":
        target = target_dir / "database.pgdump"
        command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(target)]
        _run([*command, "--dbname", db["NAME"]], _pg_env(db))
        return target
    target = target_dir / "database.sqlite3"
    source = sqlite3.connect(db["NAME"])
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)  # page by page, consistent even while others write
    finally:
        copy.close()
        source.close()
    return target


def load_database(dump: Path) -> None:
    """Replace the current database's content with the dump's."""
    connections.close_all()
    db = _db_settings()
    if engine() == "postgresql":
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
        _run([*command, "--dbname", db["NAME"], str(dump)], _pg_env(db))
        return
    source = sqlite3.connect(dump)
    live = sqlite3.connect(db["NAME"], timeout=30)
    try:
        with live:
            source.backup(live)  # writes through the live file's WAL: no stale pages kept
    finally:
        live.close()
        source.close()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


# --- writing a backup --------------------------------------------------------------


def backup_name(now: dt.datetime) -> str:
    return f"{PREFIX}{timezone.localtime(now):%Y%m%d-%H%M%S}"


def create_backup(destination: Path, *, now: dt.datetime | None = None) -> Path:
    """Write a backup into a new directory under ``destination`` and return its path. It is
    written under a ``.partial`` name and renamed when complete, so a backup cut short is
    never taken for one."""
    now = now or timezone.now()
    actor = system_actor(BACKUP_ACTOR)  # first, so the snapshot holds its row
    var_dir = Path(settings.VAR_DIR)
    destination.mkdir(parents=True, exist_ok=True)
    final = _free_path(destination / backup_name(now))
    work = final.with_name(final.name + PARTIAL)
    work.mkdir()
    try:
        dump = dump_database(work)
        digests = [digest_of(dump, dump.name)]
        for source, relative in stored_files(var_dir):
            digests.append(copy_with_digest(source, work / VAR / relative, f"{VAR}/{relative}"))
        _write_manifest(work, now, dump.name, digests, present_keys(var_dir))
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    with transaction.atomic():
        audit.record(
            "core.backup.created",
            actor=actor,
            object_type="backup",
            object_id=final.name,
            after={
                "engine": engine(),
                "path": str(final),
                "files": len(digests),
                "os_user": os_user(),
            },
        )
    return final


def _free_path(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists() or candidate.with_name(candidate.name + PARTIAL).exists():
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate


def _write_manifest(
    work: Path, now: dt.datetime, dump_name: str, digests: list[FileDigest], keys: list[str]
) -> None:
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "database": {"engine": engine(), "file": dump_name},
        "counts": row_counts(),
        "files": [d.__dict__ for d in digests],
        "keys_kept_apart": keys,
        "keys_note": (
            "Key files are not in this backup: back them up separately and keep them away "
            "from it. Restoring needs the same keys in YAOAN_VAR_DIR. "
            "密钥文件不在本备份中，请另行保管；恢复时需使用相同的密钥。"
        ),
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
    (work / MANIFEST).write_text(text + "\n", encoding="utf-8")


# --- checking and restoring --------------------------------------------------------


def read_manifest(backup: Path) -> dict[str, Any]:
    path = backup / MANIFEST
    if not path.is_file():
        raise BackupError(f"{backup} is not a yaoan backup: no {MANIFEST} (不是药安备份)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{path} is not valid JSON (清单文件已损坏): {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format {manifest.get('format')!r}")
    return manifest


def check_backup(backup: Path) -> dict[str, Any]:
    """The manifest, once every file it lists is there with its recorded digests and no
    file it does not list is; else BackupError naming the first file that differs."""
    backup = backup.resolve()
    manifest = read_manifest(backup)
    listed = set()
    for entry in manifest["files"]:
        relative = entry["path"]
        path = (backup / relative).resolve()
        if backup not in path.parents:
            raise BackupError(f"{relative}: path outside the backup (路径越界)")
        if not path.is_file():
            raise BackupError(f"{relative}: missing from the backup (文件缺失)")
        found = digest_of(path, relative)
        if (found.size, found.sm3, found.sha256) != (entry["size"], entry["sm3"], entry["sha256"]):
            raise BackupError(f"{relative}: digest does not match the manifest (文件摘要不符)")
        listed.add(relative)
    extra = sorted(
        p.relative_to(backup).as_posix()
        for p in backup.rglob("*")
        if p.is_file() and p.name != MANIFEST and p.relative_to(backup).as_posix() not in listed
    )
    if extra:
        raise BackupError(f"{extra[0]}: not listed in the manifest (清单外的文件)")
    if manifest["database"]["engine"] != engine():
        raise BackupError(
            f"the backup is of {manifest['database']['engine']}, this system runs {engine()}"
        )
    return manifest


def restore_backup(backup: Path) -> dict[str, Any]:
    """Replace the database and the stored files with the backup's (after checking it).
    Stop the server and the task worker first: they would keep writing to the old data."""
    backup = backup.resolve()
    manifest = check_backup(backup)
    load_database(backup / manifest["database"]["file"])
    _replace_files(backup / VAR, Path(settings.VAR_DIR))
    with transaction.atomic():
        audit.record(
            "core.backup.restored",
            actor=system_actor(BACKUP_ACTOR),
            object_type="backup",
            object_id=backup.name,
            after={
                "created_at": manifest["created_at"],
                "files": len(manifest["files"]),
                "os_user": os_user(),
            },
        )
    return manifest


def _replace_files(source: Path, var_dir: Path) -> None:
    for path, _relative in list(stored_files(var_dir)):
        path.unlink()
    for directory in sorted((p for p in var_dir.rglob("*") if p.is_dir()), reverse=True):
        if directory.name not in SKIPPED_DIRS and not any(directory.iterdir()):
            directory.rmdir()
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            if path.is_file():
                target = var_dir / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)


# --- retention ---------------------------------------------------------------------


def backups_in(directory: Path) -> list[Path]:
    """Complete backups in ``directory``, oldest first."""
    if not directory.is_dir():
        return []
    found = [p for p in directory.iterdir() if p.is_dir() and p.name.startswith(PREFIX)]
    return sorted(
        (p for p in found if not p.name.endswith(PARTIAL) and (p / MANIFEST).is_file()),
        key=lambda p: p.name,
    )


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups; returns the deleted paths."""
    complete = backups_in(directory)
    doomed = complete[: max(0, len(complete) - max(keep, 1))]
    for path in doomed:
        shutil.rmtree(path)
    return doomed
