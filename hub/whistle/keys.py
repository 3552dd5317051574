"""The channel's two secrets: the claim-code HMAC key and the payout-instruction key.

Each comes from configuration (HUB_TIP_CLAIM_KEY, HUB_REWARD_PAYOUT_KEY; shared by replicas) or,
outside production, is made on first use in `<state>/whistle/` (mode 0600). A placeholder or a
short key is refused in production (hub/config.py). Losing the claim key makes every claim code
unusable; losing the payout key makes unpaid instructions unreadable: back both up.
"""

from __future__ import annotations

import base64
import os
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet

from hub.config import Settings

CLAIM_FILE = "claim-code.key"
PAYOUT_FILE = "payout.key"


def _made_once(path: Path, make: bytes) -> bytes:
    """The key in `path`, written atomically the first time (several workers may start)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(make)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_bytes().strip()


@lru_cache(maxsize=8)
def claim_key(settings: Settings) -> bytes:
    if settings.hub_tip_claim_key:
        return settings.hub_tip_claim_key.encode()
    made = base64.urlsafe_b64encode(secrets.token_bytes(32))
    return _made_once(settings.whistle_dir / CLAIM_FILE, made)


@lru_cache(maxsize=8)
def payout_cipher(settings: Settings) -> Fernet:
    if settings.hub_reward_payout_key:
        return Fernet(settings.hub_reward_payout_key.encode())
    return Fernet(_made_once(settings.whistle_dir / PAYOUT_FILE, Fernet.generate_key()))
