"""DuckDB and Spark (local mode) give identical N and E."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from yaoan.analytics.signals import Columns, count_file
from yaoan.analytics.tests.conftest import write_rows

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")


@pytest.fixture(scope="session")
def spark_session():
    from yaoan.analytics.signals import spark

    session = spark.session("local[2]")
    yield session
    session.stop()


def test_duckdb_and_spark_counts_are_identical(spark_session, tmp_path: Path) -> None:
    from yaoan.analytics.signals import spark

    rng = np.random.default_rng(4)
    rows = []
    for rid in range(3000):
        sex, band = rng.choice(["F", "M"]), rng.choice(["0-17", "18-64", "65+"])
        for d in rng.zipf(1.6, rng.integers(1, 4)) % 60:
            for ev in rng.zipf(1.4, rng.integers(1, 5)) % 90:
                rows.append([rid, f"D{d}", f"E{ev}", sex, band])
    rows += rows[:500]  # duplicates count once on both engines
    path = write_rows(tmp_path / "r.csv", ["report_id", "drug", "event", "sex", "age"], rows)
    for columns in (Columns(), Columns(strata=("sex", "age"))):
        duck = count_file(path, columns)
        sparked = spark.count_dataframe(spark.read(spark_session, str(path)), columns)
        assert duck.drug.to_pylist() == sparked.drug.to_pylist()
        assert duck.event.to_pylist() == sparked.event.to_pylist()
        np.testing.assert_array_equal(duck.n, sparked.n)
        np.testing.assert_array_equal(duck.e, sparked.e)  # bit-for-bit
        assert duck.n_total == sparked.n_total
