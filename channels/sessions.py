"""Session ids the server issues and signs, so a session cannot be taken by guessing.

Used by the socket.io channel and by the REST channel's anonymous sessions (channels/rest.py).
Rasa's socket.io channel lets the client name its session and then routes every reply of that
session to whoever names it. Here a session id is `<128 random bits>.<HMAC of them>`: the server
resumes a session only when the client shows an id it signed, and the conversation (tracker,
room) is keyed by the random part alone, so neither the database nor the logs hold a usable id.

The secret comes from OCBOT_SESSION_SECRET (every Rasa server of a deployment must share it);
without it, a key file is created once under var/ (owner-only), enough for one machine.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

SECRET_ENV = "OCBOT_SESSION_SECRET"
DEFAULT_KEY_FILE = Path("var/session.key")
_SIGNATURE_HEX = 32


class SessionSigner:
    """Issues session ids and tells which conversation a presented id belongs to."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the session secret must be at least 16 bytes")
        self._secret = secret

    def _sign(self, sender: str) -> str:
        return hmac.new(self._secret, sender.encode(), hashlib.sha256).hexdigest()[:_SIGNATURE_HEX]

    def issue(self) -> tuple[str, str]:
        """A new (session id for the client, conversation id for Rasa)."""
        sender = secrets.token_hex(16)
        return f"{sender}.{self._sign(sender)}", sender

    def sender_of(self, session_id: object) -> str | None:
        """The conversation of a session id this server issued; None for anything else."""
        if not isinstance(session_id, str) or session_id.count(".") != 1:
            return None
        sender, signature = session_id.split(".")
        if not sender or not hmac.compare_digest(signature.encode(), self._sign(sender).encode()):
            return None
        return sender


def load_secret(environ: Mapping[str, str], key_file: Path = DEFAULT_KEY_FILE) -> bytes:
    """The signing secret: from the environment, else from (or into) an owner-only key file."""
    if environ.get(SECRET_ENV):
        return environ[SECRET_ENV].encode()
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another server of this machine made it just now
            pass
        else:
            with os.fdopen(descriptor, "w") as out:
                out.write(secrets.token_hex(32))
    return key_file.read_text().strip().encode()
