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


def mask_text(text: str) -> str:
    """An address or a note: the first few characters (the district, the road) only."""
    text = text.strip()
    keep = min(6, len(text) // 3)
    return f"{text[:keep]}****" if text else ""


MASKS = {"phone": mask_phone, "id_number": mask_id_number, "name": mask_name, "text": mask_text}


def mask_personal(kind: str, value: str) -> str:
    """The masked form of a personal value of the given kind (core.pii's kinds)."""
    return MASKS[kind](str(value)) if value else ""
