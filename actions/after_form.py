"""When a form ends: apply the rule, show the ticket summary, or handle the user leaving."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.business.flow import CANCEL, REQUEST_TICKET
from actions.business.turn import Step
from actions.decision_flow import decide
from actions.respond import respond_to_intent
from actions.ticket_flow import requested_category, show_summary, start_ticket

Events = list[dict[str, Any]]


def leave(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> Events:
    """The user cancelled or changed subject: say so, keep nothing half-done, answer the new one."""
    events = [SlotSet("interruption", None), SlotSet("flow", None), SlotSet("decision_rule", None)]
    if reason == CANCEL:
        dispatcher.utter_message(response="utter_form_cancelled")
        return [*events, SlotSet("ticket_category", None), context.waiting_for(Step.LISTEN)]
    if reason == REQUEST_TICKET:
        return [*events, *start_ticket(dispatcher, tracker, requested_category(tracker))]
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
            return decide(dispatcher, tracker, tracker.get_slot("decision_rule"))
        if tracker.get_slot("flow") == "ticket" and tracker.get_slot("ticket_category"):
            return show_summary(dispatcher, tracker)
        dispatcher.utter_message(response="utter_anything_else")
        return [context.waiting_for(Step.LISTEN)]
