"""Masking of personal data for display (S10): 张*, 138****1234, 110105********002X."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) >= 7:
        return f"{digits[:2]}***{digits[-2:]}"
    return "*" * len(digits)


def mask_name(name: str) -> str:
    name = name.strip()
    return f"{name[0]}{'*' * (len(name) - 1)}" if len(name) > 1 else name


def mask_id_number(number: str) -> str:
    number = number.strip()
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}" if len(number) > 10 else number
