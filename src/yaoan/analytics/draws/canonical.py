"""The canonical byte form of a draw's JSON values, and the SM3 hash (GB/T 32905).

Canonical form: JSON with object keys sorted by code point, no insignificant whitespace,
strings as UTF-8 (only ``"``, ``\\`` and control characters escaped, ``\\u00xx`` lower-case),
and integers, strings, booleans, null, lists and objects only (no floats). For such values
this is exactly RFC 8785 (JCS), so a third party can reproduce the bytes in any language.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.hazmat.primitives import hashes

DIGEST_SIZE = 32
MAX_SAFE = 2**53 - 1


class NotCanonicalError(ValueError):
    """A value that has no canonical form here (a float, a non-string key …)."""


def _find_problem(value: Any, path: str) -> str | None:
    """Where ``value`` has no canonical form (slow, with a path: only run after a failure)."""
    if value is None or isinstance(value, bool | str):
        return None
    if isinstance(value, int):
        return f"{path}: integer out of the safe range" if abs(value) > MAX_SAFE else None
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            if found := _find_problem(item, f"{path}[{i}]"):
                return found
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"{path}: object key {key!r} is not a string"
            if found := _find_problem(item, f"{path}.{key}"):
                return found
        return None
    return f"{path}: {type(value).__name__} has no canonical form"


def _is_canonical(value: Any) -> bool:
    """The fast check: every value a string, bool, null, safe integer, list or object."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if -MAX_SAFE <= item <= MAX_SAFE:
                continue
            return False
        if kind is list or kind is tuple:
            stack.extend(item)
        elif kind is dict:
            if not all(type(k) is str for k in item):
                return False
            stack.extend(item.values())
        else:
            return False
    return True


def canonical_bytes(value: Any, *, checked: bool = False) -> bytes:
    """``checked=True`` skips the type check for values this package built itself."""
    if not checked and not _is_canonical(value):
        raise NotCanonicalError(_find_problem(value, "$") or "$: not canonical")
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def canonical_object(sections: dict[str, bytes]) -> bytes:
    """The canonical bytes of an object whose members' canonical bytes are already known
    (keys plain ASCII): the same bytes ``canonical_bytes`` would give for the whole."""
    members = (
        json.dumps(key, ensure_ascii=False).encode() + b":" + sections[key]
        for key in sorted(sections)
    )
    return b"{" + b",".join(members) + b"}"


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def sm3_hex(data: bytes) -> str:
    return sm3(data).hex()


class KeyedHasher:
    """SM3(seed ‖ message) for many messages: the seed is absorbed once and the state copied."""

    def __init__(self, seed: bytes):
        self._base = hashes.Hash(hashes.SM3())
        self._base.update(seed)

    def digest(self, message: bytes) -> bytes:
        state = self._base.copy()
        state.update(message)
        return state.finalize()
