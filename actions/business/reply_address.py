"""The address the support team answers to: reading one from what the user typed (pure)."""

from __future__ import annotations

import re

# Deliberately plain: a local part without spaces or quotes, a domain with at least one dot.
EMAIL_RE = re.compile(r"^[^@\s<>\"',;:()\[\]]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_CANDIDATE = re.compile(r"[^\s<>\"',;:()\[\]]+@[^\s<>\"',;:()\[\]]+")
MAX_EMAIL_CHARS = 254


def is_email(text: object) -> bool:
    return isinstance(text, str) and len(text) <= MAX_EMAIL_CHARS and bool(EMAIL_RE.match(text))


def parse_email(text: str) -> str | None:
    """The one address in an answer ("c'est alice@exemple.fr."), domain lower-cased; else None.

    Two addresses are no answer: the bot cannot guess which one to reply to.
    """
    candidates = [found.rstrip(".!?") for found in _CANDIDATE.findall(text)]
    if len(candidates) != 1 or not is_email(candidates[0]):
        return None
    local, _, domain = candidates[0].rpartition("@")
    return f"{local}@{domain.lower()}"
