"""The questions of a rule and of a ticket are asked and read in the pure conversation
(actions/business/conversation.py); this adapter only moves on from the slots as they are."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.respond import moved_on

Events = list[dict[str, Any]]


def carry_on(dispatcher: CollectingDispatcher, tracker: Tracker, events: Events) -> Events:
    """After `events`: the next question, the rule's decision or the ticket's summary."""
    for event in events:
        if event.get("event") == "slot":
            tracker.slots[event["name"]] = event.get("value")
    return [*events, *moved_on(dispatcher, tracker)]
