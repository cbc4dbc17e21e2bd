"""The file a ticket category asks for (Rasa adapter, kept apart like requester.py).

rules/tickets.yml says which categories come with a file (`file: {kind, optional}`); the ticket's
questions ask it after the details (slot `ticket_file`, question utter_ask_file_<kind>:
actions/business/questions.py). The file
itself comes in the message metadata (actions/tickets/attachments.py: read_wire), put there by
the channel; only its description is kept in a slot (`ticket_attachments`), the bytes stay in
the user's message event and are read again, and checked again, when the ticket is created.
ticket_flow and questions call the functions below and know nothing else of this.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.business.catalog import FileRequest
from actions.business.dialogue import GiveUp, after_unreadable
from actions.business.fields import SKIPPED
from actions.business.flow import interruption
from actions.tickets.attachments import METADATA_KEY, Attachment, Refusal, read_wire
from actions.tickets.model import AttachedFile

FILE_SLOT = "ticket_file"
FILES_SLOT = "ticket_attachments"
TRIES_SLOT = "failed_answers"
OFF_TOPIC = "out_of_scope"
NOT_ATTACHED = "aucun fichier joint"
Events = list[dict[str, Any]]


def requested(tracker: Tracker) -> FileRequest | None:
    category = tracker.get_slot("ticket_category")
    known = context.catalog().categories.get(category) if category else None
    return known.file if known else None


def cleared() -> Events:
    """A new ticket starts with no file."""
    return [SlotSet(FILE_SLOT, None), SlotSet(FILES_SLOT, None)]


def _received(tracker: Tracker) -> tuple[Attachment, bytes] | Refusal | None:
    metadata = tracker.latest_message.get("metadata") or {}
    return read_wire(metadata.get(METADATA_KEY)) if isinstance(metadata, dict) else None


def validate(value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """The answer to the file question: the file, a refusal said in French, a skipped optional
    file, or (required) a reminder that the file itself is needed."""
    wanted = requested(tracker)
    received = _received(tracker)
    if isinstance(received, Refusal):
        dispatcher.utter_message(response=received.response)
        tracker.slots[FILE_SLOT] = None
        return [SlotSet(FILE_SLOT, None)]
    if received is not None:
        attachment, _ = received
        files = [*(tracker.get_slot(FILES_SLOT) or []), attachment.as_json()]
        names = ", ".join(str(entry["name"]) for entry in files)
        dispatcher.utter_message(response="utter_file_received", file_name=attachment.name)
        tracker.slots[FILE_SLOT] = names
        return [SlotSet(FILES_SLOT, files), SlotSet(FILE_SLOT, names), SlotSet(TRIES_SLOT, None)]
    text = str(value or "")
    intent, confidence = context.latest_intent(tracker)
    declined = intent == "deny"  # "non", "je ne l'ai pas": an answer, not leaving the form
    leaving = interruption(text, intent, confidence, declined, "text",
                           context.INTERRUPT_CONFIDENCE)
    if leaving and leaving != OFF_TOPIC:  # "non", "je ne l'ai pas" often read as off-topic
        tracker.slots["interruption"] = leaving
        return [SlotSet(FILE_SLOT, None), SlotSet("interruption", leaving)]
    if wanted is None or wanted.optional:
        tracker.slots[FILE_SLOT] = SKIPPED
        return [SlotSet(FILE_SLOT, SKIPPED)]
    tries = tracker.get_slot(TRIES_SLOT) or {}
    count = (tries.get("count", 0) if tries.get("field") == FILE_SLOT else 0) + 1
    if after_unreadable(count, optional=False, in_ticket=True) is GiveUp.ASK_AGAIN:
        dispatcher.utter_message(response="utter_file_needed")
        tracker.slots[FILE_SLOT] = None
        return [SlotSet(FILE_SLOT, None), SlotSet(TRIES_SLOT, {"field": FILE_SLOT,
                                                               "count": count})]
    tracker.slots[FILE_SLOT] = NOT_ATTACHED  # asked twice: the request goes without it
    return [SlotSet(FILE_SLOT, NOT_ATTACHED), SlotSet(TRIES_SLOT, None)]


def attached(tracker: Tracker) -> list[dict[str, Any]]:
    return list(tracker.get_slot(FILES_SLOT) or [])


def summary_lines(tracker: Tracker) -> list[tuple[str, str]]:
    """The summary's line for the file: its label and the names attached (or none)."""
    wanted = requested(tracker)
    if wanted is None:
        return []
    names = [str(entry.get("name")) for entry in attached(tracker)]
    return [(wanted.label, ", ".join(names) if names else NOT_ATTACHED)]


def reminder(tracker: Tracker) -> str | None:
    """The category's reminder, when the file the page requires is not attached."""
    category = context.catalog().categories[tracker.get_slot("ticket_category")]
    return None if attached(tracker) else category.reminder


def files_of(tracker: Tracker) -> tuple[AttachedFile, ...]:
    """The attached files' bytes, from the messages that brought them, checked again."""
    wanted = {entry.get("sha256") for entry in attached(tracker)}
    found: dict[str, AttachedFile] = {}
    for event in tracker.events:
        metadata = event.get("metadata") if event.get("event") == "user" else None
        raw = metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None
        read = read_wire(raw) if raw is not None else None
        if isinstance(read, tuple) and read[0].sha256 in wanted:
            found.setdefault(read[0].sha256, AttachedFile(*read))
    return tuple(found.values())
