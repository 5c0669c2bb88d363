"""The one check every stored file passes on read (S21): its bytes against the SM3 digest
taken when it was stored, a mismatch or a missing file audited as tampering."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.db import models

from yaoan.core import audit
from yaoan.core.models import User

MISSING = "missing"


def read_checked(
    locate: Callable[[], Path],
    *,
    expected_sm3: str,
    actor: User,
    obj: models.Model,
    tampered_action: str,
    where: Mapping[str, Any],
    error: Exception,
) -> bytes:
    """The file's bytes when their digest is ``expected_sm3``; otherwise the event
    ``tampered_action`` (digest expected and found, ``where`` the file is) and ``error``.
    Not atomic on purpose: the tamper event must stay written when the caller fails."""
    try:
        content: bytes | None = locate().read_bytes()
    except (FileNotFoundError, type(error)):
        content = None
    found = audit.sm3_hex(content) if content else MISSING
    if content is None or found != expected_sm3:
        audit.record(
            tampered_action,
            actor=actor,
            obj=obj,
            success=False,
            before={"sm3": expected_sm3},
            after={"sm3": found, **where},
        )
        raise error
    return content
