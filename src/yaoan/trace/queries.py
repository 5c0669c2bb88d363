"""Where the trace store lives, and which entities' trace data a user may see."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from yaoan.analytics.trace.store import Store
from yaoan.core.models import User
from yaoan.core.rules import data_scope
from yaoan.registry.queries import entities_visible_to


def trace_store() -> Store:
    """The Parquet store under YAOAN_VAR_DIR (settings.VAR_DIR): ``var/trace/``."""
    return Store(Path(settings.VAR_DIR) / "trace")


def visible_usccs(user: User) -> set[str] | None:
    """None for the whole district, else the USCCs of the entities in the user's grid."""
    if data_scope(user).everything:
        return None
    return set(entities_visible_to(user).values_list("uscc", flat=True))
