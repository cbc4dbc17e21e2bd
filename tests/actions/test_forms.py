"""Form validation: one question at a time, answers read by kind, leaving a form."""

from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ValidateDecisionForm, ValidateTicketForm
from tests.actions.conftest import make_tracker, responses, slot_events

DOMAIN = {"forms": {"decision_form": {"required_slots": []},
                    "ticket_form": {"required_slots": []}}, "slots": {}}


def validate(action, slots, text, intent="inform", confidence=0.99):
    """Run the validation as Rasa does: the requested slot was just filled with the text."""
    events = [{"event": "user", "text": text, "timestamp": 1.0}]
    asked = slots.get("requested_slot")
    if asked and text:
        events.append({"event": "slot", "name": asked, "value": text})
    tracker = make_tracker(slots, intent=intent, text=text, confidence=confidence,
                           active_loop=action.form_name(), events=events)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return dispatcher, slot_events(events)


def test_decision_form_asks_the_first_fact_of_the_rule():
    """The payment rule starts with the invoice status."""
    _, slots = validate(ValidateDecisionForm(), {"decision_rule": "payment"}, "")
    assert slots["requested_slot"] == "invoice_status"


def test_decision_form_asks_the_next_fact_once_the_first_is_read():
    """'payée' fills the status; the rule then needs the date."""
    state = {"decision_rule": "payment", "requested_slot": "invoice_status",
             "invoice_status": "elle est payée"}
    _, slots = validate(ValidateDecisionForm(), state, "elle est payée")
    assert slots["invoice_status"] == "payee"
    assert slots["requested_slot"] == "status_since"


def test_rule_without_facts_ends_the_form_at_once():
    """The invoice-call rule only needs today: nothing to ask."""
    _, slots = validate(ValidateDecisionForm(), {"decision_rule": "invoice_call"}, "")
    assert slots["requested_slot"] is None


def test_unreadable_date_is_reasked_with_an_example():
    """'31 février' cannot be a date: the slot stays empty and the kind's help is shown."""
    state = {"decision_rule": "payment", "invoice_status": "payee",
             "requested_slot": "status_since", "status_since": "31 février"}
    dispatcher, slots = validate(ValidateDecisionForm(), state, "31 février")
    assert responses(dispatcher) == ["utter_invalid_date"]
    assert slots["status_since"] is None
    assert slots["requested_slot"] == "status_since"


def test_future_date_for_a_past_event_is_refused():
    """A payment status cannot date from next week."""
    state = {"decision_rule": "payment", "invoice_status": "payee",
             "requested_slot": "status_since", "status_since": "15/12/2026"}
    dispatcher, slots = validate(ValidateDecisionForm(), state, "15/12/2026")
    assert responses(dispatcher) == ["utter_invalid_past_date"]
    assert slots["status_since"] is None


def test_cancel_phrase_ends_the_form():
    """'laisse tomber' leaves the form: requested_slot None and the reason kept."""
    state = {"decision_rule": "absences", "requested_slot": "absences_count",
             "absences_count": "laisse tomber"}
    _, slots = validate(ValidateDecisionForm(), state, "laisse tomber", intent="deny")
    assert slots["interruption"] == "cancel"
    assert slots["requested_slot"] is None
    assert slots["absences_count"] is None


def test_other_question_instead_of_a_count_interrupts():
    """A confident new subject that is no count leaves the form for that subject."""
    text = "comment on facture une prime de placement ?"
    state = {"decision_rule": "contacts", "requested_slot": "contact_attempts",
             "contact_attempts": text}
    _, slots = validate(ValidateDecisionForm(), state, text, intent="additional_services_invoice")
    assert slots["interruption"] == "additional_services_invoice"


def test_description_that_sounds_like_a_topic_is_kept_as_the_answer():
    """Free text describing a platform bug is the answer, not a new question."""
    text = "je n'arrive pas à valider la session, le bouton reste grisé"
    state = {"ticket_category": "platform", "role": "mentor", "requested_slot": "wanted_action",
             "wanted_action": text}
    _, slots = validate(ValidateTicketForm(), state, text, intent="complete_session_problem")
    assert slots["wanted_action"] == text
    assert slots["requested_slot"] == "blocked_where"


def test_ticket_form_skips_prefilled_details():
    """Details known from the rule are not asked again."""
    state = {"ticket_category": "payment_missing", "invoice_status": "payee",
             "status_since": "2026-11-10"}
    _, slots = validate(ValidateTicketForm(), state, "")
    assert slots["requested_slot"] == "invoice_month"


def test_ticket_form_details_depend_on_the_role():
    """An unresponsive student: the coach's ticket asks the number of attempts, not the path."""
    state = {"ticket_category": "student_unresponsive", "role": "coach",
             "student_name": "Marie Dupont"}
    _, slots = validate(ValidateTicketForm(), state, "")
    assert slots["requested_slot"] == "contact_attempts"
