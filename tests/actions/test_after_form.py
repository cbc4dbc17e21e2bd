"""action_after_form: the decision stated, the ticket summarised, the form left."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.after_form import ActionAfterForm
from tests.actions.conftest import make_tracker, responses, slot_events


def run(slots, intent="inform"):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionAfterForm().run(dispatcher, make_tracker(slots, intent=intent), {}))
    return dispatcher, slot_events(events)


@pytest.mark.parametrize(("today", "expected"), [
    ("2026-11-06", "utter_invoice_call_wait"),
    ("2026-11-07", "utter_invoice_call_write"),
], ids=["day-6-wait", "day-7-write"])
def test_invoice_call_rule_follows_the_day_of_the_month(monkeypatch, today, expected):
    """The 6th: wait; the 7th: the rule says write."""
    monkeypatch.setenv("OCBOT_TODAY", today)
    dispatcher, _ = run({"flow": "decision", "decision_rule": "invoice_call", "role": "mentor"})
    assert responses(dispatcher)[0] == expected


def test_rule_that_says_write_opens_the_ticket_with_what_it_knows(monkeypatch):
    """On the 7th the ticket form opens with the previous month already filled in."""
    monkeypatch.setenv("OCBOT_TODAY", "2027-01-07")
    dispatcher, slots = run({"flow": "decision", "decision_rule": "invoice_call"})
    assert responses(dispatcher) == ["utter_invoice_call_write", "utter_ticket_start"]
    assert slots["invoice_month"] == "2026-12"
    assert (slots["ticket_category"], slots["next_step"]) == ("invoice_call_missing", "ticket")


def test_decision_values_fill_the_response():
    """The answer states the user's own figures: 8 days since 'payée'."""
    state = {"flow": "decision", "decision_rule": "payment", "invoice_status": "payee",
             "status_since": "2026-11-20", "topic": "payment_missing"}
    dispatcher, _ = run(state)
    first = dispatcher.messages[0]
    assert first["response"] == "utter_payment_paid_write"
    assert (first["days"], first["since"]) == ("8", "20 novembre 2026")


def test_rule_that_says_wait_opens_nothing():
    """Seven days after 'payée': wait, no ticket form (then the feedback question)."""
    state = {"flow": "decision", "decision_rule": "payment", "invoice_status": "payee",
             "status_since": "2026-11-21", "topic": "payment_missing"}
    dispatcher, slots = run(state)
    assert responses(dispatcher) == ["utter_payment_paid_wait", "utter_ask_feedback"]
    assert slots["next_step"] == "listen"


def test_finished_ticket_form_shows_the_summary_with_a_draft_key():
    """Every detail in French, then a key that makes the confirmation idempotent."""
    state = {"flow": "ticket", "ticket_category": "invoice_call_missing",
             "invoice_month": "2026-10", "role": "mentor"}
    dispatcher, slots = run(state)
    summary = dispatcher.messages[-1]
    assert summary["response"] == "utter_ticket_summary"
    assert summary["summary"] == "- Mois concerné : octobre 2026"
    assert slots["ticket_key"] and slots["next_step"] == "confirm"


def test_summary_shows_the_category_reminder_first():
    """The novice-status ticket sent without the sheet says so before the summary."""
    state = {"flow": "ticket", "ticket_category": "novice_status", "role": "mentor",
             "novice_course_done": "oui", "novice_sheet_complete": "oui"}
    dispatcher, _ = run(state)
    assert responses(dispatcher) == ["utter_reminder_sheet", "utter_ticket_summary"]


def test_cancel_leaves_without_sending_anything():
    """'laisse tomber' in a form: a clear message, the draft dropped."""
    state = {"interruption": "cancel", "flow": "ticket", "ticket_category": "other"}
    dispatcher, slots = run(state)
    assert responses(dispatcher) == ["utter_form_cancelled"]
    assert slots["ticket_category"] is None and slots["interruption"] is None


def test_new_question_in_a_form_is_answered():
    """Asking about something else inside a form answers that question."""
    state = {"interruption": "legal_structure", "flow": "decision", "role": "mentor"}
    dispatcher, slots = run(state, intent="legal_structure")
    assert responses(dispatcher)[:2] == ["utter_form_left", "utter_legal_structure"]
    assert slots["interruption"] is None
