"""Pinyin initials of a Chinese name, for search by initials (e.g. 仁济大药房 → RJDYF)."""

from __future__ import annotations


def pinyin_initials(name: str) -> str:
    # imported here: pypinyin loads its phrase dictionary on import (about half a second),
    # which every process paid at start-up when this module imported it at the top
    from pypinyin import Style, lazy_pinyin

    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    return "".join(ch for part in letters for ch in part if ch.isalnum()).upper()
