"""CSV ingest reads a file in one columnar pass and leaves the rows it does not accept as
they are to the SQL checks; a file Arrow's reader would read differently from DuckDB's
goes to DuckDB's reader whole. Every way must give the same events, unit keys, rejects
and reasons as DuckDB's reader and the SQL checks alone."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest

from yaoan.analytics.tests.trace import district as d
from yaoan.analytics.tests.trace.conftest import quiet
from yaoan.analytics.trace import codes, ingest, ingest_csv
from yaoan.analytics.trace.ingest_csv import columnar as csv_columnar
from yaoan.analytics.trace.ingest_csv import writers as csv_writers
from yaoan.analytics.trace.store import Store

FALLBACK = "改用逐行兼容方式读取"
GTIN = "0690123456789" + codes.gs1_check_digit("0690123456789")
CODES = [
    "81111110000000011234",  # product identifier not registered
    "8123",
    "8123456000000001000",
    f"(01){GTIN}(21)SER1",
    f"01{GTIN}21SER2",
    "ACME-0000001",
    "acme-0000002",
    "MA.156.M0.100001.1234567.S123",
    " 81234560000000010000",
    "８１２３４５６０００００００１００００",
    "",
    "(01)09506000134353(21)X",
    "0690123456789",
]
EVENTS = ["SELL", " sell ", "resell", "", "sell\u3000", "\tsell", "Receive"]
TIMES = [
    "2026-01-05T10:00:00Z",
    "2026-01-05T10:00:00+08:00",
    "2026-01-05T10:00:00-05:30",
    "2026-01-05T20:00:00+14:00",
    "2026-01-05T10:00:00+15:00",
    "2026-01-05T10:00:00.123",
    "2026-01-05",
    "2026-1-5 10:00:00",
    "2026-02-30T10:00:00",
    "2099-01-01T00:00:00",
    "1991-07-01T08:00:00",
    " 2026-01-05T10:00:00",
    "2026-01-05T24:00:00",
    "garbage",
    "",
    "2026-01-05T23:30:00Z",
    "2024-02-29T12:00:00",
    "2026-01-05t10:00:00",
    "2026-01-05T10:00:00+08:60",
]
PARTIES = [
    d.PHARMACY.lower(),
    f" {d.PHARMACY} ",
    f"\u3000{d.PHARMACY}",
    d.PHARMACY[:17] + "0",
    "",
    f"{d.PHARMACY}\t",
    f"{d.PHARMACY}\u00a0",
]
PRODUCTS = ["8123456", " 8123456 ", "阿莫西林", "\u3000阿莫西林\u3000", 'a"b']
BATCHES = ["B2026", "", " B1 ", "批号1", "B\u00a0", "\u00a0"]
EXPIRIES = ["", "2027-02-30", "2027-6-30", "20270630", " 2027-12-31", "0000-01-01", "2028-02-29"]
QUANTITIES = ["", "0", "-1", "1.5", "1e3", "nan", "inf", " 2 ", "٣", "1e400", "+1", ".5"]


def messy_rows(seed: int, n: int, odd: float) -> list[dict[str, str]]:
    """Rows of clean 20-digit codes and, with chance ``odd`` per field, odd values."""
    rng = random.Random(seed)

    def pick(clean: list[str], odd_values: list[str]) -> str:
        return rng.choice(odd_values) if rng.random() < odd else rng.choice(clean)

    parties = [d.WHOLESALER, d.PHARMACY, d.CLINIC, d.MAKER, d.STRANGER]
    return [
        {
            "code": pick([f"{rng.choice([d.DRUG, d.OTC])}{rng.randrange(10**9):09d}0000"], CODES),
            "event": pick(list(ingest_csv.EVENTS), EVENTS),
            "time": pick(["2026-01-05T10:00:00", "2026-01-05 23:59:59"], TIMES),
            "entity": pick(parties, PARTIES),
            "counterparty": pick([*parties, ""], PARTIES),
            "product": pick([""], PRODUCTS),
            "batch": pick(["B2026"], BATCHES),
            "expiry": pick(["2027-12-31"], EXPIRIES),
            "quantity": pick(["1", "10"], QUANTITIES),
        }
        for _ in range(n)
    ]


def write(path: Path, rows: list[dict[str, str]], **style: Any) -> Path:
    names = list(style.pop("names", ingest_csv.COLUMNS))
    encoding = "utf-8-sig" if style.pop("bom", False) else "utf-8"
    with path.open("w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh, **style)
        writer.writerow(names)
        writer.writerows([r[c] for c in names] for r in rows)
    return path


def outcome(root: Path, path: Path, duckdb_only: bool, **kw: Any) -> tuple[Any, list[str]]:
    """What a fresh store holds after ingesting ``path``, and the progress messages."""
    store = d.store_with_registry(root)
    messages: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        if duckdb_only:

            def refuse(*_args: Any) -> None:
                raise ingest_csv.Irregular("test")

            patch.setattr(csv_columnar, "load_columnar", refuse)
        (result,) = ingest.ingest(
            store, [path], run_rules=False, progress=lambda _n: messages.append, **kw
        )
    return (
        (result.status, result.events, result.rejected, result.message),
        _tables(store),
        Path(result.reject_file).read_bytes() if result.reject_file else b"",
    ), messages


def _tables(store: Store) -> tuple[list[tuple], list[tuple]]:
    con = store.connect()
    try:
        events = con.sql(
            "SELECT * REPLACE (epoch_us(time) AS time) FROM events ORDER BY ALL"
        ).fetchall()
        return events, con.sql("SELECT * FROM units ORDER BY ALL").fetchall()
    finally:
        con.close()


def same_as_duckdb(tmp_path: Path, path: Path, **kw: Any) -> list[str]:
    """Assert both ways agree; the progress messages of the columnar way."""
    columnar, messages = outcome(tmp_path / "columnar", path, False, **kw)
    duckdb_only, _ = outcome(tmp_path / "duckdb", path, True, **kw)
    assert columnar == duckdb_only
    return messages


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many blocks, some clean and some mixed, and the set-aside rows spilled to a file."""
    monkeypatch.setattr(csv_columnar, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(csv_writers, "ASIDE_IN_MEMORY", 40)
    monkeypatch.setattr(csv_columnar, "MOSTLY_ASIDE", 1.0)


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize(
    ("seed", "odd", "style"),
    [
        (1, 0.02, {}),
        (2, 0.3, {"lineterminator": "\n", "bom": True}),
        (3, 0.3, {"names": ingest_csv.COLUMNS[::-1], "quoting": csv.QUOTE_ALL}),
        (4, 0.8, {"lineterminator": "\n", "quoting": csv.QUOTE_ALL}),
    ],
)
def test_messy_file_gives_what_duckdb_and_sql_give(
    tmp_path: Path, seed: int, odd: float, style: dict[str, Any]
) -> None:
    rows = [{**r, "product": r["product"].replace('"', "")} for r in messy_rows(seed, 600, odd)]
    path = write(tmp_path / "messy.csv", rows, **style)
    messages = same_as_duckdb(tmp_path, path)
    assert not any(FALLBACK in m for m in messages)
    if seed == 3:  # all or nothing
        same_as_duckdb(tmp_path / "strict", path, strict=True)


def test_file_of_mostly_odd_codes_goes_to_duckdb(tmp_path: Path) -> None:
    """Their rows take the SQL checks anyway: DuckDB's reader is cheaper then."""
    rows = messy_rows(5, 200, 0.0)
    rows = [{**r, "code": f"ACME-{i:08d}"} for i, r in enumerate(rows) if i % 3]
    messages = same_as_duckdb(tmp_path, write(tmp_path / "enterprise.csv", rows))
    assert any("多数行需逐条校验" in m for m in messages)


@pytest.mark.usefixtures("small_blocks")
def test_clean_file_is_checked_in_one_pass(store: Store, tmp_path: Path) -> None:
    times = ["2026-01-05T10:00:00", "2026-01-05 10:00:00", "2026-01-05T02:00:00Z"]
    rows = [
        dict(zip(ingest_csv.COLUMNS, d.row(d.code(d.DRUG, i), "sell", 5, d.PHARMACY), strict=True))
        | {"time": times[i % 3], "expiry": ["2027-12-31", ""][i % 2]}
        for i in range(300)
    ]
    path = write(tmp_path / "clean.csv", rows)
    messages = same_as_duckdb(tmp_path, path)
    assert not any(FALLBACK in m or "逐条校验" in m for m in messages)
    (result,) = ingest.ingest(store, [path], run_rules=False, progress=quiet)
    con = store.connect()
    hours = con.sql(
        "SELECT DISTINCT strftime(time, '%H:%M %z'), day, product FROM events"
    ).fetchall()
    con.close()
    assert (result.events, hours) == (300, [("10:00 +08", dt.date(2026, 1, 5), d.DRUG)])


LINE = ",".join(d.row(d.code(d.DRUG, 5), "sell", 5, d.PHARMACY))
HEADER = ",".join(ingest_csv.COLUMNS)


def _with(product: str) -> str:
    values = LINE.split(",")
    values[ingest_csv.COLUMNS.index("product")] = product
    return ",".join(values)


def _file(*lines: str, end: str = "\n") -> str:
    return end.join([HEADER, *lines]) + end


IRREGULAR = {
    "stray quote": _file(_with('a"b'), LINE),
    "text after a closing quote": _file(_with('"a"x'), LINE),
    "space before an opening quote": _file(_with(' "a"'), LINE),
    "quoted separator": _file(_with('"a,b"'), LINE),
    "quoted line break": _file(_with('"a\nb"'), LINE),
    "bare LF among CRLF": _file(LINE + "\n" + LINE, end="\r\n"),
    "CR in an LF file": _file(_with("a\rb"), LINE),
    "wrong column count": _file(LINE, LINE + ",x", LINE),
    "line over 2 MiB": _file(_with("x" * 2_200_000), LINE),
}


@pytest.mark.parametrize("case", IRREGULAR)
def test_file_arrow_would_read_otherwise_goes_to_duckdb(tmp_path: Path, case: str) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(IRREGULAR[case].encode())
    messages = same_as_duckdb(tmp_path, path)
    assert any(FALLBACK in m for m in messages), case


def test_bytes_that_are_not_utf8_go_to_duckdb(tmp_path: Path) -> None:
    """Past the first 64 KiB, which the file-type check reads."""
    path = tmp_path / "latin1.csv"
    start = _file(*[LINE] * 1000).encode()
    path.write_bytes(start + _with("caf\xe9").encode("latin-1") + b"\n")
    messages = same_as_duckdb(tmp_path, path)
    assert any(FALLBACK in m for m in messages)
