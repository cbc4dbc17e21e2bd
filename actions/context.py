"""What every action needs: the rules, the catalog, today, the ticket store, tracker readings."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.business.calendar import today as paris_today
from actions.business.catalog import Catalog, cached_catalog
from actions.business.fields import is_canonical
from actions.business.rulebook import Rules, cached_rules
from actions.business.turn import Message, State, Step
from actions.tickets.config import store_from_env
from actions.tickets.store import TicketStore

# Below this confidence an intent seen in the answer to a question never leaves the questions.
INTERRUPT_CONFIDENCE = 0.8
ROLES = ("mentor", "coach")


def rules() -> Rules:
    return cached_rules()


def catalog() -> Catalog:
    return cached_catalog()


def today() -> date:
    return paris_today(rules().timezone, os.environ)


def store() -> TicketStore:
    return store_from_env(os.environ)


def role_of(tracker: Tracker) -> str | None:
    role = tracker.get_slot("role")
    return role if role in ROLES else None


def latest_intent(tracker: Tracker) -> tuple[str | None, float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def slot_values(tracker: Tracker, names: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {name: tracker.get_slot(name) for name in names}


def clear(tracker: Tracker, names: Any) -> list[dict[str, Any]]:
    """Empty the slots that hold a value (a SlotSet per field on every topic would make each
    conversation's event log, and every later turn's tracker load, grow by dozens of events)."""
    return [SlotSet(name, None) for name in names if tracker.get_slot(name) is not None]


def waiting_for(step: Step) -> dict[str, Any]:
    """The `next_step` slot event: what the bot waits for once its turn is over."""
    return SlotSet("next_step", step.value)


def state_of(tracker: Tracker) -> State:
    """Where the conversation stands, read from the slots once per turn."""
    fields = catalog().fields
    role = role_of(tracker)
    category, offered = tracker.get_slot("ticket_category"), tracker.get_slot("offered_ticket")
    details = catalog().categories
    return State(
        step=Step.of(tracker.get_slot("next_step")),
        asked_field=tracker.get_slot("asked_field"),
        role=role,
        topic=tracker.get_slot("topic"),
        pending_topic=tracker.get_slot("pending_topic"),
        offered_ticket=offered,
        last_decision=tracker.get_slot("last_decision"),
        ticket_category=category,
        known={name: value for name in fields
               if is_canonical(fields[name], value := tracker.get_slot(name))},
        draft_fields=details[category].details_for(role) if category in details else (),
        offered_fields=details[offered].details_for(role) if offered in details else (),
    )


def message_of(tracker: Tracker, intent: str) -> Message:
    """The latest message as the classifier understood it."""
    _, confidence = latest_intent(tracker)
    return Message(
        text=tracker.latest_message.get("text") or "", intent=intent, confidence=confidence,
        role_entity=next(tracker.get_latest_entity_values("role"), None),
        field_entity=next(tracker.get_latest_entity_values("field"), None),
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
