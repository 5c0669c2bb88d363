"""The integer unit key: every canonical code as a BIGINT, so the rules group and join
on 8-byte integers instead of 20-character strings.

- A 20-digit drug code ``8`` + 19 digits is its own key: the 19 digits minus
  ``DRUG20_OFFSET``, which maps [0, 10^19) onto [-5·10^18, 5·10^18) — exact, no state.
- Every other code (GS1, MA, enterprise, EPC) takes the next free number from
  ``DICTIONARY_BASE`` up, recorded once in the store's ``units`` table (code, unit). An
  ingest holds the store's lock, so the numbers it hands out are unique; the new rows of
  the dictionary are a part of the ingest's transaction, published with its manifest.

Both ranges are disjoint, so one key never stands for two codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from yaoan.analytics.trace.store import Transaction, arrow_schema

DRUG20_OFFSET = 5 * 10**18
DICTIONARY_BASE = 5 * 10**18  # drug codes end just below; BIGINT goes to 9.2·10^18
_DRUG20_KEY = re.compile(r"^8\d{19}$")


def drug20_sql(column: str) -> str:
    """The key of a 20-digit drug code in DuckDB SQL."""
    return f"CAST(CAST(substr({column}, 2, 19) AS HUGEINT) - {DRUG20_OFFSET} AS BIGINT)"


def drug20_unit(key: str) -> int | None:
    return int(key[1:]) - DRUG20_OFFSET if _DRUG20_KEY.match(key) else None


def assign(con: Any, txn: Transaction, digest: str, keys: Iterable[str]) -> dict[str, int]:
    """The unit key of each canonical code; codes new to the store's dictionary get the
    next numbers, written as this transaction's ``units`` part."""
    found: dict[str, int] = {}
    others = set()
    for key in keys:
        unit = drug20_unit(key)
        if unit is None:
            others.add(key)
        else:
            found[key] = unit
    if not others:
        return found
    con.register("_unit_keys", pa.table({"code": pa.array(sorted(others), pa.string())}))
    known = dict(
        con.execute(
            "SELECT u.code, u.unit FROM units u JOIN _unit_keys k ON u.code = k.code"
        ).fetchall()
    )
    top = con.execute("SELECT max(unit) FROM units").fetchall()[0][0]
    nxt = max(int(top) + 1 if top is not None else DICTIONARY_BASE, DICTIONARY_BASE)
    new = sorted(others - known.keys())
    fresh = {code: nxt + i for i, code in enumerate(new)}
    if fresh:
        table = pa.table(
            {"code": pa.array(new, pa.string()), "unit": pa.array(fresh.values(), pa.int64())},
            schema=arrow_schema("units"),
        )
        pq.write_table(table, txn.part_path("units", f"{digest}.parquet"))
    return {**found, **known, **fresh}
