"""Private links: a patient's way back to their summary on any device, with no sign-in.

A token is 16 random bytes from `secrets` (128 bits) followed by an 8-byte keyed MAC of them,
in URL-safe base64 (32 characters). It is not the database id and not the reference code. The
MAC lets a link we issued be told apart from a guessed one after its summary has gone: an
issued link whose summary was deleted or purged answers 410 ("this link has expired or was
deleted"), while a guessed or mistyped one answers 404 and counts as a failed lookup.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets

from django.utils.crypto import salted_hmac

RANDOM_BYTES = 16
MAC_BYTES = 8
LENGTH = 32  # characters: (16 + 8) bytes in base64 without padding
SALT = "triage.summary.private_links"


def _mac(random_part: bytes) -> bytes:
    return salted_hmac(SALT, random_part, algorithm="sha256").digest()[:MAC_BYTES]


def new_token() -> str:
    random_part = secrets.token_bytes(RANDOM_BYTES)
    return base64.urlsafe_b64encode(random_part + _mac(random_part)).decode().rstrip("=")


def was_issued(token: str) -> bool:
    """True when the token carries our MAC: we made it, whether or not its summary still exists."""
    if len(token) != LENGTH:
        return False
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return False
    if len(raw) != RANDOM_BYTES + MAC_BYTES:
        return False
    return hmac.compare_digest(raw[RANDOM_BYTES:], _mac(raw[:RANDOM_BYTES]))
