"""Hashing of client secrets and people's passwords: Argon2id, never a plain digest."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP's Argon2id baseline (19 MiB, 2 passes, 1 lane): strong, and fast enough for a token call.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# A value to verify against when there is no stored hash, so that "no such name" and
# "wrong password" take the same time.
_DUMMY = _HASHER.hash(secrets.token_urlsafe(16))


def hash_secret(secret: str) -> str:
    return _HASHER.hash(secret)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    try:
        return _HASHER.verify(stored_hash or _DUMMY, secret) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_client_secret() -> str:
    """256 random bits, URL-safe: well over the 128 the design asks for."""
    return secrets.token_urlsafe(32)
