"""The answer to a topic, or to the user's reply to the bot (role, offer, summary, suggestions)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context, feedback
from actions.business.flow import SMALL_TALK, plan_topic, word_count
from actions.ticket_flow import reply_to_summary, show_summary, start_ticket

Events = list[dict[str, Any]]
FALLBACK_TOPIC = "out_of_scope"
SUGGESTIONS = 2


def respond_to_topic(dispatcher: CollectingDispatcher, tracker: Tracker, topic: str) -> Events:
    """Ask the role, start the rule's questions, or answer and offer a ticket."""
    plan = plan_topic(topic, context.role_of(tracker), context.catalog())
    if plan.ask_role:
        dispatcher.utter_message(response="utter_ask_role")
        return [SlotSet("pending_topic", topic), SlotSet("next_step", "listen")]
    dispatcher.utter_message(response=plan.answer)
    if plan.decision:
        return [
            *context.clear(tracker, context.catalog().fields),
            SlotSet("topic", topic), SlotSet("decision_rule", plan.decision),
            SlotSet("flow", "decision"), SlotSet("pending_topic", None),
            SlotSet("next_step", "decision"),
        ]
    events = [SlotSet("topic", topic), SlotSet("pending_topic", None),
              SlotSet("offered_ticket", plan.ticket), SlotSet("next_step", "listen"),
              *feedback.ask(dispatcher, tracker, topic, plan.answer)]
    if plan.ticket:
        dispatcher.utter_message(response="utter_offer_ticket")
    return events


def respond_to_intent(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> Events:
    """Any intent outside a form: topics, small talk, and replies to the bot's last question."""
    rated = feedback.reply(dispatcher, tracker, intent)
    if rated is not None:
        return rated
    if tracker.get_slot("next_step") == "confirm":
        if intent in ("affirm", "deny", "inform"):
            return reply_to_summary(dispatcher, tracker, intent)
        if intent in context.catalog().topics:
            # Answer the side question, then show the unsent ticket again: nothing is dropped.
            dispatcher.utter_message(response=f"utter_{intent}")
            return show_summary(dispatcher, tracker)
    if intent in context.catalog().topics:
        return respond_to_topic(dispatcher, tracker, intent)
    if intent == "request_human" or (intent == "affirm" and tracker.get_slot("offered_ticket")):
        category = tracker.get_slot("offered_ticket") or "other"
        return start_ticket(dispatcher, tracker, category)
    if intent == "affirm" and tracker.get_slot("next_step") == "created":
        return reply_to_summary(dispatcher, tracker, "affirm")
    if intent == "inform" and tracker.get_slot("pending_topic") and context.role_of(tracker):
        return respond_to_topic(dispatcher, tracker, tracker.get_slot("pending_topic"))
    if intent == "inform" and next(tracker.get_latest_entity_values("role"), None):
        dispatcher.utter_message(response="utter_role_noted")
        return [SlotSet("next_step", "listen")]
    if intent == "nlu_fallback" or _unexpected_answer(tracker, intent):
        return suggest_topics(dispatcher, tracker)
    if intent in SMALL_TALK:
        dispatcher.utter_message(response=SMALL_TALK_RESPONSES[intent])
    else:
        dispatcher.utter_message(response="utter_anything_else")
    return [SlotSet("offered_ticket", None), SlotSet("next_step", "listen")]


def _unexpected_answer(tracker: Tracker, intent: str) -> bool:
    """An 'answer' when the bot asked nothing is most likely a misread question."""
    if intent == "inform":
        return True
    words = word_count(tracker.latest_message.get("text") or "")
    return intent in ("affirm", "deny") and words > 4


SMALL_TALK_RESPONSES = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thank": "utter_you_are_welcome",
    "bot_challenge": "utter_iamabot",
    "ask_capabilities": "utter_capabilities",
}


def suggest_topics(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """Unsure: offer the two most likely topics, and 'Autre demande' (a ticket 'other')."""
    topics = context.catalog().topics
    ranking = tracker.latest_message.get("intent_ranking") or []
    likely = [r["name"] for r in ranking if r.get("name") in topics and r["name"] != FALLBACK_TOPIC]
    buttons = [
        {"title": topics[name].label, "payload": f"/{name}"} for name in likely[:SUGGESTIONS]
    ]
    buttons.append({"title": topics[FALLBACK_TOPIC].label, "payload": "/request_human"})
    dispatcher.utter_message(response="utter_suggest_topics", buttons=buttons)
    return [SlotSet("offered_ticket", "other"), SlotSet("next_step", "listen")]


class ActionRespond(Action):
    """Entry point for every intent that is not plain small talk."""

    def name(self) -> str:
        return "action_respond"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any],
    ) -> Events:
        intent, _ = context.latest_intent(tracker)
        return respond_to_intent(dispatcher, tracker, intent or "nlu_fallback")
