"""The one custom action of a user turn (Rasa adapter of actions/business/conversation.py).

It reads the tracker once into the conversation and the message, calls `next_turn`, carries
out the effects through their ports (the ticket store: actions/ticket_flow.py), hands the
store's answer to `after_ticket`, then sends the responses and sets the slots that changed.
Every choice of response and slot value is made in the pure module.
"""

from __future__ import annotations

import uuid
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context, ticket_flow
from actions.business.conversation import (
    CreateTicket,
    RecordFeedback,
    Turn,
    after_ticket,
    move_on,
    next_turn,
)
from actions.business.feedback import RECORD_SLOT

Events = list[dict[str, Any]]
# Every rule that runs action_respond ends with it and waits for the user
# (tests/domain/test_turn_ends.py): the action says so itself, and Rasa listens without running
# its policies over the whole conversation a second time to find that out.
LISTEN = "action_listen"


def respond(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """The bot's whole turn for the latest message."""
    turn = next_turn(context.conversation_of(tracker), context.message_of(tracker),
                     context.heard_of(tracker), context.today(), context.catalog(),
                     context.rules(), uuid.uuid4().hex)
    return play(dispatcher, tracker, turn)


def carry_on(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """What the bot does next from the slots as they are, reading no message (a rule or a
    ticket in progress, nothing asked yet): `conversation.move_on`."""
    turn = move_on(context.conversation_of(tracker), context.message_of(tracker),
                   context.heard_of(tracker), context.today(), context.catalog(),
                   context.rules(), uuid.uuid4().hex)
    return play(dispatcher, tracker, turn)


def play(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn) -> Events:
    """Carry out the turn's effects, then say its responses and set the slots it changed."""
    records: Events = []
    for effect in turn.effects:
        if isinstance(effect, CreateTicket):
            result = ticket_flow.create(effect, tracker)
            turn = turn.then(after_ticket(turn.conversation, result, context.today(),
                                          context.catalog(), context.rules()))
        elif isinstance(effect, RecordFeedback):
            records.append(SlotSet(RECORD_SLOT, dict(effect.record)))
    for say in turn.responses:
        buttons = [{"title": b.title, "payload": b.payload} for b in say.buttons]
        dispatcher.utter_message(response=say.name, buttons=buttons, **say.values)
    changed = turn.changes(tracker.slots)
    return [*records, *[SlotSet(name, value) for name, value in changed.items()]]


class ActionRespond(Action):
    """Entry point for every intent that is not plain small talk."""

    def name(self) -> str:
        return "action_respond"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any],
    ) -> Events:
        return [*respond(dispatcher, tracker), FollowupAction(LISTEN)]
