"""Every code family and its bad forms; every form of one unit gives one key."""

from __future__ import annotations

import datetime as dt

import pytest

from yaoan.analytics.trace import codes

UNIT_KEY = "010950600013435221XYZ"


@pytest.mark.parametrize(
    "raw",
    [
        "(01)09506000134352(17)201225(10)ABC123(21)XYZ",
        "(01) 09506000134352 (21) XYZ",
        "010950600013435221XYZ",
        "]d2010950600013435217201225\x1d21XYZ",
        "https://id.gs1.org/01/09506000134352/21/XYZ?17=201225",
        "https://example.cn/01/9506000134352/21/XYZ",
    ],
)
def test_every_gs1_form_of_one_unit_gives_one_key(raw: str) -> None:
    parsed = codes.parse(raw)
    assert parsed.problem is None
    assert (parsed.key, parsed.family, parsed.product) == (UNIT_KEY, "gs1", "09506000134352")


def test_gs1_element_string_carries_batch_and_expiry() -> None:
    parsed = codes.parse("(01)09506000134352(17)271231(10)B77(21)XYZ")
    assert (parsed.batch, parsed.expiry, parsed.serial) == ("B77", dt.date(2027, 12, 31), "XYZ")


def test_sgtin_urn_and_digital_link_of_one_pack_agree() -> None:
    urn = codes.parse("urn:epc:id:sgtin:0614141.107346.2017")
    link = codes.parse("https://id.gs1.org/01/10614141073464/21/2017")
    assert urn.key == link.key == "0110614141073464212017"


def test_drug20_code_splits_into_identifier_and_serial() -> None:
    parsed = codes.parse(" 8123 4560 0000 0001 1234 ")
    assert parsed.key == "81234560000000011234"
    assert (parsed.family, parsed.product, parsed.serial) == ("drug20", "8123456", "000000001")


def test_ma_udi_keeps_di_and_serial() -> None:
    parsed = codes.parse("MA.156.M0.100001.10A0B1C2.S12345.E20271231.L88")
    assert parsed.key == "MA.156.M0.100001.10A0B1C2.S12345"
    assert (parsed.family, parsed.batch, parsed.expiry) == ("ma", "88", dt.date(2027, 12, 31))


def test_ma_udi_with_lot_only_is_a_lot_key() -> None:
    assert codes.parse("ma.156.m0.100001.10a0b1c2.L88").key == "MA.156.M0.100001.10A0B1C2.L88"


def test_gs1_udi_with_lot_only_is_a_lot_key() -> None:
    parsed = codes.parse("(01)09506000134352(17)271231(10)LOT9")
    assert parsed.key == "010950600013435210LOT9"


def test_enterprise_code_is_upper_cased_with_prefix() -> None:
    assert codes.parse("abcd-20260001x").key == "E:ABCD-20260001X"


def test_sscc_of_a_case() -> None:
    assert codes.parse("urn:epc:id:sscc:0614141.1234567890").key == "00106141412345678908"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "追溯码为空"),
        ("8123456000000001123", "码上放心追溯码应为20位数字，实际为19位"),
        ("812345600000000112345", "码上放心追溯码应为20位数字，实际为21位"),
        ("123456789012345678", "数字追溯码长度不对（18位）"),
        ("(01)09506000134353(21)XYZ", "GTIN 校验位错误"),
        ("https://id.gs1.org/01/09506000134353/21/XYZ", "GTIN 校验位错误"),
        ("09506000134352", "只有商品编码（GTIN），缺少序列号"),
        ("(01)09506000134352", "缺少序列号 (21) 或批号 (10)"),
        ("(01)09506000134352(17)201399(21)X", "GS1"),
        ("MA.156.M0", "MA 码应以"),
        ("MA.156.M0.100001.10A0B1C2.Q1", "标识段“Q1”无法识别"),
        ("hello", "无法识别的追溯码格式"),
        ("urn:epc:id:sgtin:0614141.10734.2017", "合计应为13位"),
    ],
)
def test_bad_codes_are_rejected_with_a_reason(raw: str, reason: str) -> None:
    parsed = codes.parse(raw)
    assert parsed.key is None
    assert parsed.problem is not None and reason in parsed.problem


def test_parse_many_parses_each_distinct_code_once() -> None:
    table = codes.parse_many(["8123", "81234560000000011234", "8123"])
    assert table.num_rows == 2
    assert table.column("problem").to_pylist()[0].startswith("码上放心")


def test_uscc_check() -> None:
    from yaoan.analytics.tests.trace.district import uscc

    assert codes.uscc_problem(uscc(1)) is None
    assert codes.uscc_problem("N2110000MA0Q12345R") is None  # letter authority code (S24)
    assert "校验位" in (codes.uscc_problem(uscc(1)[:17] + "0") or "")
    assert "18位" in (codes.uscc_problem("9150") or "")
