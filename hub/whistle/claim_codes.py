"""Claim codes 领奖码: what a reporter keeps instead of a name.

19 random symbols of Crockford's base32 (95 bits) and one check symbol (Luhn mod 32), written
as four groups of five: `7KQ2M-XR4TN-0BH9W-C3PVA`. The check symbol catches every single wrong
symbol and every swap of two neighbours but one pair, so a typo is answered before any lookup.
Typing is forgiving: case, spaces and dashes do not matter, O reads as 0 and I or L as 1.
The graph keeps only HMAC-SHA256(key, code), with the key of hub/whistle/keys.py.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: no I, L, O, U
RANDOM_SYMBOLS = 19  # 95 bits
GROUP = 5
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_READS_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


class ClaimCodeTypo(ValueError):
    """The value cannot be a claim code: wrong length, a symbol outside the alphabet, or a check
    symbol that does not match."""


def _check_symbol(symbols: str) -> str:
    """Luhn mod N over the alphabet (N = 32), computed from the rightmost symbol."""
    n = len(ALPHABET)
    total, factor = 0, 2
    for symbol in reversed(symbols):
        addend = factor * _VALUE[symbol]
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def new_claim_code() -> str:
    """A fresh code, grouped for reading aloud or copying from a phone."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return grouped(body + _check_symbol(body))


def grouped(code: str) -> str:
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalized(value: str) -> str:
    """The code's 20 symbols without separators, or ClaimCodeTypo: no lookup for a typo."""
    symbols = "".join(c for c in value.upper() if c not in " -\t").translate(_READS_AS)
    if len(symbols) != RANDOM_SYMBOLS + 1:
        raise ClaimCodeTypo(f"a claim code has {RANDOM_SYMBOLS + 1} letters and digits")
    if any(c not in _VALUE for c in symbols):
        raise ClaimCodeTypo("a claim code has only digits and the letters A-Z but I, L, O, U")
    if _check_symbol(symbols[:-1]) != symbols[-1]:
        raise ClaimCodeTypo("the claim code has a typo: check every symbol")
    return symbols


def claim_hash(key: bytes, code: str) -> str:
    """What the graph stores and looks up: HMAC-SHA256 of the normalized code, hex."""
    return hmac.new(key, normalized(code).encode(), hashlib.sha256).hexdigest()
