"""The questions inside action_respond: one question at a time, answers read by kind, the
decision or the summary in the same run, leaving the questions."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.respond import carry_on
from tests.actions.conftest import asking, make_tracker, respond, responses, slot_events

SIGNED_IN = {"identity": {"kind": "verified", "email": "camille@example.org"}}


def moved_on(slots, **message):
    """What the bot does once the turn's events left it in a rule's or a ticket's questions
    with nothing asked yet (a topic that starts a rule, a ticket just opened)."""
    tracker = make_tracker(slots, **message)
    dispatcher = CollectingDispatcher()
    events = carry_on(dispatcher, tracker)
    return dispatcher, slot_events(events, slots)


def test_rule_asks_its_first_fact():
    """The payment rule starts with the invoice status, asked with its own response."""
    dispatcher, slots = moved_on({"decision_rule": "payment", "next_step": "decision"})
    assert responses(dispatcher) == ["utter_ask_invoice_status"]
    assert (slots["asked_field"], slots["next_step"]) == ("invoice_status", "decision")


def test_answer_is_read_and_the_next_fact_asked_in_the_same_run():
    """'elle est payée' fills the status; the rule then needs the date, asked at once."""
    state = asking("invoice_status", decision_rule="payment")
    dispatcher, slots = respond(state, "elle est payée")
    assert slots["invoice_status"] == "payee"
    assert responses(dispatcher) == ["utter_ask_status_since"]
    assert slots["asked_field"] == "status_since"


@pytest.mark.parametrize(("today", "expected"), [
    ("2026-11-06", "utter_invoice_call_wait"),
    ("2026-11-07", "utter_invoice_call_write"),
], ids=["day-6-wait", "day-7-write"])
def test_rule_without_facts_decides_at_once(monkeypatch, today, expected):
    """The invoice-call rule only needs today: the 6th wait, the 7th write."""
    monkeypatch.setenv("OCBOT_TODAY", today)
    dispatcher, _ = moved_on({"decision_rule": "invoice_call", "role": "mentor",
                              "next_step": "decision"})
    assert responses(dispatcher)[0] == expected


def test_rule_that_says_write_opens_the_ticket_and_asks_its_first_question(monkeypatch):
    """On the 7th the ticket starts with the previous month filled in, and the address the
    answer goes to is asked (anonymous user), all in the same run."""
    monkeypatch.setenv("OCBOT_TODAY", "2027-01-07")
    dispatcher, slots = moved_on({"decision_rule": "invoice_call", "next_step": "decision"})
    assert responses(dispatcher) == ["utter_invoice_call_write", "utter_ticket_start",
                                     "utter_ask_requester_email"]
    assert slots["invoice_month"] == "2026-12"
    assert (slots["ticket_category"], slots["next_step"], slots["asked_field"]) == (
        "invoice_call_missing", "ticket", "requester_email")


def test_last_fact_answered_states_the_decision_with_its_values():
    """The answer states the user's own figures: 8 days since 'payée', then the ticket."""
    state = asking("status_since", decision_rule="payment", invoice_status="payee",
                   topic="payment_missing")
    dispatcher, slots = respond(state, "le 20 novembre", metadata=SIGNED_IN)
    first = dispatcher.messages[0]
    assert first["response"] == "utter_payment_paid_write"
    assert (first["days"], first["since"]) == ("8", "20 novembre 2026")
    assert responses(dispatcher)[1:] == ["utter_ticket_start", "utter_ask_invoice_month"]
    assert slots["decision_rule"] is None


def test_rule_that_says_wait_opens_nothing():
    """Seven days after 'payée': wait, no ticket (then the feedback question)."""
    state = asking("status_since", decision_rule="payment", invoice_status="payee",
                   topic="payment_missing")
    dispatcher, slots = respond(state, "le 21 novembre")
    assert responses(dispatcher) == ["utter_payment_paid_wait", "utter_ask_feedback"]
    assert (slots["next_step"], slots["asked_field"]) == ("listen", None)
    assert slots["last_decision"] == "payment"


def test_unreadable_date_is_reasked_with_an_example():
    """'31 février' cannot be a date: the kind's help, then the same question."""
    state = asking("status_since", decision_rule="payment", invoice_status="payee")
    dispatcher, slots = respond(state, "31 février")
    assert responses(dispatcher) == ["utter_invalid_date", "utter_ask_status_since"]
    assert slots.get("status_since") is None
    assert slots["asked_field"] == "status_since"
    assert slots["failed_answers"] == {"field": "status_since", "count": 1}


def test_future_date_for_a_past_event_is_refused():
    """A payment status cannot date from next week."""
    state = asking("status_since", decision_rule="payment", invoice_status="payee")
    dispatcher, slots = respond(state, "15/12/2026")
    assert responses(dispatcher) == ["utter_invalid_past_date", "utter_ask_status_since"]
    assert slots.get("status_since") is None


