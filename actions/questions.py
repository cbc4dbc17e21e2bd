"""The questions of a rule and of a ticket, asked and read inside action_respond (Rasa adapter).

While a question is asked (`next_step` decision or ticket, `asked_field` the question), every
message comes to action_respond, which reads it here (`take_answer`: the answer by the field's
kind, a correction, a request for a ticket, leaving, or an answer it cannot read), and then, in
the same run, carries on (`carry_on`): the next question, the rule's decision, or the ticket's
summary, as `actions.business.questions.next_question` says.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import attachments, context, feedback, requester
from actions.business.dialogue import Change, GiveUp
from actions.business.fields import SKIPPED, display, is_canonical
from actions.business.flow import REQUEST_TICKET, ticket_fields
from actions.business.questions import (
    EMAIL,
    FILE,
    AskFor,
    Decided,
    Progress,
    Summarised,
    next_question,
)
from actions.business.turn import (
    ASKING,
    Answered,
    Asked,
    Corrected,
    Leaves,
    Message,
    Step,
    Unreadable,
    WantsTicket,
    read_answer,
)
from actions.decision_flow import state_outcome
from actions.ticket_flow import show_summary

Events = list[dict[str, Any]]
ASKED = "asked_field"
# A turn moves on at most this many times (a decision, the ticket it opens, its first question).
MAX_MOVES = 4


def apply(tracker: Tracker, events: Events) -> None:
    """The slot values the events set, as the next step of the same run must see them."""
    for event in events:
        if event.get("event") == "slot":
            tracker.slots[event["name"]] = event.get("value")


def asked(tracker: Tracker) -> str | None:
    """The question whose answer the bot waits for, if it waits for one. A question of an
    earlier session is no longer waited for (slots are carried over to a new session, and the
    first message of a session is read afresh, as when forms asked the questions)."""
    if Step.of(tracker.get_slot("next_step")) not in ASKING or _new_session(tracker):
        return None
    return tracker.get_slot(ASKED)


def _new_session(tracker: Tracker) -> bool:
    """Whether the session started after the bot's last message."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return False
        if event.get("event") == "session_started":
            return True
    return False


def progress_of(tracker: Tracker) -> Progress:
    wanted = attachments.requested(tracker)
    names = [*context.catalog().fields, FILE, EMAIL]
    return Progress(
        rule=tracker.get_slot("decision_rule"),
        category=tracker.get_slot("ticket_category"),
        role=context.role_of(tracker),
        values=context.slot_values(tracker, names),
        file_kind=wanted.kind if wanted else None,
        needs_email=bool(requester.missing_slots(tracker)),
    )


