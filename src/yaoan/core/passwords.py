"""Password policy validators (S2): length, character classes, a weak list, history."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEAK_LIST = Path(__file__).parent / "data" / "weak_passwords.txt"


def character_classes(password: str) -> int:
    return sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


class LengthAndClassesValidator:
    def __init__(self, min_length: int = 12, min_classes: int = 3):
        if min_length < 8:
            raise ValueError("the password policy does not allow fewer than 8 characters")
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                _("密码至少需要 %(n)d 个字符。") % {"n": self.min_length}, code="password_too_short"
            )
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。")
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("至少 %(n)d 个字符，含大写字母、小写字母、数字、符号中的至少 %(c)d 类。") % {
            "n": self.min_length,
            "c": self.min_classes,
        }


@lru_cache(maxsize=1)
def weak_passwords() -> frozenset[str]:
    return frozenset(
        line.strip().lower() for line in WEAK_LIST.read_text("utf-8").splitlines() if line.strip()
    )


LEET = str.maketrans(
    {
        "@": "a",
        "4": "a",
        "$": "s",
        "5": "s",
        "0": "o",
        "1": "i",
        "!": "i",
        "3": "e",
        "7": "t",
        "|": "l",
    }
)
TRAILING = "0123456789!@#$%^&*.?_-"


def weak_forms(password: str) -> set[str]:
    """The password as typed, without a trailing year or symbols, and with look-alike
    characters read back as letters (Pa$$w0rd2026! → password)."""
    lowered = password.lower()
    stripped = lowered.rstrip(TRAILING)
    return {lowered, stripped, stripped.translate(LEET), lowered.translate(LEET).rstrip(TRAILING)}


class WeakPasswordListValidator:
    """Rejects passwords from the bundled list of leaked and commonly guessed ones, and
    those that are only such a word with a year or a few symbols appended."""

    def validate(self, password: str, user: Any = None) -> None:
        if any(form in weak_passwords() for form in weak_forms(password)):
            raise ValidationError(_("该密码过于常见或已泄露，请换一个。"), code="password_weak")

    def get_help_text(self) -> str:
        return _("不能使用常见或已泄露的密码。")


class PasswordHistoryValidator:
    def __init__(self, history: int = 5):
        self.history = history

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        previous = list(user.password_history.values_list("password", flat=True)[: self.history])
        # the current password counts even when it was set outside change_password()
        current = [user.password] if user.password and user.password not in previous else []
        for old in current + previous:
            if check_password(password, old):
                raise ValidationError(
                    _("不能与最近 %(n)d 次使用过的密码相同。") % {"n": self.history},
                    code="password_reused",
                )

    def get_help_text(self) -> str:
        return _("不能与最近 %(n)d 次使用过的密码相同。") % {"n": self.history}
