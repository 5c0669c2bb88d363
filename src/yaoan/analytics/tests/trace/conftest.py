"""Fixtures of the trace-engine tests: a store under tmp_path with the registry snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from yaoan.analytics.tests.trace import district
from yaoan.analytics.trace.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return district.store_with_registry(tmp_path / "trace")


def quiet(name: str):
    return lambda message: None
