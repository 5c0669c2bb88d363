"""Helpers for the signal-engine tests: report sets written to temporary files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest


def write_rows(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# openEBGM's hand-computed example (tests/testthat/testA_Counts.R, `dat2` and `hand`,
# `hand_s`): ten reports, one drug-event row each, two stratification variables.
OPENEBGM_DAT2 = [
    [1, "product_A", "event_1", "Male", "age_cat1"],
    [2, "product_B", "event_2", "Male", "age_cat1"],
    [3, "product_B", "event_2", "Male", "age_cat1"],
    [4, "product_B", "event_3", "Male", "age_cat1"],
    [5, "product_C", "event_3", "Male", "age_cat1"],
    [6, "product_A", "event_2", "Female", "age_cat1"],
    [7, "product_A", "event_3", "Female", "age_cat1"],
    [8, "product_B", "event_3", "Female", "age_cat1"],
    [9, "product_B", "event_3", "Male", "age_cat2"],
    [10, "product_C", "event_1", "Male", "age_cat2"],
]


@pytest.fixture
def dat2_csv(tmp_path: Path) -> Path:
    return write_rows(
        tmp_path / "dat2.csv", ["report_id", "drug", "event", "strat1", "strat2"], OPENEBGM_DAT2
    )