def test_cancel_phrase_ends_the_questions():
    """'laisse tomber' leaves the rule's questions: said so, nothing asked, nothing kept."""
    state = asking("absences_count", decision_rule="absences")
    dispatcher, slots = respond(state, "laisse tomber", intent="deny")
    assert responses(dispatcher) == ["utter_form_cancelled"]
    assert (slots["next_step"], slots["asked_field"], slots["decision_rule"]) == (
        "listen", None, None)
    assert slots["interruption"] is None


def test_other_question_instead_of_a_count_is_answered():
    """A confident new subject that is no count leaves the questions for that subject."""
    text = "comment on facture une prime de placement ?"
    state = asking("contact_attempts", decision_rule="contacts", role="mentor")
    dispatcher, slots = respond(state, text, intent="additional_services_invoice")
    assert responses(dispatcher)[:2] == ["utter_form_left", "utter_additional_services_invoice"]
    assert slots["decision_rule"] is None and slots["interruption"] is None


def test_description_that_sounds_like_a_topic_is_kept_as_the_answer():
    """Free text describing a platform bug is the answer, not a new question."""
    text = "je n'arrive pas à valider la session, le bouton reste grisé"
    state = asking("wanted_action", "ticket", ticket_category="platform", role="mentor")
    dispatcher, slots = respond(state, text, intent="complete_session_problem")
    assert slots["wanted_action"] == text
    assert responses(dispatcher) == ["utter_ask_blocked_where"]
    assert slots["asked_field"] == "blocked_where"


def test_ticket_skips_prefilled_details():
    """Details known from the rule are not asked again."""
    dispatcher, slots = moved_on({"ticket_category": "payment_missing", "next_step": "ticket",
                                  "invoice_status": "payee", "status_since": "2026-11-10"})
    assert responses(dispatcher) == ["utter_ask_invoice_month"]
    assert slots["asked_field"] == "invoice_month"


def test_ticket_details_depend_on_the_role():
    """An unresponsive student: the coach's ticket asks the number of attempts, not the path."""
    dispatcher, slots = moved_on({"ticket_category": "student_unresponsive", "role": "coach",
                                  "next_step": "ticket", "student_name": "Marie Dupont"})
    assert slots["asked_field"] == "contact_attempts"


def test_last_detail_answered_shows_the_summary_with_a_draft_key():
    """Every detail in French, then a key that makes the confirmation idempotent."""
    state = asking("invoice_month", "ticket", ticket_category="invoice_call_missing",
                   role="mentor")
    dispatcher, slots = respond(state, "octobre", metadata=SIGNED_IN)
    summary = dispatcher.messages[-1]
    assert summary["response"] == "utter_ticket_summary"
    assert summary["summary"] == "- Mois concerné : octobre 2026"
    assert slots["ticket_key"] and slots["next_step"] == "confirm"
    assert slots["asked_field"] is None


def test_summary_shows_the_category_reminder_first():
    """The novice-status ticket sent without the sheet says so before the summary."""
    state = asking("ticket_file", "ticket", ticket_category="novice_status", role="mentor",
                   novice_course_done="oui", novice_sheet_complete="oui",
                   failed_answers={"field": "ticket_file", "count": 1})
    dispatcher, _ = respond(state, "je ne l'ai pas", intent="deny", metadata=SIGNED_IN)
    assert responses(dispatcher)[-3:] == ["utter_reminder_sheet", "utter_ticket_reply_to",
                                         "utter_ticket_summary"]


def test_cancel_inside_the_ticket_drops_the_draft():
    """'laisse tomber' while a ticket detail is asked: a clear message, the draft dropped."""
    state = asking("description", "ticket", ticket_category="other")
    dispatcher, slots = respond(state, "laisse tomber", intent="deny")
    assert responses(dispatcher) == ["utter_form_cancelled"]
    assert slots["ticket_category"] is None and slots["next_step"] == "listen"


def test_greeting_while_a_text_detail_is_asked_answers_the_greeting():
    """'bonjour' is no description: the questions end and the greeting is answered."""
    state = asking("description", "ticket", ticket_category="other", role="mentor")
    dispatcher, slots = respond(state, "bonjour", intent="greet")
    assert responses(dispatcher) == ["utter_form_left", "utter_greet"]
    assert slots["next_step"] == "listen"


def test_question_of_an_earlier_session_is_not_waited_for():
    """An hour later (a new session, slots carried over), 'bonjour' is a greeting, not the
    answer to the description asked before."""
    events = [{"event": "bot", "text": "Décrivez votre demande."},
              {"event": "session_started"},
              {"event": "user", "text": "bonjour", "timestamp": 2.0}]
    state = asking("description", "ticket", ticket_category="other", role="mentor")
    dispatcher, slots = respond(state, "bonjour", intent="greet", events=events)
    assert responses(dispatcher) == ["utter_greet"]
    assert slots["next_step"] == "listen"
