"""Signed checkpoints of the audit chain, kept outside the database (S15).

The chain's head lives in the same database as the rows, so whoever can rewrite the
database can delete the newest rows and roll the head back, or put back an older copy of
the whole database. A checkpoint — head seq, head hash, row count, where keying began and
the time, signed with HMAC-SM3 under the audit key — is appended as one JSON line to
``settings.AUDIT_CHECKPOINT_FILE`` every ``AUDIT_CHECKPOINT_EVERY`` events, when the last
one is older than ``AUDIT_CHECKPOINT_MINUTES`` and on every verify. The verifier holds the
chain to every checkpoint since the last sanctioned restore.

The file is append-only by use (one ``write`` per line with O_APPEND, so concurrent
processes do not interleave); ship it off the host or mark it ``chattr +a`` in production.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, hmac
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

# why a checkpoint was written; "restore" starts a new baseline (a sanctioned restore)
KINDS = ("interval", "verify", "restore")


def audit_key() -> bytes:
    key = str(getattr(settings, "AUDIT_KEY", "") or "")
    if not key:
        raise ImproperlyConfigured(
            "YAOAN_AUDIT_KEY (or the file var/audit_key) must be set: the audit chain is "
            "keyed with HMAC-SM3 under a key kept outside the database"
        )
    return key.encode()


def hmac_sm3_hex(key: bytes, data: bytes) -> str:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    count: int
    keyed_from: int
    at: str
    kind: str

    def signed_json(self) -> str:
        body = asdict(self)
        return json.dumps({**body, "mac": _mac(body)}, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class CheckpointLine:
    """One line of the file: the checkpoint, or why it cannot be trusted."""

    lineno: int
    checkpoint: Checkpoint | None
    problem: str = ""


def _mac(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac_sm3_hex(audit_key(), canonical.encode())


def _path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def write(*, seq: int, head_hash: str, count: int, keyed_from: int, kind: str) -> Checkpoint:
    if kind not in KINDS:
        raise ValueError(kind)
    checkpoint = Checkpoint(
        seq=seq,
        hash=head_hash,
        count=count,
        keyed_from=keyed_from,
        at=timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        kind=kind,
    )
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (checkpoint.signed_json() + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    return checkpoint


def _parse(lineno: int, raw: str) -> CheckpointLine:
    try:
        data = json.loads(raw)
        mac = data.pop("mac")
        checkpoint = Checkpoint(**data)
    except (ValueError, TypeError, KeyError):
        return CheckpointLine(lineno, None, "unreadable")
    if mac != _mac(asdict(checkpoint)):
        return CheckpointLine(lineno, None, "signature")
    return CheckpointLine(lineno, checkpoint)


def read_all() -> list[CheckpointLine]:
    path = _path()
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return [_parse(n, raw) for n, raw in enumerate(lines, start=1) if raw.strip()]


def since_last_restore(lines: list[CheckpointLine]) -> list[CheckpointLine]:
    """The lines a verify holds the chain to: from the last sanctioned restore on."""
    start = 0
    for index, line in enumerate(lines):
        if line.checkpoint is not None and line.checkpoint.kind == "restore":
            start = index
    return lines[start:]


def due(seq: int) -> bool:
    """Whether the event just committed should be checkpointed: every N events, or when
    the newest checkpoint is older than M minutes (or there is none)."""
    every = int(settings.AUDIT_CHECKPOINT_EVERY)
    if every > 0 and seq % every == 0:
        return True
    try:
        modified = _path().stat().st_mtime
    except FileNotFoundError:
        return True
    age_seconds = timezone.now().timestamp() - modified
    return age_seconds >= int(settings.AUDIT_CHECKPOINT_MINUTES) * 60
