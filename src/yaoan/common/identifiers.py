"""Identifier checks used across apps: the unified social credit code (GB 32100-2015),
GS1 check digits, drug approval numbers. Pure functions, no Django."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# GB 32100-2015: 31 characters, without I, O, S, V, Z.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# First character: the registration authority (登记管理部门代码).
USCC_AUTHORITIES = frozenset("123456789ANY")
USCC_PATTERN = re.compile(r"^[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}$")


class InvalidIdentifierError(ValueError):
    """Raised with a message that names what is wrong, in the user's language."""


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogues without importing Django; whoever shows it
    translates it (yaoan.common.validators)."""
    return message


@dataclass(frozen=True)
class Problem:
    """What is wrong with an identifier: a message (Chinese, the source language) and the
    values it names, kept apart so the message can be translated before they are put in."""

    message: str
    params: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message % self.params if self.params else self.message


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _text(issue: Problem | None) -> str | None:
    """The problem as Chinese text, for callers outside a request (no translation)."""
    return str(issue) if issue else None


def uscc_issue(code: str) -> Problem | None:
    """None when ``code`` is a valid unified social credit code, else what is wrong."""
    if len(code) != 18:
        return Problem(gettext_noop("统一社会信用代码应为18位，实际为%(n)d位"), {"n": len(code)})
    if not USCC_PATTERN.match(code):
        bad = next((ch for ch in code if ch not in USCC_ALPHABET), None)
        if bad is not None:
            return Problem(
                gettext_noop(
                    "统一社会信用代码含有不允许的字符“%(ch)s”（不使用 I、O、S、V、Z 及小写字母）"
                ),
                {"ch": bad},
            )
        return Problem(gettext_noop("统一社会信用代码第3–8位应为行政区划代码（数字）"))
    if code[0] not in USCC_AUTHORITIES:
        return Problem(
            gettext_noop("统一社会信用代码第1位“%(ch)s”不是有效的登记管理部门代码"), {"ch": code[0]}
        )
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        return Problem(
            gettext_noop("统一社会信用代码校验位错误（第18位应为“%(ch)s”）"), {"ch": expected}
        )
    return None


def uscc_problem(code: str) -> str | None:
    """None when ``code`` is a valid unified social credit code, else the reason (Chinese)."""
    return _text(uscc_issue(code))


def normalise_uscc(raw: object) -> str:
    """Text as typed or read from a spreadsheet cell: trimmed and upper-cased."""
    return str(raw or "").strip().upper().replace(" ", "")


def gs1_check_digit(digits: str) -> str:
    """Check digit of a GTIN/GLN/SSCC body (mod 10, weights 3 and 1 from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def gtin_issue(gtin: str) -> Problem | None:
    if not gtin.isdigit() or len(gtin) not in (8, 12, 13, 14):
        return Problem(gettext_noop("GTIN 应为 8、12、13 或 14 位数字"))
    if gs1_check_digit(gtin[:-1]) != gtin[-1]:
        return Problem(gettext_noop("GTIN 校验位错误"))
    return None


def gtin_problem(gtin: str) -> str | None:
    return _text(gtin_issue(gtin))


# 国药准字 + H/Z/S/J/B/T/F + 8 digits (e.g. 国药准字H20000001); imported drugs use
# 国药准字H(Z/S)C + 8 digits after 2020, older ones 进口药品注册证号 H20100001.
APPROVAL_NUMBER_PATTERN = re.compile(r"^国药准字(?:[HZSJBTF]C?)\d{8}$")


def approval_number_issue(number: str) -> Problem | None:
    if not APPROVAL_NUMBER_PATTERN.match(number):
        return Problem(
            gettext_noop("药品批准文号格式应为“国药准字”+类别字母+8位数字，如 国药准字H20000001")
        )
    return None


def approval_number_problem(number: str) -> str | None:
    return _text(approval_number_issue(number))
