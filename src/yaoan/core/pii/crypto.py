"""Sealing personal data with SM4-GCM and the HMAC-SM3 blind index (S12).

A sealed value is ``sm4$<key id>$<base64(nonce ‖ ciphertext ‖ tag)>``: a random 12-byte
nonce per value, and the column it belongs to (``registry.entity.contact_phone``) as the
associated data, so a ciphertext copied into another column does not open there.
"""

from __future__ import annotations

import base64
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from yaoan.core.pii.keyring import KeyRing, KeyRingError, current_ring

PREFIX = "sm4"
NONCE_BYTES = 12
TAG_BYTES = 16
_SEALED = re.compile(r"^sm4\$([A-Za-z0-9_-]{1,32})\$([A-Za-z0-9+/=]+)$")


class UnsealError(KeyRingError):
    """A stored value that does not open: wrong key, wrong column or altered bytes."""


def is_sealed(stored: str) -> bool:
    return bool(_SEALED.match(stored))


def key_id_of(stored: str) -> str | None:
    match = _SEALED.match(stored)
    return match.group(1) if match else None


def seal(plaintext: str, label: str, ring: KeyRing | None = None) -> str:
    """Encrypt with the ring's current key. The empty value stays empty (nothing to hide,
    and "no phone" stays searchable)."""
    if not plaintext:
        return ""
    ring = ring or current_ring()
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(ring.key(ring.current)), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(label.encode())
    body = encryptor.update(plaintext.encode()) + encryptor.finalize()
    token = base64.b64encode(nonce + body + encryptor.tag).decode()
    return f"{PREFIX}${ring.current}${token}"


def unseal(stored: str, label: str, ring: KeyRing | None = None) -> str:
    if not stored:
        return ""
    match = _SEALED.match(stored)
    if not match:
        raise UnsealError(f"{label}: the stored value is not sealed")
    ring = ring or current_ring()
    raw = base64.b64decode(match.group(2))
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(ring.key(match.group(1))), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(label.encode())
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag:
        raise UnsealError(f"{label}: the stored value does not authenticate") from None


# --- the blind index ----------------------------------------------------------------------


def normalise(kind: str, value: str) -> str:
    """What two spellings of the same phone or ID number have in common."""
    value = value.strip()
    if kind == "phone":
        digits = "".join(ch for ch in value if ch.isdigit())
        # +86 138 0000 1234 and 13800001234 are the same mobile
        return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits
    if kind == "id_number":
        return "".join(value.split()).upper()
    return value


def blind_index(kind: str, value: str, ring: KeyRing | None = None) -> str:
    """HMAC-SM3 of the normalised value; empty for an empty value."""
    normal = normalise(kind, value)
    return keyed_digest(kind, normal, ring) if normal else ""


def keyed_digest(kind: str, value: str, ring: KeyRing | None = None) -> str:
    """HMAC-SM3 in base32 (A–Z, 2–7; 52 characters): no run of digits in it can look like
    a phone or an ID number to a scan of the database for personal data (S12)."""
    ring = ring or current_ring()
    mac = hmac.HMAC(ring.index_key, hashes.SM3())
    mac.update(f"{kind}:{value}".encode())
    return base64.b32encode(mac.finalize()).decode().rstrip("=")
