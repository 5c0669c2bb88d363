"""Per-draw pseudonymous inspector codes: what the published document calls an inspector.

A badge number is shown to every business an inspector visits, so publishing it next to
the inspector's avoidance data (subdistricts, conflicts) would tell anyone where the
inspector lives or whom they are related to. The document therefore names inspectors by a
code that means something only inside one draw: the first 12 hex characters of
HMAC-SM3(key, salt ‖ ":" ‖ user id). The key is the server's secret; the salt is given by
the caller per draw. Verification needs nothing but the codes being consistent inside the
document, so third parties lose nothing; only the server's ``inspector_refs`` map a code
back to a person.
"""

from __future__ import annotations

from collections.abc import Iterable

from cryptography.hazmat.primitives import hashes, hmac

CODE_HEX_CHARS = 12  # 48 bits: a collision among 500 inspectors has odds below 10^-9


def hmac_sm3(key: bytes, message: bytes) -> bytes:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(message)
    return mac.finalize()


def derive_key(secret: bytes, purpose: str) -> bytes:
    """A key for one purpose only, so the server secret itself never keys these codes."""
    return hmac_sm3(secret, purpose.encode("utf-8"))


def pseudonymous_codes(
    key: bytes, salt: str, user_ids: Iterable[int], *, length: int = CODE_HEX_CHARS
) -> dict[int, str]:
    """user id → code, unique within the draw. Ids are taken in ascending order and a code
    already given out is re-derived with a counter (":1", ":2" …), so the result is
    deterministic for the same key, salt and ids, and never has two people on one code."""
    ids = sorted(set(user_ids))
    if len(ids) > 16**length:
        raise ValueError(f"{len(ids)} inspectors cannot have distinct {length}-hex codes")
    taken: set[str] = set()
    codes: dict[int, str] = {}
    for user_id in ids:
        message = f"{salt}:{user_id}"
        attempt = 0
        while True:
            suffix = f":{attempt}" if attempt else ""
            code = hmac_sm3(key, (message + suffix).encode("utf-8")).hex()[:length]
            if code not in taken:
                break
            attempt += 1
        taken.add(code)
        codes[user_id] = code
    return codes
