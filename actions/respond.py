"""The answer to a topic, or to the user's reply to the bot (role, offer, summary, suggestions)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context, feedback
from actions.business.dialogue import (
    Command,
    declared_role,
    is_resent_confirmation,
    read_followup,
    read_offer_reply,
    read_role_answer,
)
from actions.business.fields import is_canonical
from actions.business.flow import SMALL_TALK, plan_topic, ticket_fields, word_count
from actions.business.opening import opening_facts
from actions.decision_flow import decide
from actions.ticket_flow import (
    create_ticket,
    reply_to_summary,
    requested_category,
    show_summary,
    start_ticket,
    summary_reply,
)

Events = list[dict[str, Any]]
FALLBACK_TOPIC = "out_of_scope"
SUGGESTIONS = 2


def answer(dispatcher: CollectingDispatcher, tracker: Tracker, topic: str) -> None:
    """The topic's answer; a long one goes on in a second bubble (rules/topics.yml: more)."""
    dispatcher.utter_message(response=f"utter_{topic}")
    more = context.catalog().topics[topic].more_for(context.role_of(tracker))
    if more:
        dispatcher.utter_message(response=more)


def respond_to_topic(dispatcher: CollectingDispatcher, tracker: Tracker, topic: str) -> Events:
    """Ask the role, start the rule's questions, or answer and offer a ticket.

    The message that opened the topic (kept while the role is asked) is read for the facts it
    already states, the role included, so that none is asked again.
    """
    opening = tracker.get_slot("opening_text") or tracker.latest_message.get("text") or ""
    said_role = [] if context.role_of(tracker) else _declared_role(tracker, opening)
    plan = plan_topic(topic, context.role_of(tracker), context.catalog())
    if plan.ask_role:
        dispatcher.utter_message(response="utter_ask_role")
        return [SlotSet("pending_topic", topic), SlotSet("opening_text", opening),
                SlotSet("next_step", "listen")]
    answer(dispatcher, tracker, topic)
    stated = opening_facts(opening, plan.decision, context.role_of(tracker), context.catalog(),
                           context.today(), context.rules())
    fresh = [*said_role,
             *context.clear(tracker, [name for name in context.catalog().fields
                                      if name not in stated] + ["last_decision", "opening_text"]),
             *[SlotSet(name, value) for name, value in stated.items()]]
    tracker.slots.update(stated)
    if plan.decision:
        return [
            *fresh,
            SlotSet("topic", topic), SlotSet("decision_rule", plan.decision),
            SlotSet("flow", "decision"), SlotSet("pending_topic", None),
            SlotSet("next_step", "decision"),
        ]
    events = [*fresh, SlotSet("topic", topic), SlotSet("pending_topic", None),
              SlotSet("offered_ticket", plan.ticket), SlotSet("next_step", "listen"),
              *feedback.ask(dispatcher, tracker, topic, plan.answer or f"utter_{topic}")]
    if plan.ticket:
        dispatcher.utter_message(response="utter_offer_ticket")
    return events


def _declared_role(tracker: Tracker, text: str) -> Events:
    """"jsuis coach, ...": the role said in the opening message is taken, not asked."""
    role = declared_role(text)
    if role is None:
        return []
    tracker.slots["role"] = role
    return [SlotSet("role", role)]


def respond_to_intent(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> Events:
    """Any intent outside a form: topics, small talk, and replies to the bot's last question."""
    rated = feedback.reply(dispatcher, tracker, intent)
    if rated is not None:
        return rated
    if tracker.get_slot("next_step") == "confirm" and tracker.get_slot("ticket_category"):
        reply = summary_reply(tracker, intent)
        if reply.command is Command.UNCLEAR and intent in context.catalog().topics:
            # Answer the side question, then show the unsent ticket again: nothing is dropped.
            answer(dispatcher, tracker, intent)
            return show_summary(dispatcher, tracker)
        return reply_to_summary(dispatcher, tracker, reply)
    decided = tracker.get_slot("last_decision")
    if decided:
        followup = _follow_up(dispatcher, tracker, intent, decided)
        if followup is not None:
            return followup
    answered = _answer_to_question(dispatcher, tracker, intent)
    if answered is not None:
        return answered
    if intent in context.catalog().topics:
        return respond_to_topic(dispatcher, tracker, intent)
    if intent == "request_human" or (intent == "affirm" and tracker.get_slot("offered_ticket")):
        return start_ticket(dispatcher, tracker, requested_category(tracker))
    if intent == "affirm" and tracker.get_slot("next_step") == "created" and is_resent_confirmation(
            tracker.latest_message.get("text") or ""):
        return create_ticket(dispatcher, tracker)
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


def _follow_up(
    dispatcher: CollectingDispatcher, tracker: Tracker, intent: str, rule: str,
) -> Events | None:
    """A new fact for the rule just applied: the rule is applied again with it."""
    fields = context.catalog().fields
    known = [name for name in fields if is_canonical(fields[name], tracker.get_slot(name))]
    _, confidence = context.latest_intent(tracker)
    change = read_followup(tracker.latest_message.get("text") or "", intent, confidence, known,
                           context.catalog(), context.today())
    if change is None:
        return None
    tracker.slots[change.field] = change.value
    return [SlotSet(change.field, change.value), *decide(dispatcher, tracker, rule)]


def _answer_to_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, intent: str,
) -> Events | None:
    """The reply to the role question or to a ticket offer, typed as a sentence or a name."""
    text = tracker.latest_message.get("text") or ""
    _, confidence = context.latest_intent(tracker)
    topics = list(context.catalog().topics)
    pending = tracker.get_slot("pending_topic")
    if pending and intent not in SMALL_TALK:
        role_answer = read_role_answer(text, intent, confidence, pending, topics)
        if role_answer:
            tracker.slots["role"] = role_answer.role
            if role_answer.topic != pending:  # another question: its own words are read
                tracker.slots["opening_text"] = None
            return [SlotSet("role", role_answer.role),
                    *respond_to_topic(dispatcher, tracker, role_answer.topic)]
    offered = tracker.get_slot("offered_ticket")
    if offered and intent != "request_human":
        names = ticket_fields(offered, context.role_of(tracker), context.catalog())
        reply = read_offer_reply(text, intent, confidence, topics, names, context.catalog(),
                                 context.today(), tracker.get_slot("topic"))
        if reply:
            tracker.slots.update(reply.details)
            return [*[SlotSet(name, value) for name, value in reply.details.items()],
                    *start_ticket(dispatcher, tracker, offered)]
    return None


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
