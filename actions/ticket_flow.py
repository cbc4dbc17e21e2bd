"""The ticket flow: start the draft, show the summary, then confirm, edit or cancel.

The draft's questions are asked by actions/questions.py, in the same action run."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import attachments, context, requester
from actions.business.dialogue import (
    Command,
    SummaryReply,
    ticket_on_request,
)
from actions.business.fields import is_canonical
from actions.business.flow import summary_lines, ticket_fields
from actions.business.turn import Step
from actions.outbox import kick_outbox
from actions.tickets.config import forwarding_enabled
from actions.tickets.model import NewTicket

logger = logging.getLogger(__name__)
Events = list[dict[str, Any]]


def requested_category(tracker: Tracker) -> str:
    """The ticket the user asks for: the one offered, else the one the topic's rule opens for a
    case like theirs, else the topic's, else 'other'."""
    offered = tracker.get_slot("offered_ticket")
    if offered:
        return offered
    role = context.role_of(tracker)
    rule = tracker.get_slot("decision_rule") or tracker.get_slot("last_decision")
    facts = context.slot_values(tracker, list(context.catalog().fields))
    category = rule and ticket_on_request(rule, role, facts, context.catalog(), context.today(),
                                          context.rules())
    topic = tracker.get_slot("topic")
    topic_ticket = context.catalog().topics[topic].ticket_for(role) if topic else None
    return category or topic_ticket or "other"


def start_ticket(
    dispatcher: CollectingDispatcher, tracker: Tracker, category: str,
    prefill: dict[str, str] | None = None,
) -> Events:
    """Clear the category's details, keep what is already known, and start the ticket's
    questions (asked next in the same run: actions/questions.py)."""
    role = context.role_of(tracker)
    names = ticket_fields(category, role, context.catalog())
    label = context.catalog().categories[category].label
    dispatcher.utter_message(response="utter_ticket_start", category_label=label)
    # What the user already said wins over what the rule infers; anything else is asked.
    fields = context.catalog().fields
    kept = {name for name in names if is_canonical(fields[name], tracker.get_slot(name))}
    prefilled = {k: v for k, v in (prefill or {}).items() if k in names and k not in kept}
    # A value the rule copies from the user's answers was read; one it computes was inferred.
    said = {tracker.get_slot(name) for name in fields} - {None}
    inferred = [name for name, value in prefilled.items() if value not in said]
    return [
        *context.clear(tracker, [name for name in names if name not in kept]),
        *attachments.cleared(),
        *[SlotSet(name, value) for name, value in prefilled.items()],
        SlotSet("ticket_category", category),
        SlotSet("inferred_details", sorted(inferred) or None),
        SlotSet("ticket_key", None),
        SlotSet("offered_ticket", None),
        SlotSet("asked_field", None),
        context.waiting_for(Step.TICKET),
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
    lines = [*lines, *attachments.summary_lines(tracker)]
    reminder = attachments.reminder(tracker)
    if reminder:
        dispatcher.utter_message(response=reminder)
    inferred = [context.catalog().fields[name].label
                for name in tracker.get_slot("inferred_details") or ()]
    if inferred:
        # What the bot worked out (a month from today's date) is said so, never sent silently.
        dispatcher.utter_message(response="utter_ticket_inferred", details=", ".join(inferred))
    text = "\n".join(f"- {name} : {value}" for name, value in lines)
    requester.announce(dispatcher, tracker)
    dispatcher.utter_message(response="utter_ticket_summary", category_label=label, summary=text)
    key = tracker.get_slot("ticket_key") or uuid.uuid4().hex
    return [SlotSet("ticket_key", key), context.waiting_for(Step.CONFIRM)]


def _draft_fields(tracker: Tracker) -> tuple[str, ...]:
    return ticket_fields(tracker.get_slot("ticket_category"), context.role_of(tracker),
                         context.catalog())


def _no_longer_inferred(tracker: Tracker, name: str) -> Events:
    """A detail the user gave is no longer the bot's guess."""
    inferred = list(tracker.get_slot("inferred_details") or ())
    if name not in inferred:
        return []
    inferred.remove(name)
    tracker.slots["inferred_details"] = inferred or None
    return [SlotSet("inferred_details", inferred or None)]


def reply_to_summary(
    dispatcher: CollectingDispatcher, tracker: Tracker, reply: SummaryReply,
) -> Events:
    """The user's answer to the summary, typed or clicked: create, cancel, or change a detail."""
    names = _draft_fields(tracker)
    reply = requester.summary_reply(tracker, reply)  # the reply address is a detail too
    if reply.command is Command.CONFIRM:
        return create_ticket(dispatcher, tracker)
    if reply.command is Command.CANCEL:
        dispatcher.utter_message(response="utter_ticket_cancelled")
        return [SlotSet("ticket_category", None), SlotSet("ticket_key", None),
                context.waiting_for(Step.LISTEN)]
    if reply.command is Command.EDIT and reply.field:
        edited = [SlotSet(reply.field, reply.value), *_no_longer_inferred(tracker, reply.field)]
        if reply.value:
            tracker.slots[reply.field] = reply.value
            return [*edited, *show_summary(dispatcher, tracker)]
        return [*edited, context.waiting_for(Step.TICKET)]  # that detail is asked again
    if reply.command is Command.EDIT:
        buttons = [
            {"title": context.catalog().fields[name].label,
             "payload": f'/inform{{"field":"{name}"}}'}
            for name in names
        ] + requester.edit_buttons(tracker)
        dispatcher.utter_message(response="utter_ticket_which_field", buttons=buttons)
        return [context.waiting_for(Step.CONFIRM)]
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
        files=attachments.files_of(tracker),
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
        return [context.waiting_for(Step.LISTEN)]
    try:
        ticket, created = context.store().create(
            _new_ticket(tracker, key), forwarding=forwarding_enabled()
        )
    except Exception:  # any store failure: the draft stays in the conversation, nothing is lost
        logger.exception("ticket store unavailable; draft kept for a retry")
        dispatcher.utter_message(response="utter_ticket_store_down")
        return [context.waiting_for(Step.CONFIRM)]
    logger.info("ticket %s %s (category %s)", ticket.reference,
                "created" if created else "already existed", ticket.category)
    if created and forwarding_enabled():
        kick_outbox()
    response = "utter_ticket_created" if created else "utter_ticket_already_created"
    dispatcher.utter_message(response=response, reference=ticket.reference)
    return [SlotSet("last_ticket_ref", ticket.reference), context.waiting_for(Step.CREATED)]
