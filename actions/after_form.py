"""When a form ends: apply the rule, show the ticket summary, or handle the user leaving."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context, feedback
from actions.business.decisions import Outcome, step
from actions.business.flow import CANCEL
from actions.respond import respond_to_intent
from actions.ticket_flow import show_summary, start_ticket

Events = list[dict[str, Any]]


def decide(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """State the rule applied to the user's case; hand over to the ticket form if it says so."""
    facts = context.slot_values(tracker, list(context.catalog().fields))
    outcome = step(tracker.get_slot("decision_rule"), context.role_of(tracker), facts,
                   context.today(), context.rules())
    if not isinstance(outcome, Outcome):  # the form ended without every fact
        dispatcher.utter_message(response="utter_anything_else")
        return [SlotSet("flow", None), SlotSet("next_step", "listen")]
    dispatcher.utter_message(response=outcome.response, **outcome.values)
    if outcome.ticket:
        return [SlotSet("decision_rule", None),
                *start_ticket(dispatcher, tracker, outcome.ticket, outcome.prefill)]
    topic = tracker.get_slot("topic")
    offer = context.catalog().topics[topic].ticket_for(context.role_of(tracker)) if topic else None
    return [SlotSet("decision_rule", None), SlotSet("flow", None),
            SlotSet("offered_ticket", offer), SlotSet("next_step", "listen"),
            *feedback.ask(dispatcher, tracker, topic, outcome.response)]


def leave(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> Events:
    """The user cancelled or changed subject: say so, keep nothing half-done, answer the new one."""
    events = [SlotSet("interruption", None), SlotSet("flow", None), SlotSet("decision_rule", None)]
    if reason == CANCEL:
        dispatcher.utter_message(response="utter_form_cancelled")
        return [*events, SlotSet("ticket_category", None), SlotSet("next_step", "listen")]
    dispatcher.utter_message(response="utter_form_left")
    return [*events, *respond_to_intent(dispatcher, tracker, reason)]


class ActionAfterForm(Action):
    """Runs when the decision form or the ticket form is done (or left)."""

    def name(self) -> str:
        return "action_after_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any],
    ) -> Events:
        reason = tracker.get_slot("interruption")
        if reason:
            return leave(dispatcher, tracker, reason)
        if tracker.get_slot("flow") == "decision":
            return decide(dispatcher, tracker)
        if tracker.get_slot("flow") == "ticket" and tracker.get_slot("ticket_category"):
            return show_summary(dispatcher, tracker)
        dispatcher.utter_message(response="utter_anything_else")
        return [SlotSet("next_step", "listen")]
