"""Confirming, editing and cancelling a ticket; exactly one ticket per confirmation."""

from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.respond import ActionRespond
from tests.actions.conftest import make_tracker, responses, slot_events

DRAFT = {"next_step": "confirm", "ticket_category": "student_unresponsive", "role": "coach",
         "student_name": "Marie Dupont", "contact_attempts": "3", "ticket_key": "k-1"}
TURNS = [{"event": "user", "text": "mon étudiante ne répond pas", "timestamp": 1.0},
         {"event": "bot", "text": "Combien de fois l'avez-vous contactée ?", "timestamp": 2.0},
         {"event": "user", "text": "3 fois", "timestamp": 3.0}]


def reply(slots, intent, entities=None, text=""):
    tracker = make_tracker(slots, intent=intent, entities=entities, events=TURNS,
                           metadata={"role": "coach"}, text=text)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionRespond().run(dispatcher, tracker, {}))
    return dispatcher, slot_events(events, slots)


def test_confirmation_creates_the_ticket_with_every_detail(store):
    """Confirmer: one ticket with its details, role, sender and transcript; the reference shown."""
    dispatcher, slots = reply(DRAFT, "affirm")
    [ticket] = store.list()
    assert ticket.category == "student_unresponsive"
    assert ticket.details == {"student_name": "Marie Dupont", "contact_attempts": "3"}
    assert (ticket.role, ticket.sender_id) == ("coach", "tester")
    assert [t["text"] for t in ticket.transcript][0] == "mon étudiante ne répond pas"
    assert dispatcher.messages[0]["reference"] == ticket.reference
    assert slots["last_ticket_ref"] == ticket.reference


def test_confirmation_delivered_twice_creates_one_ticket(store):
    """A double click or a channel retry replays the confirmation: still one ticket."""
    reply(DRAFT, "affirm", text="/affirm")
    dispatcher, _ = reply({**DRAFT, "next_step": "created"}, "affirm", text="/affirm")
    assert len(store.list()) == 1
    assert responses(dispatcher) == ["utter_ticket_already_created"]


def test_ok_after_the_ticket_was_sent_is_an_acknowledgement(store):
    """"ok" once the ticket is sent sends nothing again and does not repeat the reference."""
    reply(DRAFT, "affirm", text="/affirm")
    dispatcher, _ = reply({**DRAFT, "next_step": "created"}, "affirm", text="ok")
    assert len(store.list()) == 1
    assert responses(dispatcher) == ["utter_anything_else"]


def test_cancel_at_the_summary_creates_nothing(store):
    """Annuler: nothing stored, the draft dropped."""
    dispatcher, slots = reply(DRAFT, "deny")
    assert store.list() == []
    assert responses(dispatcher) == ["utter_ticket_cancelled"]
    assert slots["ticket_category"] is None


def test_modify_offers_one_button_per_detail(store):
    """Modifier: the user picks the detail to change."""
    dispatcher, _ = reply(DRAFT, "inform", [{"entity": "field", "value": "menu"}])
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads == ['/inform{"field":"student_name"}', '/inform{"field":"contact_attempts"}']


def test_modifying_one_detail_keeps_the_others(store):
    """Choosing a detail empties only that one and asks it again at once."""
    dispatcher, slots = reply(DRAFT, "inform", [{"entity": "field", "value": "student_name"}])
    assert slots == {"student_name": None, "asked_field": "student_name", "next_step": "ticket"}
    assert responses(dispatcher) == ["utter_ask_student_name"]


def test_store_down_keeps_the_draft(monkeypatch):
    """The database is down: a clear message, nothing lost, the confirmation can be retried."""
    def broken():
        raise ConnectionError("database unreachable")

    monkeypatch.setattr(context, "store", broken)
    dispatcher, slots = reply(DRAFT, "affirm")
    assert responses(dispatcher) == ["utter_ticket_store_down"]
    assert slots["next_step"] == "confirm"
    assert slots == {}  # no slot changes: the draft and its key stay for the retry


def test_side_question_at_the_summary_keeps_the_draft(store):
    """A new question before confirming is answered, then the unsent summary comes back."""
    dispatcher, slots = reply(DRAFT, "additional_services_invoice")
    assert responses(dispatcher) == ["utter_additional_services_invoice", "utter_ticket_summary"]
    assert slots["next_step"] == "confirm" and slots["ticket_key"] == "k-1"
    assert store.list() == []
