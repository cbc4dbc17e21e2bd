"""The one custom action of a user turn: the answer to a topic, to the question asked, or to the
user's reply to the bot (role, offer, summary, suggestions), then the next question, the
decision or the summary, all in the same run (one action-server call per turn)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context, feedback, questions
from actions.business.calendar import date_label
from actions.business.decisions import Outcome, step
from actions.business.dialogue import declared_role
from actions.business.flow import CANCEL, REQUEST_TICKET, plan_topic
from actions.business.opening import opening_facts
from actions.business.turn import (
    AtSummary,
    FollowUp,
    Hypothesis,
    NewTopic,
    OfferAccepted,
    ResentConfirmation,
    RoleGiven,
    RoleNoted,
    SideQuestion,
    SmallTalk,
    Step,
    TicketAsked,
    Turn,
    Unsure,
    read_turn,
)
from actions.ticket_flow import (
    create_ticket,
    reply_to_summary,
    requested_category,
    show_summary,
    start_ticket,
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
                context.waiting_for(Step.LISTEN)]
    answer(dispatcher, tracker, topic)
    _offer_second_question(dispatcher, tracker, topic)  # before the feedback question
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
            SlotSet("pending_topic", None), SlotSet(questions.ASKED, None),
            context.waiting_for(Step.DECISION),  # its first question, or its decision, next
        ]
    events = [*fresh, SlotSet("topic", topic), SlotSet("pending_topic", None),
              SlotSet("offered_ticket", plan.ticket), context.waiting_for(Step.LISTEN),
              *feedback.ask(dispatcher, tracker, topic, plan.answer or f"utter_{topic}")]
    if plan.ticket:
        dispatcher.utter_message(response="utter_offer_ticket")
    return events


def _later(dispatcher: CollectingDispatcher, tracker: Tracker, rule: str, days: int) -> Events:
    """The rule applied to the same facts `days` later: whether it would then say to write.
    Nothing is opened now; the user comes back on that day."""
    later = context.today() + timedelta(days=days)
    facts = context.slot_values(tracker, list(context.catalog().fields))
    outcome = step(rule, context.role_of(tracker), facts, later, context.rules())
    writes = isinstance(outcome, Outcome) and outcome.ticket is not None
    dispatcher.utter_message(
        response="utter_later_write" if writes else "utter_later_wait",
        date_label=date_label(later))
    return [context.waiting_for(Step.LISTEN)]


def _offer_second_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, answered: str,
) -> None:
    """A second question in the same message: offered as a button once the first is answered."""
    second = next(tracker.get_latest_entity_values("second_topic"), None)
    topics = context.catalog().topics
    if second not in topics or second in (answered, FALLBACK_TOPIC):
        return
    dispatcher.utter_message(response="utter_second_question",
                             buttons=[{"title": topics[second].label, "payload": f"/{second}"}])


def _declared_role(tracker: Tracker, text: str) -> Events:
    """"jsuis coach, ...": the role said in the opening message is taken, not asked."""
    role = declared_role(text)
    if role is None:
        return []
    tracker.slots["role"] = role
    return [SlotSet("role", role)]


def respond_to_intent(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> Events:
    """The answer to the question asked, if one is; else what the message means here, read by
    `read_turn`, then carried out."""
    if questions.asked(tracker):
        events, leaving = questions.take_answer(dispatcher, tracker)
        return [*events, *leave(dispatcher, tracker, leaving)] if leaving else events
    rated = feedback.reply(dispatcher, tracker, intent)
    if rated is not None:
        return rated
    turn = read_turn(context.state_of(tracker), context.message_of(tracker, intent),
                     context.catalog(), context.today())
    return carry_out(dispatcher, tracker, turn)


def carry_out(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn) -> Events:
    """The responses and slot events of one kind of turn."""
    match turn:
        case AtSummary(reply):
            return reply_to_summary(dispatcher, tracker, reply)
        case SideQuestion(topic):
            # Answer the side question, then show the unsent ticket again: nothing is dropped.
            answer(dispatcher, tracker, topic)
            return show_summary(dispatcher, tracker)
        case FollowUp(rule, change):
            # the rule runs again with the new fact (questions.carry_on applies it)
            return [SlotSet(change.field, change.value), SlotSet("decision_rule", rule),
                    SlotSet(questions.ASKED, None), context.waiting_for(Step.DECISION)]
        case Hypothesis(rule, days):
            return _later(dispatcher, tracker, rule, days)
        case RoleGiven(role_answer):
            tracker.slots["role"] = role_answer.role
            if role_answer.topic != tracker.get_slot("pending_topic"):
                tracker.slots["opening_text"] = None  # another question: its own words count
            return [SlotSet("role", role_answer.role),
                    *respond_to_topic(dispatcher, tracker, role_answer.topic)]
        case OfferAccepted(category, offer):
            tracker.slots.update(offer.details)
            return [*[SlotSet(name, value) for name, value in offer.details.items()],
                    *start_ticket(dispatcher, tracker, category)]
        case NewTopic(topic):
            return respond_to_topic(dispatcher, tracker, topic)
        case TicketAsked():
            return start_ticket(dispatcher, tracker, requested_category(tracker))
        case ResentConfirmation():
            return create_ticket(dispatcher, tracker)
        case RoleNoted():
            dispatcher.utter_message(response="utter_role_noted")
            return [context.waiting_for(Step.LISTEN)]
        case Unsure():
            return suggest_topics(dispatcher, tracker)
        case SmallTalk(intent):
            dispatcher.utter_message(response=SMALL_TALK_RESPONSES[intent])
        case _:
            dispatcher.utter_message(response="utter_anything_else")
    return [SlotSet("offered_ticket", None), context.waiting_for(Step.LISTEN)]


def leave(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> Events:
    """The user left the questions: say so, keep nothing half-done, answer the new subject."""
    events = [SlotSet("interruption", None), SlotSet("decision_rule", None),
              SlotSet(questions.ASKED, None), context.waiting_for(Step.LISTEN)]
    category = requested_category(tracker) if reason == REQUEST_TICKET else None
    questions.apply(tracker, events)
    if reason == CANCEL:
        dispatcher.utter_message(response="utter_form_cancelled")
        return [*events, SlotSet("ticket_category", None)]
    if category:
        return [*events, *start_ticket(dispatcher, tracker, category)]
    dispatcher.utter_message(response="utter_form_left")
    return [*events, *respond_to_intent(dispatcher, tracker, reason)]


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
    return [SlotSet("offered_ticket", "other"), context.waiting_for(Step.LISTEN)]


class ActionRespond(Action):
    """Entry point for every intent that is not plain small talk."""

    def name(self) -> str:
        return "action_respond"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any],
    ) -> Events:
        intent, _ = context.latest_intent(tracker)
        events = respond_to_intent(dispatcher, tracker, intent or "nlu_fallback")
        return questions.carry_on(dispatcher, tracker, events)
