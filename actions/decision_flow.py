"""A decision rule applied to the user's case: its answer, then a ticket or an offer."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context, feedback
from actions.business.decisions import Outcome, step
from actions.business.turn import Step
from actions.ticket_flow import start_ticket

Events = list[dict[str, Any]]


def decide(dispatcher: CollectingDispatcher, tracker: Tracker, rule: str) -> Events:
    """State the rule applied to the user's case; hand over to the ticket form if it says so.

    A decision without a ticket stays open (`last_decision`): a fact given right after it
    ("ah pardon, le 10") is read against the same rule, which is applied again.
    """
    facts = context.slot_values(tracker, list(context.catalog().fields))
    outcome = step(rule, context.role_of(tracker), facts, context.today(), context.rules())
    if not isinstance(outcome, Outcome):  # the form ended without every fact
        dispatcher.utter_message(response="utter_anything_else")
        return [SlotSet("flow", None), context.waiting_for(Step.LISTEN)]
    dispatcher.utter_message(response=outcome.response, **outcome.values)
    if outcome.ticket:
        return [SlotSet("decision_rule", None), SlotSet("last_decision", None),
                *start_ticket(dispatcher, tracker, outcome.ticket, outcome.prefill)]
    topic = tracker.get_slot("topic")
    offer = context.catalog().topics[topic].ticket_for(context.role_of(tracker)) if topic else None
    return [SlotSet("decision_rule", None), SlotSet("last_decision", rule), SlotSet("flow", None),
            SlotSet("offered_ticket", offer), context.waiting_for(Step.LISTEN),
            *feedback.ask(dispatcher, tracker, topic, outcome.response)]
