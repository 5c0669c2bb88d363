# ruff: noqa: S608 - SQL built from fixed schemas, configuration and quoted literals
"""The two SQL dialects the rules render for (DuckDB, Spark SQL: only these few functions
differ) and the quoting helpers every rule uses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    name: str

    def hours(self, n: float) -> str:
        return f"INTERVAL '{int(n)}' HOUR"

    def minutes(self, n: float) -> str:
        return f"INTERVAL '{int(n)}' MINUTE"

    def add_days(self, expr: str, n: int) -> str:
        if self.name == "spark":
            return f"date_add({expr}, {int(n)})"
        return f"({expr} + {int(n)})"

    def num(self, expr: str) -> str:
        """A number as text, the same on both engines (one decimal, none for whole numbers)."""
        return (
            f"CASE WHEN {expr} = CAST({expr} AS BIGINT) THEN CAST(CAST({expr} AS BIGINT) AS STRING)"
            f" ELSE CAST(CAST(ROUND({expr}, 1) AS DECIMAL(18,1)) AS STRING) END"
        )


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark")


def lit(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def in_list(values: Iterable[str]) -> str:
    items = [lit(v) for v in values]
    return "(" + ", ".join(items or ["''"]) + ")"


def values_table(rows: Sequence[tuple[str, ...]], columns: Sequence[str], alias: str) -> str:
    """A small inline table; always one dummy row that is filtered out, so an empty list
    still has its columns."""
    dummy = "(" + ", ".join(["''"] * len(columns)) + ")"
    body = ", ".join([dummy, *("(" + ", ".join(lit(v) for v in row) + ")" for row in rows)])
    cols = ", ".join(columns)
    return f"(SELECT * FROM (VALUES {body}) AS {alias}_v({cols}) WHERE {columns[0]} <> '')"
