"""Identifier checks (S24) and display masking (S10): pure functions, table tests."""

import pytest

from yaoan.common.identifiers import (
    USCC_ALPHABET,
    approval_number_problem,
    gs1_check_digit,
    gtin_problem,
    normalise_uscc,
    uscc_check_character,
    uscc_problem,
)
from yaoan.common.masking import mask_id_number, mask_name, mask_phone

VALID_USCC = [
    "91350100M000100Y43",  # enterprise, check character a digit
    "91110000600037341L",  # enterprise, check character a letter
    "N2110000MA0Q12345R",  # synthetic: first character a letter (rural collective, N)
    "11100000000013127D",  # authority 1 (organ of state)
    "12100000400000421Q",  # authority 1, public institution
    "51100000500000484J",  # authority 5 (civil affairs: social organisation)
    "Y1110000MA0000001Y",  # authority Y (other)
]


@pytest.mark.parametrize("code", VALID_USCC)
def test_uscc_valid_codes_pass(code):
    assert uscc_problem(code) is None


def test_uscc_check_character_follows_gb32100_weights():
    assert uscc_check_character("91350100M000100Y4") == "3"
    assert uscc_check_character("91110000600037341") == "L"
    assert uscc_check_character("N2110000MA0Q12345") == "R"


@pytest.mark.parametrize("code", VALID_USCC)
def test_uscc_every_other_check_character_is_invalid(code):
    right = code[17]
    for wrong in USCC_ALPHABET:
        if wrong == right:
            continue
        mutated = code[:17] + wrong
        assert uscc_problem(mutated) == f"统一社会信用代码校验位错误（第18位应为“{right}”）"


@pytest.mark.parametrize(
    ("code", "length"),
    [("91350100M000100Y4", 17), ("91350100M000100Y433", 19), ("", 0)],
)
def test_uscc_wrong_length(code, length):
    assert uscc_problem(code) == f"统一社会信用代码应为18位，实际为{length}位"


@pytest.mark.parametrize("bad", ["I", "O", "S", "V", "Z", "a", "y"])
def test_uscc_forbidden_characters_named_in_chinese(bad):
    code = "91350100M000100Y4" + bad
    assert uscc_problem(code) == (
        f"统一社会信用代码含有不允许的字符“{bad}”（不使用 I、O、S、V、Z 及小写字母）"
    )


def test_uscc_lowercase_code_is_invalid_until_normalised():
    typed = " 91110000600037341l "
    assert uscc_problem(typed.strip()) is not None
    assert normalise_uscc(typed) == "91110000600037341L"
    assert uscc_problem(normalise_uscc(typed)) is None


def test_uscc_region_code_must_be_digits():
    body = "9135A100M000100Y4"
    assert uscc_problem(body + uscc_check_character(body)) == (
        "统一社会信用代码第3–8位应为行政区划代码（数字）"
    )


def test_uscc_unknown_registration_authority():
    body = "B1350100M000100Y4"
    assert uscc_problem(body + uscc_check_character(body)) == (
        "统一社会信用代码第1位“B”不是有效的登记管理部门代码"
    )


@pytest.mark.parametrize(
    ("body", "digit"),
    [("690123456789", "2"), ("400638133393", "1"), ("9638507", "4"), ("0690123456789", "2")],
)
def test_gs1_check_digit(body, digit):
    assert gs1_check_digit(body) == digit


@pytest.mark.parametrize("gtin", ["6901234567892", "4006381333931", "06901234567892", "96385074"])
def test_gtin_valid(gtin):
    assert gtin_problem(gtin) is None


@pytest.mark.parametrize(
    ("gtin", "problem"),
    [
        ("6901234567893", "GTIN 校验位错误"),
        ("06901234567891", "GTIN 校验位错误"),
        ("690123456789", "GTIN 校验位错误"),
        ("69012345678", "GTIN 应为 8、12、13 或 14 位数字"),
        ("690123456789A", "GTIN 应为 8、12、13 或 14 位数字"),
        ("", "GTIN 应为 8、12、13 或 14 位数字"),
    ],
)
def test_gtin_invalid(gtin, problem):
    assert gtin_problem(gtin) == problem


@pytest.mark.parametrize(
    "number", ["国药准字H20000001", "国药准字Z19990012", "国药准字S20180004", "国药准字HC20200001"]
)
def test_approval_number_valid(number):
    assert approval_number_problem(number) is None


@pytest.mark.parametrize(
    "number",
    [
        "国药准字H2000001",
        "国药准字H200000012",
        "国药准字X20000001",
        "H20000001",
        "国药准字 H20000001",
    ],
)
def test_approval_number_invalid(number):
    assert approval_number_problem(number) == (
        "药品批准文号格式应为“国药准字”+类别字母+8位数字，如 国药准字H20000001"
    )


@pytest.mark.parametrize(
    ("name", "masked"), [("张三", "张*"), ("欧阳娜娜", "欧***"), ("李", "李"), (" 王五 ", "王*")]
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812341234", "138****1234"),
        ("023-6512345", "023****2345"),
        ("6512345", "65***45"),
        ("12345", "*****"),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("number", "masked"),
    [("11010519491231002X", "110105********002X"), ("110105491231002", "110105*****1002")],
)
def test_mask_id_number(number, masked):
    assert mask_id_number(number) == masked


def test_the_validators_speak_the_users_language():
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from yaoan.common.validators import validate_approval_number, validate_uscc

    body = "91350100M000100Y4"
    wrong = body + ("0" if uscc_check_character(body) != "0" else "1")
    right = uscc_check_character(body)
    with translation.override("en"), pytest.raises(ValidationError) as info:
        validate_uscc(wrong)
    assert info.value.messages == [
        f"Wrong check character in the unified social credit code (the 18th should be “{right}”)"
    ]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        validate_uscc(wrong)
    assert info.value.messages == [f"统一社会信用代码校验位错误（第18位应为“{right}”）"]
    with translation.override("en"), pytest.raises(ValidationError) as info:
        validate_approval_number("国药准字X1")
    assert "国药准字" in info.value.messages[0] and "approval number" in info.value.messages[0]
