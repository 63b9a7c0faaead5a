"""The server's secret key (pseudonyms, per-visitor seeds, later signed links).

``CIVO_SECRET_KEY`` wins; otherwise a random key is created once in ``data/secret.key``
(mode 0600, git-ignored) so pseudonyms stay stable across restarts.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_FILE = Path("data") / "secret.key"


@functools.cache
def secret_key() -> bytes:
    env = os.environ.get("CIVO_SECRET_KEY")
    if env:
        return env.encode()
    KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return KEY_FILE.read_bytes().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return KEY_FILE.read_bytes().strip()


def keyed_digest(purpose: str, *parts: object) -> str:
    """HMAC-SHA256 of ``parts`` for one ``purpose`` (hex): unlinkable across purposes."""
    message = "\x1f".join([purpose, *map(str, parts)]).encode()
    return hmac.new(secret_key(), message, hashlib.sha256).hexdigest()
