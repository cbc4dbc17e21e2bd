"""Feedback on answers: ask "Cette réponse vous a-t-elle aidé ?" and record the reply.

respond.py and decision_flow.py call `ask` after a topic answer or a decision; respond.py hands
every intent to `reply` first, questions.py every answer to a question to `during_form`.
Nothing here blocks the conversation: the question is a slot and two buttons, and any other
message simply goes on (actions/business/feedback.py has the rules).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.business import feedback
from actions.business.flow import word_count
from actions.business.turn import Step

Events = list[dict[str, Any]]
NO_FEEDBACK_TOPICS = frozenset({"out_of_scope"})  # "I cannot help with that" is no answer
WAITING = ("listen", "confirm", "created")
QUESTION = "utter_ask_feedback"


def _question(tracker: Tracker, topic: str) -> dict[str, Any]:
    """The parse of the user's message that asked this topic (the latest one, if no other)."""
    for event in reversed(tracker.events):
        parse = event.get("parse_data") or {}
        if event.get("event") == "user" and (parse.get("intent") or {}).get("name") == topic:
            return parse
    latest = tracker.latest_message or {}
    return latest if (latest.get("intent") or {}).get("name") == topic else {}


def ask(dispatcher: CollectingDispatcher, tracker: Tracker, topic: str | None,
        answer: str) -> Events:
    """The feedback question after an answer (not for "I cannot help with that")."""
    if not topic or topic in NO_FEEDBACK_TOPICS:
        return []
    parse = _question(tracker, topic)
    confidence = (parse.get("intent") or {}).get("confidence")
    pending = feedback.Pending(
        topic=topic, answer=answer,
        confidence=round(float(confidence), 4) if confidence is not None else None,
        closest=feedback.closest_topics(parse.get("intent_ranking") or [],
                                        frozenset(context.catalog().topics), topic),
    )
    dispatcher.utter_message(response=QUESTION)
    return [SlotSet(feedback.PENDING_SLOT, pending.to_slot())]


def _last_response(tracker: Tracker) -> str | None:
    """The response name of the bot's latest message (Rasa keeps it in the event's metadata)."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action")
    return None


def reply(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> Events | None:
    """Record the user's feedback and answer it; None when the message is not feedback."""
    pending = feedback.Pending.from_slot(tracker.get_slot(feedback.PENDING_SLOT))
    entity = next(tracker.get_latest_entity_values(feedback.ENTITY), None)
    words = word_count(tracker.latest_message.get("text") or "")
    value = feedback.reply_value(intent, entity, words, pending,
                                 _last_response(tracker) == QUESTION)
    if value is None or pending is None:
        return None
    record = feedback.record(pending, value, tracker.get_latest_input_channel(),
                             context.role_of(tracker))
    events: Events = [SlotSet(feedback.RECORD_SLOT, record), SlotSet(feedback.PENDING_SLOT, None)]
    if value == feedback.HELPFUL:
        dispatcher.utter_message(response="utter_feedback_thanks")
        return [*events, SlotSet("next_step", _waiting(tracker))]
    return [*events, *_next_steps(dispatcher, tracker, pending)]


def during_form(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events | None:
    """An earlier feedback button clicked while a question is asked: record it, and ask the
    question again (the click is no answer). None when the message is no click."""
    entity = next(tracker.get_latest_entity_values(feedback.ENTITY), None)
    if entity not in feedback.VALUES:
        return None
    pending = feedback.Pending.from_slot(tracker.get_slot(feedback.PENDING_SLOT))
    if pending is None:
        return []
    record = feedback.record(pending, entity, tracker.get_latest_input_channel(),
                             context.role_of(tracker))
    dispatcher.utter_message(response="utter_feedback_noted")
    return [SlotSet(feedback.RECORD_SLOT, record), SlotSet(feedback.PENDING_SLOT, None)]


def _waiting(tracker: Tracker) -> str:
    """What the bot still waits for: a ticket summary's answer stays pending after feedback."""
    step = tracker.get_slot("next_step")
    return step if step in WAITING else "listen"


def _next_steps(dispatcher: CollectingDispatcher, tracker: Tracker,
                pending: feedback.Pending) -> Events:
    """After "Pas vraiment": rephrase, one of the two closest topics, or open a request (the
    response's own button)."""
    topics = context.catalog().topics
    buttons = [{"title": topics[name].label, "payload": f"/{name}"}
               for name in pending.closest if name in topics]
    dispatcher.utter_message(response="utter_feedback_next_steps", buttons=buttons)
    offer = topics[pending.topic].ticket_for(context.role_of(tracker)) or "other"
    if _waiting(tracker) != "listen":
        return [SlotSet("next_step", _waiting(tracker))]  # the ticket summary still waits
    return [SlotSet("offered_ticket", offer), context.waiting_for(Step.LISTEN)]
