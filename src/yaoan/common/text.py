"""Text that cannot be stored: a lone UTF-16 surrogate ("\\ud800" in JSON) decodes to a Python
string that UTF-8 cannot encode, so the database driver fails on it with a server error.
Found here, at the edge, it becomes a coded error naming the field."""

from __future__ import annotations

from typing import Any

Path = tuple[str | int, ...]


def is_encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def find_unencodable(value: Any, path: Path = ()) -> Path | None:
    """The path to the first string (or object key) in parsed JSON that UTF-8 cannot encode;
    None when every string can be stored."""
    if isinstance(value, str):
        return None if is_encodable(value) else path
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and not is_encodable(key):
                return (*path, key.encode("utf-8", "replace").decode())
            found = find_unencodable(item, (*path, key))
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = find_unencodable(item, (*path, index))
            if found is not None:
                return found
    return None
