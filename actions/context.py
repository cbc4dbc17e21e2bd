"""What the action needs: the rules, the catalog, today, the ticket store, and the tracker read
once per turn into the pure conversation's inputs (actions/business/conversation.py)."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from rasa_sdk import Tracker

from actions.business.calendar import today as paris_today
from actions.business.catalog import Catalog, cached_catalog
from actions.business.conversation import Conversation, Heard, Identity, TopicAsked
from actions.business.feedback import ENTITY as FEEDBACK_ENTITY
from actions.business.rulebook import Rules, cached_rules
from actions.business.turn import Message
from actions.tickets.attachments import METADATA_KEY, Attachment, Refusal, read_wire
from actions.tickets.config import store_from_env
from actions.tickets.model import IDENTITY_VERIFIED
from actions.tickets.store import TicketStore


def rules() -> Rules:
    return cached_rules()


def catalog() -> Catalog:
    return cached_catalog()


def today() -> date:
    return paris_today(rules().timezone, os.environ)


def store() -> TicketStore:
    return store_from_env(os.environ)


def conversation_of(tracker: Tracker) -> Conversation:
    """Where the conversation stands: the slots, and what the event log says besides."""
    return Conversation(
        slots=dict(tracker.slots),
        new_session=_new_session(tracker),
        last_response=_last_response(tracker),
        topics_asked=_topics_asked(tracker),
    )


def message_of(tracker: Tracker) -> Message:
    """The latest message as the classifier understood it."""
    intent = tracker.latest_message.get("intent") or {}
    return Message(
        text=tracker.latest_message.get("text") or "",
        intent=intent.get("name") or "",
        confidence=float(intent.get("confidence") or 0.0),
        role_entity=next(tracker.get_latest_entity_values("role"), None),
        field_entity=next(tracker.get_latest_entity_values("field"), None),
    )


def heard_of(tracker: Tracker) -> Heard:
    """What comes with the latest message: entities, ranking, file, channel, signed-in user."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    return Heard(
        second_topic=next(tracker.get_latest_entity_values("second_topic"), None),
        feedback=next(tracker.get_latest_entity_values(FEEDBACK_ENTITY), None),
        ranking=tuple(str(r["name"]) for r in ranking if isinstance(r.get("name"), str)),
        attachment=_received(tracker),
        channel=tracker.get_latest_input_channel(),
        identity=_verified(tracker),
    )


def _new_session(tracker: Tracker) -> bool:
    """Whether the session started after the bot's last message."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return False
        if event.get("event") == "session_started":
            return True
    return False


def _last_response(tracker: Tracker) -> str | None:
    """The response name of the bot's latest message (Rasa keeps it in the event's metadata)."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action")
    return None


def _reading(parse: dict[str, Any]) -> TopicAsked:
    confidence = (parse.get("intent") or {}).get("confidence")
    ranking = parse.get("intent_ranking") or []
    return TopicAsked(
        confidence=float(confidence) if confidence is not None else None,
        ranking=tuple(str(r["name"]) for r in ranking if isinstance(r.get("name"), str)),
    )


def _topics_asked(tracker: Tracker) -> dict[str, TopicAsked]:
    """For each intent, how the latest user message of that intent was read (the latest message
    itself when the event log has none)."""
    found: dict[str, TopicAsked] = {}
    for event in tracker.events:
        parse = event.get("parse_data") or {}
        name = (parse.get("intent") or {}).get("name")
        if event.get("event") == "user" and name:
            found[name] = _reading(parse)
    latest = tracker.latest_message or {}
    name = (latest.get("intent") or {}).get("name")
    if name and name not in found:
        found[name] = _reading(latest)
    return found


def _received(tracker: Tracker) -> Attachment | Refusal | None:
    metadata = tracker.latest_message.get("metadata") or {}
    read = read_wire(metadata.get(METADATA_KEY)) if isinstance(metadata, dict) else None
    return read[0] if isinstance(read, tuple) else read


def _verified(tracker: Tracker) -> Identity | None:
    """The signed-in user the channel put in the message's metadata (clients cannot set it)."""
    metadata = tracker.latest_message.get("metadata") or {}
    claimed = metadata.get("identity") if isinstance(metadata, dict) else None
    if not isinstance(claimed, dict) or claimed.get("kind") != IDENTITY_VERIFIED:
        return None
    email, name, user_id = claimed.get("email"), claimed.get("name"), claimed.get("user_id")
    return Identity(
        email=email if isinstance(email, str) else None,
        name=name if isinstance(name, str) else None,
        user_id=user_id if isinstance(user_id, str) else None,
    )


def transcript(tracker: Tracker) -> list[dict[str, Any]]:
    """The user and bot turns of the conversation, for the support agent."""
    turns = []
    for event in tracker.events:
        kind = event.get("event")
        text = event.get("text")
        if kind in ("user", "bot") and text:
            turns.append({"who": kind, "text": text, "at": event.get("timestamp")})
    return turns