def ask_next(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """One move: ask the next question, or state the decision, or show the summary."""
    found = next_question(progress_of(tracker), context.catalog(), context.today(),
                          context.rules())
    if isinstance(found, AskFor):
        dispatcher.utter_message(response=found.response)
        return [SlotSet(ASKED, found.field), context.waiting_for(found.step)]
    if isinstance(found, Decided):
        return [SlotSet(ASKED, None),
                *state_outcome(dispatcher, tracker, found.rule, found.outcome)]
    if isinstance(found, Summarised):
        return [SlotSet(ASKED, None), *show_summary(dispatcher, tracker)]
    dispatcher.utter_message(response="utter_anything_else")
    return [SlotSet(ASKED, None), context.waiting_for(Step.LISTEN)]


def carry_on(dispatcher: CollectingDispatcher, tracker: Tracker, events: Events) -> Events:
    """After the turn's events: while the bot is in a rule's or a ticket's questions and has
    asked nothing yet, it moves on (a decision may open a ticket, whose first question comes)."""
    apply(tracker, events)
    events = list(events)
    for _ in range(MAX_MOVES):
        if Step.of(tracker.get_slot("next_step")) not in ASKING or tracker.get_slot(ASKED):
            break
        moved = ask_next(dispatcher, tracker)
        apply(tracker, moved)
        events.extend(moved)
    return events


def take_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> tuple[Events, str | None]:
    """The user's message read as the answer to the question asked: the events, and the reason
    when the user leaves the questions (cancel, a ticket request, another subject)."""
    name = tracker.get_slot(ASKED)
    text = tracker.latest_message.get("text") or ""
    if name == EMAIL:
        events = requester.validate_email(text, dispatcher, tracker)
    elif name == FILE:
        events = attachments.validate(text, dispatcher, tracker)
    else:
        events = _field_answer(name, text, dispatcher, tracker)
    apply(tracker, events)
    return [*events, SlotSet(ASKED, None)], tracker.get_slot("interruption")


def _field_answer(
    name: str, text: str, dispatcher: CollectingDispatcher, tracker: Tracker,
) -> Events:
    rated = feedback.during_form(dispatcher, tracker)
    if rated is not None:  # an old "Oui, merci" / "Pas vraiment" button: no answer
        return rated
    tries = tracker.get_slot("failed_answers") or {}
    fields = context.catalog().fields
    known = [other for other in fields if is_canonical(fields[other], tracker.get_slot(other))]
    question = Asked(
        field=name, topic_fields=tuple(_topic_fields(tracker, known)),
        tries=tries.get("count", 0) if tries.get("field") == name else 0,
        in_ticket=Step.of(tracker.get_slot("next_step")) is Step.TICKET,
        given=tuple(other for other in known if other != name),
    )
    intent, confidence = context.latest_intent(tracker)
    answer = read_answer(question, Message(text, intent or "", confidence), context.catalog(),
                         context.today(), context.INTERRUPT_CONFIDENCE)
    match answer:
        case WantsTicket():
            return _ticket_requested(dispatcher, tracker)
        case Corrected(change):
            return _corrected(name, change, dispatcher)
        case Leaves(reason):
            return [SlotSet("interruption", reason)]
        case Answered(found, inferred):
            if inferred:  # "la semaine dernière": say which date was taken
                dispatcher.utter_message(response="utter_date_understood",
                                         date_label=display(fields[name], found,
                                                            context.catalog()))
            return [SlotSet(name, found), *_tries_reset(tracker)]
        case Unreadable(error, next_move, kept):
            return _unreadable(name, question.tries + 1, error, next_move, kept, dispatcher,
                               tracker)
    raise AssertionError(f"unknown answer {answer!r}")


def _unreadable(
    name: str, count: int, error: str | None, next_move: GiveUp, kept: str | None,
    dispatcher: CollectingDispatcher, tracker: Tracker,
) -> Events:
    """Asked again with an example; after two tries the bot stops asking the same thing."""
    if next_move is GiveUp.ASK_AGAIN:
        dispatcher.utter_message(response=error)
        return [SlotSet("failed_answers", {"field": name, "count": count})]
    events = _tries_reset(tracker) or [SlotSet("failed_answers", None)]
    if next_move is GiveUp.TO_TEAM:
        dispatcher.utter_message(response="utter_fact_to_team")
        return [SlotSet("interruption", REQUEST_TICKET), *events]
    dispatcher.utter_message(response="utter_detail_kept_as_typed" if kept != SKIPPED
                             else "utter_detail_skipped")
    return [SlotSet(name, kept), *events]


def _tries_reset(tracker: Tracker) -> Events:
    return [] if tracker.get_slot("failed_answers") is None else [
        SlotSet("failed_answers", None)]


def _ticket_requested(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """"Ouvrir une demande" typed during the questions: the ticket's questions go on; the rule's
    questions give way to the topic's own ticket."""
    if Step.of(tracker.get_slot("next_step")) is Step.TICKET:
        dispatcher.utter_message(response="utter_ticket_in_progress")
        return []
    return [SlotSet("interruption", REQUEST_TICKET)]


def _corrected(asked_name: str, change: Change, dispatcher: CollectingDispatcher) -> Events:
    """Take the corrected detail, keep the rest; the question asked comes again if it was not
    the one corrected (or the next one the rule needs now)."""
    if change.field != asked_name:
        field = context.catalog().fields[change.field]
        dispatcher.utter_message(response="utter_detail_corrected", field_label=field.label,
                                 value=display(field, change.value, context.catalog()))
    return [SlotSet(change.field, change.value)]


def _topic_fields(tracker: Tracker, known: list[str]) -> list[str]:
    """The details this conversation has dealt with (`known`: given so far), and the ticket's."""
    category = tracker.get_slot("ticket_category")
    draft = ticket_fields(category, context.role_of(tracker), context.catalog()) if (
        category and Step.of(tracker.get_slot("next_step")) is Step.TICKET) else ()
    return list(dict.fromkeys([*known, *draft]))
