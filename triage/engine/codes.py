"""Reference codes a patient can read aloud and staff can type in any reasonable way.

Eight characters from Crockford's base-32 alphabet (digits and letters without I, L, O and U),
the last a check character computed with the Damm algorithm over the field GF(32): every
single mistyped character and every swap of two neighbouring characters changes the check,
so a mistyped code is caught instead of opening someone else's summary.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
LENGTH = 8  # seven random characters and one check character: 32**7, about 34 billion codes
_READ_AS = {"O": "0", "I": "1", "L": "1"}
_POLY = 0b100101  # x^5 + x^2 + 1, irreducible over GF(2)
_A = 2  # any field element other than 0 and 1 makes x*y = A.x + y totally anti-symmetric


def _gf_mul(a: int, b: int) -> int:
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= _POLY
    return product


_TIMES_A = [_gf_mul(_A, x) for x in range(32)]


def _interim(values) -> int:
    state = 0
    for v in values:
        state = _TIMES_A[state] ^ v
    return state


def check_character(body: str) -> str:
    """The character that brings the Damm interim value of body+check back to zero."""
    return ALPHABET[_TIMES_A[_interim(VALUE[ch] for ch in body)]]


def is_valid(code: str) -> bool:
    return (
        len(code) == LENGTH
        and all(ch in VALUE for ch in code)
        and _interim(VALUE[ch] for ch in code) == 0
    )


def new_code(choice: Callable[[str], str] = secrets.choice) -> str:
    """A fresh code from a cryptographic source (tests pass a seeded `choice` to replay one)."""
    body = "".join(choice(ALPHABET) for _ in range(LENGTH - 1))
    return body + check_character(body)


def normalise(typed: str) -> str:
    """What staff typed, as a code: case, spaces and dashes ignored; O read as 0, I and L as 1."""
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -\t\u2010\u2011\u2012\u2013")
    return "".join(_READ_AS.get(ch, ch) for ch in cleaned)


def display(code: str) -> str:
    """K7M29QHX as K7M2-9QHX, easier to read aloud."""
    return f"{code[:4]}-{code[4:]}"
