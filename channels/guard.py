"""What every channel does to a user's message before Rasa sees it (no Rasa import: pure).

- Control and format characters are removed (emoji joiners kept), text is NFC-normalised.
- Empty messages and messages over MAX_MESSAGE_CHARS are answered by the channel with a domain
  response and never reach the tracker.
- Button payloads (`/intent{"entity": "value"}`) are honoured only when they are ones the bot
  itself offers: a known intent, no confidence, only the `role`, `field` and `feedback` entities
  with known values. Anything else typed with a leading slash is read as plain text, so a user
  cannot choose an intent or set a slot by typing JSON.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass

# Longer than any real question (the widget stops typing at this length); keeps NLU time bounded.
MAX_MESSAGE_CHARS = 2000
# Raw length beyond which a message is refused before cleaning (padding is collapsed first).
MAX_RAW_CHARS = 64 * MAX_MESSAGE_CHARS
EMPTY = "utter_input_empty"
TOO_LONG = "utter_input_too_long"

_KEPT_FORMAT_CHARS = frozenset({"\u200d"})  # zero-width joiner: part of many emoji
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_PAYLOAD_RE = re.compile(r"^/(?P<intent>[A-Za-z0-9_]+)(?P<entities>\{.*\})?$", re.DOTALL)


@dataclass(frozen=True)
class Screened:
    """The text to hand to Rasa, or the response that answers instead (`problem`)."""

    text: str
    problem: str | None = None


def clean(text: str) -> str:
    """NFC text without control or invisible format characters; line breaks become spaces."""
    normalized = unicodedata.normalize("NFC", text)
    kept = (
        " " if ch.isspace() else ch
        for ch in normalized
        if ch.isspace()
        or ch in _KEPT_FORMAT_CHARS
        or unicodedata.category(ch) not in _DROPPED_CATEGORIES
    )
    return " ".join("".join(kept).split())


@dataclass(frozen=True)
class PayloadPolicy:
    """The payloads the bot's own buttons send: intents, and allowed values per entity."""

    intents: frozenset[str]
    entity_values: Mapping[str, Collection[str]]

    def allows(self, text: str) -> bool:
        match = _PAYLOAD_RE.match(text)
        if not match or match.group("intent") not in self.intents:
            return False
        raw = match.group("entities")
        if raw is None:
            return True
        try:
            entities = json.loads(raw)
        except ValueError:
            return False
        return isinstance(entities, dict) and all(
            isinstance(value, str) and value in self.entity_values.get(name, ())
            for name, value in entities.items()
        )


def screen(text: object, policy: PayloadPolicy) -> Screened:
    """Decide what Rasa gets from a raw message (any JSON value may arrive here)."""
    if not isinstance(text, str):
        return Screened("", EMPTY)
    if len(text) > MAX_RAW_CHARS:  # not worth cleaning
        return Screened("", TOO_LONG)
    cleaned = clean(text)
    if not cleaned:
        return Screened("", EMPTY)
    if len(cleaned) > MAX_MESSAGE_CHARS:
        return Screened("", TOO_LONG)
    if cleaned.startswith("/") and not policy.allows(cleaned):
        cleaned = cleaned.lstrip("/ ")
        if not cleaned:
            return Screened("", EMPTY)
    return Screened(cleaned)


def response_text(responses: Mapping[str, list[dict]], name: str) -> str:
    """The first text variation of a domain response, with {max_chars} filled in."""
    text = next((r["text"] for r in responses.get(name, []) if r.get("text")), name)
    return text.replace("{max_chars}", f"{MAX_MESSAGE_CHARS:,}".replace(",", "\u202f"))
