"""A decision rule applied to the user's case: its answer, then a ticket or an offer."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context, feedback
from actions.business.decisions import Outcome
from actions.business.turn import Step
from actions.ticket_flow import start_ticket

Events = list[dict[str, Any]]


def state_outcome(
    dispatcher: CollectingDispatcher, tracker: Tracker, rule: str, outcome: Outcome,
) -> Events:
    """State the rule applied to the user's case; open the ticket if it says so (its questions
    come next, in the same action run).

    A decision without a ticket stays open (`last_decision`): a fact given right after it
    ("ah pardon, le 10") is read against the same rule, which is applied again.
    """
    dispatcher.utter_message(response=outcome.response, **outcome.values)
    if outcome.ticket:
        return [SlotSet("decision_rule", None), SlotSet("last_decision", None),
                *start_ticket(dispatcher, tracker, outcome.ticket, outcome.prefill)]
    topic = tracker.get_slot("topic")
    offer = context.catalog().topics[topic].ticket_for(context.role_of(tracker)) if topic else None
    return [SlotSet("decision_rule", None), SlotSet("last_decision", rule),
            SlotSet("offered_ticket", offer), context.waiting_for(Step.LISTEN),
            *feedback.ask(dispatcher, tracker, topic, outcome.response)]
