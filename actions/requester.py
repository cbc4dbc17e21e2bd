"""Who the ticket is from, and the address the answer goes to (Rasa adapter, kept apart).

- Signed in (a verified token, or Slack's profile): the channel puts `identity` in every
  message's metadata (channels/identity.py); clients cannot set it. Its e-mail and name are used.
- Anonymous: the ticket form asks for an e-mail before the summary (slot `requester_email`),
  validated here; the ticket says identity "declared". At the summary "Modifier" offers it with
  the ticket's details, and "modifier l'email, c'est x@y.fr" changes it; a verified address is
  never offered (it is a proof).
ticket_flow and forms call the functions below and know nothing else of this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.business.address_edit import read_address_edit
from actions.business.dialogue import Command, SummaryReply
from actions.business.flow import interruption
from actions.business.reply_address import is_email, parse_email
from actions.tickets.model import IDENTITY_DECLARED, IDENTITY_NONE, IDENTITY_VERIFIED

EMAIL_SLOT = "requester_email"
OFF_TOPIC = "out_of_scope"
Events = list[dict[str, Any]]


@dataclass(frozen=True)
class Requester:
    email: str | None
    name: str | None
    user_id: str | None
    identity: str


def _verified(tracker: Tracker) -> dict[str, Any] | None:
    metadata = tracker.latest_message.get("metadata") or {}
    claimed = metadata.get("identity") if isinstance(metadata, dict) else None
    if isinstance(claimed, dict) and claimed.get("kind") == IDENTITY_VERIFIED:
        return claimed
    return None


def requester_of(tracker: Tracker) -> Requester:
    """The signed-in user, else the address the user typed, else nobody known."""
    verified = _verified(tracker)
    if verified is not None:
        email = verified.get("email")
        return Requester(
            email=email if is_email(email) else None,
            name=verified.get("name") if isinstance(verified.get("name"), str) else None,
            user_id=verified.get("user_id") if isinstance(verified.get("user_id"), str) else None,
            identity=IDENTITY_VERIFIED,
        )
    typed = tracker.get_slot(EMAIL_SLOT)
    if is_email(typed):
        return Requester(email=typed, name=None, user_id=None, identity=IDENTITY_DECLARED)
    return Requester(email=None, name=None, user_id=None, identity=IDENTITY_NONE)


def editable(tracker: Tracker) -> bool:
    """Whether the user may change the address: one they typed, never one a proof gave."""
    return _verified(tracker) is None and is_email(tracker.get_slot(EMAIL_SLOT))


def summary_reply(tracker: Tracker, reply: SummaryReply) -> SummaryReply:
    """The reply to the summary, or the change of address it asks for (typed or clicked)."""
    if not editable(tracker):
        return reply
    if next(tracker.get_latest_entity_values("field"), None) == EMAIL_SLOT:
        return SummaryReply(Command.EDIT, EMAIL_SLOT)
    return read_address_edit(tracker.latest_message.get("text") or "", reply, EMAIL_SLOT)


def edit_buttons(tracker: Tracker) -> list[dict[str, str]]:
    """The address's button in the list of what "Modifier" can change, when it may change."""
    if not editable(tracker):
        return []
    return [{"title": context.catalog().reply_address_label,
             "payload": f'/inform{{"field":"{EMAIL_SLOT}"}}'}]


def missing_slots(tracker: Tracker) -> list[str]:
    """What the ticket form must still ask so that the answer can reach the user."""
    return [] if requester_of(tracker).email else [EMAIL_SLOT]


def validate_email(value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """The typed address, or why not; "laisse tomber" or a clear new question leaves the form."""
    text = str(value or "")
    email = parse_email(text)
    intent, confidence = context.latest_intent(tracker)
    leaving = interruption(text, intent, confidence, email is not None, "text",
                           context.INTERRUPT_CONFIDENCE)
    if leaving and leaving != OFF_TOPIC:  # a mistyped address often reads as off-topic
        tracker.slots["interruption"] = leaving
        return [SlotSet(EMAIL_SLOT, None), SlotSet("interruption", leaving)]
    if email is None:
        dispatcher.utter_message(response="utter_invalid_email")
    tracker.slots[EMAIL_SLOT] = email
    return [SlotSet(EMAIL_SLOT, email)]


def announce(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Before the summary: the address the support team will answer to."""
    email = requester_of(tracker).email
    if email:
        dispatcher.utter_message(response="utter_ticket_reply_to", requester_email=email)
