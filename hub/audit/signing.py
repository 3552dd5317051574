"""The audit log's own Ed25519 key: it signs the chain head now and then, and nothing else.

It is not the token key: who can mint tokens must not be able to vouch for the log. The key comes
from configuration (`HUB_AUDIT_SIGNING_KEY`, a PEM; replicas share it) or is generated on first
start into `<state>/audit/signing-key.pem`. Every public key ever used is kept in
`<state>/audit/public/<key id>.pem`, which is all the verifier needs; keep a copy of that folder
wherever the log is verified.
"""

from __future__ import annotations

import base64
import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hub.audit.entry import sha256_hex
from hub.config import Settings

PRIVATE_FILE = "signing-key.pem"
PUBLIC_DIR = "public"


def head_message(chain: str, seq: int, entry_hash: str, time: str) -> bytes:
    """What a signature covers: this chain's entry `seq`, whose hash is `entry_hash`."""
    return "\n".join(["hub-audit-head/1", chain, str(seq), entry_hash, time]).encode()


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return sha256_hex(raw)[:16]


def _public_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@dataclass(frozen=True)
class Signer:
    private: Ed25519PrivateKey
    key_id: str

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.private.sign(message)).decode()


def _write_once(path: Path, data: bytes, mode: int) -> None:
    """Create `path` atomically unless it exists (several workers may start at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def load_signer(settings: Settings) -> Signer:
    if settings.hub_audit_signing_key:
        loaded = serialization.load_pem_private_key(
            settings.hub_audit_signing_key.encode(), password=None
        )
    else:
        path = settings.audit_dir / PRIVATE_FILE
        if not path.exists():
            pem = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            _write_once(path, pem, 0o600)
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError("the audit signing key must be an Ed25519 key")
    public = loaded.public_key()
    kid = key_id(public)
    published = settings.audit_dir / PUBLIC_DIR / f"{kid}.pem"
    if not published.exists():
        _write_once(published, _public_pem(public), 0o644)
    return Signer(loaded, kid)


def verification_keys(settings: Settings) -> dict[str, Ed25519PublicKey]:
    """Every public key the verifier trusts, by key id."""
    keys: dict[str, Ed25519PublicKey] = {}
    folder = settings.audit_dir / PUBLIC_DIR
    for path in sorted(folder.glob("*.pem")) if folder.is_dir() else []:
        with contextlib.suppress(ValueError):
            public = serialization.load_pem_public_key(path.read_bytes())
            if isinstance(public, Ed25519PublicKey):
                keys[key_id(public)] = public
    if settings.hub_audit_signing_key:
        signer = load_signer(settings)
        keys[signer.key_id] = signer.private.public_key()
    return keys


def signature_valid(public: Ed25519PublicKey, message: bytes, signature: str) -> bool:
    try:
        public.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True
