"""The key ring of the personal-data fields, kept outside the database (S12, S26).

Where it comes from, first found wins:

* ``YAOAN_PII_KEYS``: the ring itself as JSON (from a secret store); read-only here;
* ``YAOAN_PII_KEYS_FILE``: a path to the ring's JSON file;
* ``<YAOAN_VAR_DIR>/pii_keys.json``: created on first use (mode 600) when missing.

The JSON: ``{"current": "k2-9c1e", "keys": {"k1-07ab": "<base64 16 bytes>", …},
"index_key": "<base64 32 bytes>"}``. ``keys`` are SM4 keys; every ciphertext names the key
it was sealed with, so old keys keep reading old rows until ``yaoan pii rotate`` has
re-encrypted them and ``yaoan pii prune`` drops the keys nothing uses. The index key
(HMAC-SM3 of the blind indexes) is not rotated: changing it would change every index.

A file ring is read again when the file changes, so a rotation run by the command is seen
by the running server processes at their next read or write.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ENV_RING = "YAOAN_PII_KEYS"
ENV_FILE = "YAOAN_PII_KEYS_FILE"
FILE_NAME = "pii_keys.json"
SM4_KEY_BYTES = 16
INDEX_KEY_BYTES = 32


class KeyRingError(RuntimeError):
    """The ring is missing, malformed or lacks a key a row was sealed with."""


@dataclass(frozen=True)
class KeyRing:
    current: str
    keys: dict[str, bytes]
    index_key: bytes
    source: Path | None = field(default=None, compare=False)

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise KeyRingError(
                f"personal-data key {key_id!r} is not in the key ring ({self.where})"
            ) from None

    @property
    def where(self) -> str:
        return str(self.source) if self.source else ENV_RING

    def with_new_key(self) -> KeyRing:
        key_id = _next_key_id(self.keys)
        keys = {**self.keys, key_id: secrets.token_bytes(SM4_KEY_BYTES)}
        return KeyRing(key_id, keys, self.index_key, self.source)

    def without(self, key_ids: set[str]) -> KeyRing:
        if self.current in key_ids:
            raise KeyRingError("the current key cannot be dropped")
        keys = {k: v for k, v in self.keys.items() if k not in key_ids}
        return KeyRing(self.current, keys, self.index_key, self.source)

    def to_json(self) -> str:
        return json.dumps(
            {
                "current": self.current,
                "keys": {k: _b64(v) for k, v in self.keys.items()},
                "index_key": _b64(self.index_key),
            },
            indent=2,
        )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _next_key_id(keys: dict[str, bytes]) -> str:
    """``k<n>-<4 hex>``: numbered in order, and never the id of a key of another ring (a
    ring generated again after the old one was lost names its keys differently, so the
    rows sealed under the lost one fail as "key not in the ring", not as altered)."""
    numbers = [int(m.group(1)) for k in keys if (m := re.match(r"k(\d+)", k))]
    return f"k{max(numbers, default=0) + 1}-{secrets.token_hex(2)}"


def new_ring(source: Path | None = None) -> KeyRing:
    key_id = _next_key_id({})
    return KeyRing(
        key_id,
        {key_id: secrets.token_bytes(SM4_KEY_BYTES)},
        secrets.token_bytes(INDEX_KEY_BYTES),
        source,
    )


def parse_ring(text: str, source: Path | None = None) -> KeyRing:
    try:
        raw = json.loads(text)
        keys = {str(k): base64.b64decode(v, validate=True) for k, v in raw["keys"].items()}
        ring = KeyRing(str(raw["current"]), keys, base64.b64decode(raw["index_key"]), source)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        where = source or ENV_RING
        raise KeyRingError(f"the personal-data key ring ({where}) is not valid: {exc}") from exc
    if ring.current not in ring.keys:
        raise KeyRingError(f"the current key {ring.current!r} is not in the ring")
    if any(len(k) != SM4_KEY_BYTES for k in keys.values()):
        raise KeyRingError("every SM4 key must be 16 bytes")
    if len(ring.index_key) < 16:
        raise KeyRingError("the index key must be at least 16 bytes")
    return ring


def write_ring(ring: KeyRing, path: Path) -> None:
    """Atomically, readable by the owner only: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(ring.to_json())
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def ring_path() -> Path | None:
    """The file the ring lives in, or None when it comes from the environment."""
    if os.environ.get(ENV_RING):
        return None
    if os.environ.get(ENV_FILE):
        return Path(os.environ[ENV_FILE])
    var_dir = Path(os.environ.get("YAOAN_VAR_DIR", Path.cwd() / "var"))
    return var_dir.resolve() / FILE_NAME


class _Cache:
    """One ring per process, re-read when its file's modification time changes.

    The file is looked at once a second at most: resolving its path and reading its time
    cost far more than the decryption itself, and a list page opens dozens of values. A
    rotation by another process reaches this one within that second."""

    RECHECK_SECONDS = 1.0

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ring: KeyRing | None = None
        self.stamp: tuple[str, float] | None = None
        self.where: tuple[str, ...] = ()
        self.next_check = 0.0

    def get(self) -> KeyRing:
        where = _where()
        now = time.monotonic()
        with self.lock:
            if self.ring is not None and where == self.where and now < self.next_check:
                return self.ring
        path = ring_path()
        stamp = (str(path or os.environ.get(ENV_RING, "")), _mtime(path))
        with self.lock:
            if self.ring is None or stamp != self.stamp:
                self.ring = _read(path)
                self.stamp = (stamp[0], _mtime(path))
            self.where, self.next_check = where, now + self.RECHECK_SECONDS
            return self.ring

    def clear(self) -> None:
        with self.lock:
            self.ring, self.stamp = None, None


def _where() -> tuple[str, ...]:
    """What decides which ring applies, cheaply: the settings that name it and the
    directory a relative default is taken from."""
    names = (ENV_RING, ENV_FILE, "YAOAN_VAR_DIR")
    return (*(os.environ.get(name, "") for name in names), os.getcwd())


def _mtime(path: Path | None) -> float:
    if path is None:
        return 0.0
    try:
        return path.stat().st_mtime_ns / 1e9
    except FileNotFoundError:
        return -1.0


def _read(path: Path | None) -> KeyRing:
    if path is None:
        return parse_ring(os.environ[ENV_RING])
    if not path.exists():
        write_ring(new_ring(path), path)
    return parse_ring(path.read_text(encoding="utf-8"), path)


_cache = _Cache()


def current_ring() -> KeyRing:
    return _cache.get()


def forget_ring() -> None:
    """Read the ring again at the next use (tests, and after the command rewrote it)."""
    _cache.clear()


def main() -> None:
    """``python -m yaoan.core.pii.keyring PATH``: create a ring file unless one exists
    (``make run`` does this before the first migration)."""
    import sys

    path = Path(sys.argv[1])
    if not path.exists():
        write_ring(new_ring(path), path)


if __name__ == "__main__":
    main()
