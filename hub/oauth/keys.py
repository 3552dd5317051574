"""The token signing keys: ES256 (P-256) JWKs, each with a `kid`, kept as one private key set.

The newest key signs; the older ones stay published in the JWKS so that tokens they signed keep
verifying until they expire. `rotate` adds a new signing key and keeps only the one before it, so
a key retires one rotation after it stopped signing (rotate less often than the token lifetime and
no live token loses its key).

Where the set comes from: `HUB_OAUTH_JWKS` (a private JWK set, JSON: production, several replicas)
or, when that is not given, `<state>/keys/jwks.json`, generated on first start with mode 600.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from joserfc.jwk import ECKey, KeySet

from hub.config import Settings

ALGORITHM = "ES256"
CURVE = "P-256"
KEEP = 2  # the signing key and the one before it


class KeyConfigError(RuntimeError):
    """The configured key set cannot be used (unreadable, public-only, wrong algorithm)."""


@dataclass(frozen=True)
class SigningKeys:
    """The private key set; the last key is the one that signs."""

    keys: tuple[ECKey, ...]

    @property
    def current(self) -> ECKey:
        return self.keys[-1]

    @cached_property
    def signing_set(self) -> KeySet:
        """A set of exactly the current key: joserfc then writes its `kid` into the header."""
        return KeySet([self.current])

    @cached_property
    def verifying_set(self) -> KeySet:
        return KeySet([ECKey.import_key(k.as_dict(private=False)) for k in self.keys])

    def public_jwks(self) -> dict[str, Any]:
        return {"keys": [_public(k) for k in self.keys]}

    @cached_property
    def kids(self) -> frozenset[str]:
        return frozenset(str(k.kid) for k in self.keys)

    def to_json(self) -> str:
        return json.dumps({"keys": [k.as_dict(private=True) for k in self.keys]}, indent=2)


def _public(key: ECKey) -> dict[str, Any]:
    return dict(key.as_dict(private=False))


def new_key() -> ECKey:
    kid = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + os.urandom(4).hex()
    return ECKey.generate_key(
        CURVE, parameters={"kid": kid, "alg": ALGORITHM, "use": "sig"}, auto_kid=False
    )


def parse_key_set(text: str) -> SigningKeys:
    try:
        data = json.loads(text)
        keys = tuple(ECKey.import_key(k) for k in data["keys"])
    except (ValueError, KeyError, TypeError) as exc:
        raise KeyConfigError(f"the signing key set is not a JWK set of EC keys: {exc}") from None
    if not keys:
        raise KeyConfigError("the signing key set is empty")
    for key in keys:
        if not key.is_private or key.get("crv") != CURVE or not key.kid:
            raise KeyConfigError(f"every signing key must be a private {CURVE} key with a kid")
    return SigningKeys(keys)


def key_file(settings: Settings) -> Path:
    return settings.oauth_keys_dir / "jwks.json"


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    os.replace(tmp, path)


def load_or_create(settings: Settings) -> SigningKeys:
    """The configured key set, else the one on disk, else a new one written to disk."""
    if settings.hub_oauth_jwks:
        return parse_key_set(settings.hub_oauth_jwks)
    path = key_file(settings)
    if path.exists():
        return parse_key_set(path.read_text())
    keys = SigningKeys((new_key(),))
    _write_private(path, keys.to_json())
    return keys


def rotate(settings: Settings) -> SigningKeys:
    """Add a new signing key on disk, keep the previous one for verification, drop the rest."""
    if settings.hub_oauth_jwks:
        raise KeyConfigError("keys come from HUB_OAUTH_JWKS: rotate them where they are configured")
    current = load_or_create(settings)
    rotated = SigningKeys((*current.keys, new_key())[-KEEP:])
    _write_private(key_file(settings), rotated.to_json())
    return rotated


class KeyRing:
    """The keys one process uses; re-read when the key file changes (`hub keys rotate`), so a
    running hub starts signing with the new key and keeps verifying with the old one."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._keys = load_or_create(settings)
        self._stamp = self._file_stamp()

    def _file_stamp(self) -> int | None:
        if self._settings.hub_oauth_jwks:
            return None
        try:
            return key_file(self._settings).stat().st_mtime_ns
        except FileNotFoundError:
            return None

    @property
    def keys(self) -> SigningKeys:
        stamp = self._file_stamp()
        if stamp != self._stamp:
            self._keys = load_or_create(self._settings)
            self._stamp = self._file_stamp()
        return self._keys
