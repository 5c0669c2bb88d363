# ruff: noqa: S608 - SQL over a generated temporary file
"""CSV ingest: bulk validation, rejects with reasons, idempotence, atomicity."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from yaoan.analytics.tests.trace import district as d
from yaoan.analytics.tests.trace.conftest import quiet
from yaoan.analytics.trace import ingest, ingest_csv
from yaoan.analytics.trace.store import Store


def events(store: Store) -> list[tuple]:
    con = store.connect()
    try:
        return con.sql("SELECT code, event, entity, quantity FROM events ORDER BY ALL").fetchall()
    finally:
        con.close()


def load(store: Store, path: Path, **kw) -> ingest.IngestResult:
    (result,) = ingest.ingest(store, [path], progress=quiet, **kw)
    return result


def rejects(result: ingest.IngestResult) -> list[dict[str, str]]:
    with open(result.reject_file, encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_clean_csv_loads_every_row(store: Store, tmp_path: Path) -> None:
    rows = d.clean_rows()
    result = load(store, d.write_csv(tmp_path / "clean.csv", rows))
    assert (result.status, result.kind, result.events, result.rejected) == (
        "loaded",
        "csv",
        len(rows),
        0,
    )
    con = store.connect()
    first = con.sql(
        "SELECT code, family, event, strftime(time, '%Y-%m-%d %H:%M %z'), day, product, "
        "batch, expiry, quantity FROM events ORDER BY time, code, event LIMIT 1"
    ).fetchall()[0]
    assert first == (
        d.code(d.DRUG, 1),
        "drug20",
        "receive",
        "2026-01-02 10:00 +08",
        __import__("datetime").date(2026, 1, 2),
        d.DRUG,
        "B2026",
        __import__("datetime").date(2027, 12, 31),
        1.0,
    )


def test_bad_rows_are_listed_with_reason_and_row(store: Store, tmp_path: Path) -> None:
    good = d.row(d.code(d.DRUG, 1), "sell", 5, d.PHARMACY)
    bad = [
        d.row("8123", "sell", 5, d.PHARMACY),
        d.row("(01)09506000134353(21)X", "sell", 5, d.PHARMACY),
        d.row(d.code(d.DRUG, 2), "resell", 5, d.PHARMACY),
        [d.code(d.DRUG, 3), "sell", "2099-01-01T00:00:00", *d.row("", "", 1, d.PHARMACY)[3:]],
        d.row(d.code(d.DRUG, 4), "sell", 5, d.PHARMACY[:17] + "0"),
        d.row(d.code(d.DRUG, 5), "receive", 5, d.PHARMACY),
        d.row(d.code(d.DRUG, 6), "sell", 5, d.PHARMACY, expiry="2027-02-30"),
        d.row(d.code(d.DRUG, 7), "sell", 5, d.PHARMACY, quantity=-1),
        d.row("9999999000000000000", "sell", 5, d.PHARMACY),
    ]
    result = load(store, d.write_csv(tmp_path / "mixed.csv", [good, *bad]))
    assert (result.status, result.events, result.rejected) == ("loaded", 1, len(bad))
    listed = rejects(result)
    assert [r["row"] for r in listed] == [str(n) for n in range(3, 3 + len(bad))]
    reasons = [r["reason"] for r in listed]
    assert reasons[0] == "code：码上放心追溯码应为20位数字，实际为4位"
    assert reasons[1] == "code：GTIN 校验位错误"
    assert reasons[2].startswith("event：事件类型“resell”无效")
    assert reasons[3].startswith("time：时间“2099-01-01T00:00:00”晚于当前时间")
    assert reasons[4] == "entity：统一社会信用代码校验位错误"
    assert reasons[5] == "counterparty：receive 事件须填写对方单位的统一社会信用代码"
    assert reasons[6] == "expiry：“2027-02-30”不是有效日期（YYYY-MM-DD）"
    assert reasons[7] == "quantity：“-1”应为正数"
    assert reasons[8].startswith("code：数字追溯码长度不对（19位）")
    assert listed[1]["code"] == "(01)09506000134353(21)X"


def test_unknown_product_identifier_is_rejected(store: Store, tmp_path: Path) -> None:
    result = load(
        store,
        d.write_csv(tmp_path / "a.csv", [d.row("81111110000000011234", "sell", 5, d.PHARMACY)]),
    )
    assert rejects(result)[0]["reason"] == "code：追溯码的药品标识码8111111未在产品库登记"


def test_line_with_wrong_column_count_is_rejected(store: Store, tmp_path: Path) -> None:
    path = d.write_csv(tmp_path / "a.csv", [d.row(d.code(d.DRUG, 1), "sell", 5, d.PHARMACY)])
    with path.open("a") as fh:
        fh.write("81234560000000021234,sell,2026-01-05T10:00:00\r\n")
    result = load(store, path)
    assert (result.events, result.rejected) == (1, 1)
    assert rejects(result)[0]["row"] == "3"
    assert rejects(result)[0]["reason"].startswith("第3行无法按列拆分")


def test_csv_the_parser_cannot_read_is_rejected_whole(store: Store, tmp_path: Path) -> None:
    path = d.write_csv(tmp_path / "a.csv", [d.row(d.code(d.DRUG, 1), "sell", 5, d.PHARMACY)])
    with path.open("a") as fh:
        fh.write("81234560000000021234,sell\n")  # a bare LF among CRLF lines
    result = load(store, path)
    assert result.status == "rejected"
    assert result.message.startswith("CSV 文件无法解析")
    assert store.manifest().files == []


def test_all_or_nothing_loads_nothing_from_a_file_with_a_bad_row(
    store: Store, tmp_path: Path
) -> None:
    rows = [*d.clean_rows(), d.row("8123", "sell", 5, d.PHARMACY)]
    result = load(store, d.write_csv(tmp_path / "a.csv", rows), strict=True)
    assert (result.status, result.events, result.rejected) == ("rejected", 0, 1)
    assert events(store) == []
    assert store.manifest().files == []
    assert Path(result.reject_file).exists()


def test_same_file_twice_adds_nothing(store: Store, tmp_path: Path) -> None:
    path = d.write_csv(tmp_path / "a.csv", d.clean_rows())
    first = load(store, path)
    before = events(store)
    second = load(store, path)
    assert (first.status, second.status) == ("loaded", "duplicate")
    assert events(store) == before
    assert len(store.manifest().files) == 1


def test_file_of_another_type_renamed_is_rejected_whole(store: Store, tmp_path: Path) -> None:
    png = tmp_path / "events.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    result = load(store, png)
    assert result.status == "rejected"
    assert result.message == "不是文本文件（可能是改了扩展名的其他类型文件）"
    other = d.write_csv(tmp_path / "b.csv", [])
    other.write_text("name,phone\n张三,1380000\n", encoding="utf-8")
    assert load(store, other).message.startswith("CSV 表头应为 code,event,time")
    assert store.manifest().files == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff", "文件不是 UTF-8 编码的文本"),
        (b"\xffcode,event\n", "文件不是 UTF-8 编码的文本"),
        (b"\xfe\n" + b"a" * 70_000, "文件不是 UTF-8 编码的文本"),
        (b"\xef\xbb\xbf", "文件为空"),
        (b"\xef\xbb\xbf\n\n", "文件为空"),
    ],
)
def test_file_starting_with_a_bad_byte_is_rejected_not_a_crash(
    store: Store, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = load(store, path)
    assert (result.status, result.message) == ("rejected", message)
    assert store.manifest().files == []


def test_character_cut_at_the_end_of_the_sniffed_block_is_not_an_error(tmp_path: Path) -> None:
    header = (",".join(ingest_csv.COLUMNS) + "\n").encode()
    path = tmp_path / "long.csv"
    filler = "张".encode() * ((ingest.SNIFF_BYTES - len(header)) // 3 + 1)
    path.write_bytes(header + filler)
    assert ingest.sniff(path) == "csv"


def test_failure_before_the_manifest_leaves_the_store_as_it_was(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(store, d.write_csv(tmp_path / "a.csv", d.clean_rows()))
    before, manifest = events(store), (store.root / "manifest.json").read_bytes()

    def crash(self: Store, manifest: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(Store, "write_manifest", crash)
    with pytest.raises(OSError):
        load(store, d.write_csv(tmp_path / "b.csv", d.anomaly_rows()))
    monkeypatch.undo()
    assert (store.root / "manifest.json").read_bytes() == manifest
    assert events(store) == before
    # the parts moved into place before the crash are not part of the store, and go
    # at the next write
    assert len(list((store.root / "events").iterdir())) == 2
    load(store, d.write_csv(tmp_path / "c.csv", [d.row(d.code(d.DRUG, 9), "sell", 5, d.PHARMACY)]))
    assert len(list((store.root / "events").iterdir())) == 2


def test_killed_ingest_leaves_the_store_as_it_was(store: Store, tmp_path: Path) -> None:
    """A separate process is killed while it writes a large file; the store is unchanged
    and the next ingest works."""
    load(store, d.write_csv(tmp_path / "a.csv", d.clean_rows()))
    manifest = (store.root / "manifest.json").read_bytes()
    big = tmp_path / "big.csv"
    con = store.connect()
    con.execute(
        f"""COPY (SELECT '8123456' || lpad(CAST(i AS VARCHAR), 9, '0') || '0000' AS code,
                  'sell' AS event, '2026-01-05T10:00:00' AS time, '{d.PHARMACY}' AS entity,
                  '' AS counterparty, '' AS product, 'B' AS batch, '2027-01-01' AS expiry,
                  '1' AS quantity FROM range(3000000) t(i)) TO '{big}' (HEADER)"""
    )
    con.close()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "yaoan.analytics.trace.cli",
            "--store",
            str(store.root),
            "ingest",
            str(big),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list((store.root / "tmp").glob("*/events/*.parquet")):
        time.sleep(0.02)
    assert proc.poll() is None, "the ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (store.root / "manifest.json").read_bytes() == manifest
    assert len(events(store)) == len(d.clean_rows())
    result = load(
        store, d.write_csv(tmp_path / "c.csv", [d.row(d.code(d.DRUG, 9), "sell", 5, d.PHARMACY)])
    )
    assert result.status == "loaded"
    assert not (store.root / "tmp").exists() or not any((store.root / "tmp").iterdir())
    assert json.loads((store.root / "manifest.json").read_text())["version"] == 2


def test_every_code_gets_one_integer_unit_key_across_files(store: Store, tmp_path: Path) -> None:
    from yaoan.analytics.trace import codes, units

    gtin = "0690123456789" + codes.gs1_check_digit("0690123456789")
    gs1 = f"(01){gtin}(21)SER1"
    urn = f"urn:epc:id:sgtin:6901234.{gtin[0]}{gtin[8:13]}.SER1"
    assert codes.parse(urn).key == codes.parse(gs1).key == f"01{gtin}21SER1"
    drug = d.code(d.DRUG, 7)
    first = [*d.handed_down(gs1), *d.handed_down("ACME-0000001")]
    load(store, d.write_csv(tmp_path / "a.csv", [*first, *d.handed_down(drug)]), run_rules=False)
    doc = d.vaccine_doc([1], [4.0])
    doc["epcisBody"]["eventList"][0]["epcList"] = [urn]
    load(store, d.write_json(tmp_path / "b.jsonld", doc), run_rules=False)
    con = store.connect()
    keyed = dict(
        con.sql(
            "SELECT code, min(unit) FROM events GROUP BY code HAVING min(unit) = max(unit)"
        ).fetchall()
    )
    dictionary = con.sql("SELECT code, unit FROM units ORDER BY unit").fetchall()
    con.close()
    assert keyed[drug] == int(drug[1:]) - units.DRUG20_OFFSET
    # numbered in code order within a file; the EPCIS file's URN is the same unit, no new row
    assert dictionary == [
        (f"01{gtin}21SER1", units.DICTIONARY_BASE),
        ("E:ACME-0000001", units.DICTIONARY_BASE + 1),
    ]
    assert keyed[f"01{gtin}21SER1"] == units.DICTIONARY_BASE
    assert keyed["E:ACME-0000001"] == units.DICTIONARY_BASE + 1
    assert len(set(keyed.values())) == len(keyed)  # one key per code, one code per key
