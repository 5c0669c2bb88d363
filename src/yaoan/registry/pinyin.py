"""Pinyin initials of a Chinese name, for search by initials (e.g. 仁济大药房 → RJDYF)."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def pinyin_initials(name: str) -> str:
    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    return "".join(ch for part in letters for ch in part if ch.isalnum()).upper()
