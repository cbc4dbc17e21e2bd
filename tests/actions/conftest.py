"""Builders for action tests: a tracker from a few slots and the latest message, a fake store."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.tickets.memory import InMemoryTicketStore


def make_tracker(
    slots: dict[str, Any] | None = None,
    intent: str | None = None,
    text: str = "",
    confidence: float = 0.99,
    entities: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
    ranking: list[dict[str, Any]] | None = None,
    events: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence} if intent else {},
        "entities": entities or [],
        "metadata": metadata or {},
        "intent_ranking": ranking or [],
    }
    return Tracker(
        sender_id="tester",
        slots=dict(slots or {}),
        latest_message=latest,
        events=events or [{"event": "user", "text": text, "timestamp": 1.0}],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("response") for m in dispatcher.messages]


class SlotsAfter(dict):  # type: ignore[type-arg]
    """The slots a turn changed (`name in after`: the turn set it to a new value; the action
    sets no slot to the value it already holds), and what any slot holds after the turn
    (`after[name]`: the new value, else the value before, else None, as `get_slot` reads it)."""

    def __init__(self, changed: dict[str, Any], before: dict[str, Any]) -> None:
        super().__init__(changed)
        self.before = before

    def __missing__(self, name: str) -> Any:
        return self.before.get(name)


def slot_events(
    events: list[dict[str, Any]], before: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The final value each returned SlotSet gives (later events win, as in Rasa); a slot no
    event sets reads as it was `before` the turn."""
    return SlotsAfter({e["name"]: e["value"] for e in events if e.get("event") == "slot"},
                      dict(before or {}))


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> InMemoryTicketStore:
    fake = InMemoryTicketStore()
    monkeypatch.setattr(context, "store", lambda: fake)
    return fake


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every action test runs on Saturday 28 November 2026 unless it says otherwise."""
    monkeypatch.setenv("OCBOT_TODAY", "2026-11-28")
    for name in ("ZENDESK_SUBDOMAIN", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def respond(
    slots: dict[str, Any], text: str = "", intent: str = "inform", confidence: float = 0.99,
    **message: Any,
) -> tuple[CollectingDispatcher, dict[str, Any]]:
    """One user turn through action_respond (the only custom action of a turn): what the bot
    said, and the slot values its events leave."""
    from actions.respond import ActionRespond

    tracker = make_tracker(slots, intent=intent, text=text, confidence=confidence, **message)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionRespond().run(dispatcher, tracker, {}))
    return dispatcher, slot_events(events, slots)


def asking(field: str, step: str = "decision", **slots: Any) -> dict[str, Any]:
    """The slots while the bot waits for the answer to `field` (a rule's or a ticket's)."""
    return {"next_step": step, "asked_field": field, **slots}
