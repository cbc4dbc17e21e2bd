"""The ticket flow: start the form, show the summary, then confirm, edit or cancel."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context, requester
from actions.business.flow import summary_lines, ticket_fields
from actions.outbox import kick_outbox
from actions.tickets.config import forwarding_enabled
from actions.tickets.model import NewTicket

logger = logging.getLogger(__name__)
Events = list[dict[str, Any]]
EDIT_MENU = "menu"


def start_ticket(
    dispatcher: CollectingDispatcher, tracker: Tracker, category: str,
    prefill: dict[str, str] | None = None,
) -> Events:
    """Clear the category's details, keep what is already known, and open the ticket form."""
    role = context.role_of(tracker)
    names = ticket_fields(category, role, context.catalog())
    label = context.catalog().categories[category].label
    dispatcher.utter_message(response="utter_ticket_start", category_label=label)
    known = {k: v for k, v in (prefill or {}).items() if k in names}
    return [
        *context.clear(tracker, names),
        *[SlotSet(name, value) for name, value in known.items()],
        SlotSet("ticket_category", category),
        SlotSet("ticket_key", None),
        SlotSet("flow", "ticket"),
        SlotSet("offered_ticket", None),
        SlotSet("next_step", "ticket"),
    ]


def _summary(tracker: Tracker) -> tuple[str, str, list[tuple[str, str]]]:
    category = tracker.get_slot("ticket_category")
    role = context.role_of(tracker)
    names = ticket_fields(category, role, context.catalog())
    values = context.slot_values(tracker, names)
    label = context.catalog().categories[category].label
    return category, label, summary_lines(category, role, values, context.catalog())


def show_summary(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """Every detail, then Confirmer / Modifier / Annuler."""
    category, label, lines = _summary(tracker)
    reminder = context.catalog().categories[category].reminder
    if reminder:
        dispatcher.utter_message(response=reminder)
    text = "\n".join(f"- {name} : {value}" for name, value in lines)
    requester.announce(dispatcher, tracker)
    dispatcher.utter_message(response="utter_ticket_summary", category_label=label, summary=text)
    key = tracker.get_slot("ticket_key") or uuid.uuid4().hex
    return [SlotSet("ticket_key", key), SlotSet("flow", None), SlotSet("next_step", "confirm")]


def reply_to_summary(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> Events:
    """The user's answer to the summary: create, cancel, or change one detail."""
    if intent == "affirm":
        return create_ticket(dispatcher, tracker)
    if intent == "deny":
        dispatcher.utter_message(response="utter_ticket_cancelled")
        return [SlotSet("ticket_category", None), SlotSet("ticket_key", None),
                SlotSet("next_step", "listen")]
    wanted = next(tracker.get_latest_entity_values("field"), None)
    names = ticket_fields(tracker.get_slot("ticket_category"), context.role_of(tracker),
                          context.catalog())
    if wanted in names:
        return [SlotSet(wanted, None), SlotSet("flow", "ticket"), SlotSet("next_step", "ticket")]
    if wanted == EDIT_MENU:
        buttons = [
            {"title": context.catalog().fields[name].label,
             "payload": f'/inform{{"field":"{name}"}}'}
            for name in names
        ]
        dispatcher.utter_message(response="utter_ticket_which_field", buttons=buttons)
        return [SlotSet("next_step", "confirm")]
    dispatcher.utter_message(response="utter_ticket_confirm_help")
    return show_summary(dispatcher, tracker)


def _new_ticket(tracker: Tracker, key: str) -> NewTicket:
    category = tracker.get_slot("ticket_category")
    role = context.role_of(tracker)
    names = ticket_fields(category, role, context.catalog())
    who = requester.requester_of(tracker)
    return NewTicket(
        category=category,
        details=summary_details(tracker, category, role, names),
        role=role,
        channel=tracker.get_latest_input_channel(),
        sender_id=tracker.sender_id,
        transcript=context.transcript(tracker),
        idempotency_key=key,
        requester_email=who.email,
        requester_name=who.name,
        user_id=who.user_id,
        identity=who.identity,
    )


def summary_details(
    tracker: Tracker, category: str, role: str | None, names: tuple[str, ...],
) -> dict[str, str]:
    """Ticket details keyed by field name, with values as the support agent reads them."""
    lines = summary_lines(category, role, context.slot_values(tracker, names), context.catalog())
    return {name: value for name, (_, value) in zip(names, lines, strict=True)}


def create_ticket(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """Store the ticket once: the draft's key makes a repeated confirmation return the same one."""
    key = tracker.get_slot("ticket_key")
    if not key or not tracker.get_slot("ticket_category"):
        dispatcher.utter_message(response="utter_anything_else")
        return [SlotSet("next_step", "listen")]
    try:
        ticket, created = context.store().create(
            _new_ticket(tracker, key), forwarding=forwarding_enabled()
        )
    except Exception:  # any store failure: the draft stays in the conversation, nothing is lost
        logger.exception("ticket store unavailable; draft kept for a retry")
        dispatcher.utter_message(response="utter_ticket_store_down")
        return [SlotSet("next_step", "confirm")]
    logger.info("ticket %s %s (category %s)", ticket.reference,
                "created" if created else "already existed", ticket.category)
    if created and forwarding_enabled():
        kick_outbox()
    response = "utter_ticket_created" if created else "utter_ticket_already_created"
    dispatcher.utter_message(response=response, reference=ticket.reference)
    return [SlotSet("last_ticket_ref", ticket.reference), SlotSet("next_step", "created")]
