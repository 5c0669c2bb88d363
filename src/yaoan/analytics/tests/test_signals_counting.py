"""Counting N and E (openEBGM processRaw semantics) on DuckDB."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from yaoan.analytics.signals import Columns, InputError, count_file
from yaoan.analytics.tests.conftest import write_rows


def _by_pair(counts):
    return {
        (d, e): (int(n), float(x))
        for d, e, n, x in zip(
            counts.drug.to_pylist(), counts.event.to_pylist(), counts.n, counts.e, strict=True
        )
    }


def test_counts_match_openebgm_hand_calculation_unstratified(dat2_csv: Path) -> None:
    # expected N and E: openEBGM tests/testthat/testA_Counts.R, data frame `hand`
    got = _by_pair(count_file(dat2_csv))
    expected = {
        ("product_A", "event_1"): (1, 0.6),
        ("product_A", "event_2"): (1, 0.9),
        ("product_A", "event_3"): (1, 1.5),
        ("product_B", "event_2"): (2, 1.5),
        ("product_B", "event_3"): (3, 2.5),
        ("product_C", "event_1"): (1, 0.4),
        ("product_C", "event_3"): (1, 1.0),
    }
    assert got.keys() == expected.keys()
    for pair, (n, e) in expected.items():
        assert got[pair][0] == n
        assert got[pair][1] == pytest.approx(e, rel=1e-15)


def test_stratified_expected_counts_sum_over_strata(dat2_csv: Path) -> None:
    # expected E: openEBGM testA_Counts.R `hand_s` (strata strat1 x strat2). By hand for
    # product_A/event_2: Male-cat1 has 5 reports, A in 1, event_2 in 2 -> 2/5;
    # Female-cat1 has 3 reports, A in 2, event_2 in 1 -> 2/3; Male-cat2: no A -> 0.
    counts = count_file(dat2_csv, Columns(strata=("strat1", "strat2")))
    got = _by_pair(counts)
    expected = {
        ("product_A", "event_1"): (1, 0.2),
        ("product_A", "event_2"): (1, 0.4 + 2 / 3),
        ("product_A", "event_3"): (1, 0.4 + 4 / 3),
        ("product_B", "event_2"): (2, 1.2 + 1 / 3),
        ("product_B", "event_3"): (3, 1.7 + 2 / 3),
        ("product_C", "event_1"): (1, 0.7),
        ("product_C", "event_3"): (1, 0.9),
    }
    assert got.keys() == expected.keys()
    for pair, (n, e) in expected.items():
        assert got[pair] == (n, pytest.approx(e, rel=1e-12))
    # the marginals of the PRR/ROR table stay unstratified
    assert counts.n_total == 10


def test_vignette_example_expected_counts(tmp_path: Path) -> None:
    # openEBGM vignette "Processing Raw Data" (x2_rawDataProcessingVignette): 17 reports,
    # printed N and E: A/1 7 7.0588235, A/2 3 2.9411765, B/1 4 4.2352941, B/2 2 1.7647059,
    # C/1 1 0.7058824.
    pairs = [
        "A2",
        "B1",
        "B1",
        "B2",
        "A1",
        "A1",
        "A1",
        "A1",
        "A1",
        "B1",
        "B1",
        "A1",
        "A2",
        "B2",
        "A2",
        "A1",
        "C1",
    ]
    rows = [[i + 1, "product_" + p[0], "event_" + p[1]] for i, p in enumerate(pairs)]
    got = _by_pair(count_file(write_rows(tmp_path / "v.csv", ["report_id", "drug", "event"], rows)))
    printed = {
        ("product_A", "event_1"): (7, 7.0588235),
        ("product_A", "event_2"): (3, 2.9411765),
        ("product_B", "event_1"): (4, 4.2352941),
        ("product_B", "event_2"): (2, 1.7647059),
        ("product_C", "event_1"): (1, 0.7058824),
    }
    for pair, (n, e) in printed.items():
        assert got[pair][0] == n
        assert got[pair][1] == pytest.approx(e, abs=5e-8)


def test_duplicate_rows_count_once(tmp_path: Path) -> None:
    header = ["report_id", "drug", "event"]
    rows = [[1, "A", "x"], [1, "A", "y"], [2, "A", "x"], [2, "B", "x"], [3, "B", "y"]]
    once = count_file(write_rows(tmp_path / "once.csv", header, rows))
    twice = count_file(write_rows(tmp_path / "twice.csv", header, rows + rows + [rows[0]]))
    assert _by_pair(once) == _by_pair(twice)
    assert _by_pair(once)[("A", "x")] == (2, 2 * 2 / 3)
    assert once.n_total == 3
    assert list(once.n_drug) == list(twice.n_drug)


def test_custom_column_names_and_parquet_input(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {"rid": [1, 1, 2, 3], "prod": ["A", "B", "A", "B"], "pt": ["x", "x", "y", "x"]}
    )
    pq.write_table(table, tmp_path / "rows.parquet")
    counts = count_file(tmp_path / "rows.parquet", Columns("rid", "prod", "pt"))
    # reports: A in {1, 2}, B in {1, 3}, x in {1, 3}, y in {2}
    assert _by_pair(counts) == {
        ("A", "x"): (1, 2 * 2 / 3),
        ("A", "y"): (1, 2 * 1 / 3),
        ("B", "x"): (2, 2 * 2 / 3),
    }
    assert counts.e.dtype == np.float64


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "bad.csv", ["report_id", "drug", "reaction"], [[1, "A", "x"]])
    with pytest.raises(InputError, match="event"):
        count_file(path)


def test_header_only_file_is_empty(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "h.csv", ["report_id", "drug", "event"], [])
    with pytest.raises(InputError, match="no data rows"):
        count_file(path)


def test_empty_values_are_rejected(tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "e.csv", ["report_id", "drug", "event"], [[1, "", "x"], [2, "A", "x"]]
    )
    with pytest.raises(InputError, match="drug"):
        count_file(path)
