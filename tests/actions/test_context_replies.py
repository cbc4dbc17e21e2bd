"""Replies read against what the bot has just asked: typed commands, corrections, answers given
in a sentence, facts stated in the first message, follow-ups after a decision."""

from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.respond import ActionRespond, carry_on
from tests.actions.conftest import make_tracker, responses, slot_events

INVOICE_DRAFT = {"next_step": "confirm", "ticket_category": "invoice_call_missing",
                 "role": "mentor", "invoice_month": "2026-10", "ticket_key": "k-2",
                 "inferred_details": ["invoice_month"]}


def respond(slots, text, intent, confidence=0.99, entities=None):
    tracker = make_tracker(slots, intent=intent, text=text, confidence=confidence,
                           entities=entities)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionRespond().run(dispatcher, tracker, {}))
    return dispatcher, slot_events(events, slots)


def answer(slots, text, intent="inform"):
    """The answer to the question `asked_field`: a ticket's when a ticket is drafted, else the
    rule's."""
    step = "ticket" if slots.get("ticket_category") else "decision"
    return respond({**slots, "next_step": step}, text, intent)


def moved_on(slots):
    """What the bot does next in the rule's questions, nothing asked yet."""
    dispatcher = CollectingDispatcher()
    events = carry_on(dispatcher, make_tracker(slots))
    return dispatcher, slot_events(events, slots)


def test_typed_confirm_at_the_summary_creates_the_ticket(store):
    """"Confirmer" typed creates the ticket even when the classifier read another topic."""
    dispatcher, _ = respond(INVOICE_DRAFT, "Confirmer", "platform_question", 0.64)
    assert responses(dispatcher) == ["utter_ticket_created"]
    assert [t.category for t in store.list()] == ["invoice_call_missing"]


def test_typed_modify_with_one_detail_asks_that_detail_again(store):
    """"Modifier" typed, on a ticket of one detail: that detail is asked again, nothing sent."""
    dispatcher, slots = respond(INVOICE_DRAFT, "Modifier", "platform_question", 0.64)
    assert responses(dispatcher) == ["utter_ask_invoice_month"]
    assert (slots["invoice_month"], slots["next_step"]) == (None, "ticket")
    assert slots["asked_field"] == "invoice_month"
    assert store.list() == []


def test_modify_naming_the_detail_and_its_value_changes_it_at_once(store):
    """"modifier le mois, c'est novembre": the month changes, the summary comes back, no longer
    marked as inferred."""
    dispatcher, slots = respond(INVOICE_DRAFT, "modifier le mois, c'est novembre", "inform")
    assert slots["invoice_month"] == "2026-11"
    assert slots["inferred_details"] is None
    assert responses(dispatcher) == ["utter_ticket_summary"]
    assert "novembre 2026" in dispatcher.messages[-1]["summary"]


def test_summary_says_which_detail_the_bot_inferred(store):
    """A month worked out from today's date is announced before the summary."""
    dispatcher, _ = respond(INVOICE_DRAFT, "je sais pas", "nlu_fallback", 0.3)
    assert "utter_ticket_inferred" in responses(dispatcher)
    inferred = next(m for m in dispatcher.messages if m["response"] == "utter_ticket_inferred")
    assert inferred["details"] == "Mois concerné"


def test_role_given_in_a_sentence_answers_the_role_question():
    """"je postule pour être mentor" to "mentor ou coach ?" is the role, not a new topic."""
    dispatcher, slots = respond({"pending_topic": "application_followup"},
                                "je postule pour être mentor", "become_mentor", 0.9)
    assert slots["role"] == "mentor"
    assert responses(dispatcher) == ["utter_application_followup",
                                     "utter_ask_application_date"]
    assert slots["decision_rule"] == "application_followup"


def test_name_typed_after_the_offer_opens_the_ticket_with_it():
    """"Karim Benali" to "Souhaitez-vous que j'ouvre une demande ?" accepts it, name kept."""
    dispatcher, slots = respond({"role": "coach", "offered_ticket": "student_disengaged"},
                                "Karim Benali", "inform", 0.5)
    assert responses(dispatcher)[0] == "utter_ticket_start"
    assert slots["student_name"] == "Karim Benali"
    assert slots["ticket_category"] == "student_disengaged"


def test_bare_yes_without_an_offer_opens_no_ticket():
    """A "oui" when nothing was offered opens nothing."""
    dispatcher, slots = respond({"role": "mentor"}, "oui", "affirm")
    assert "ticket_category" not in slots
    assert "utter_ticket_start" not in responses(dispatcher)


def test_facts_of_the_first_message_are_not_asked_again():
    """"il a manqué les deux dernières sessions sans prévenir": two unjustified absences known."""
    _, slots = respond({"role": "mentor"},
                       "mon étudiant a manqué les deux dernières sessions sans prévenir",
                       "student_unresponsive")
    assert (slots["absences_count"], slots["last_absence_justified"],
            slots["previous_absence_justified"]) == ("2", "non", "non")
    assert slots["decision_rule"] == "absences"


def test_month_said_in_the_first_message_wins_over_the_inferred_one(monkeypatch):
    """"appel à facturation de septembre jamais reçu" on 9 November: the ticket is for
    September, as said, and nothing is marked as inferred."""
    monkeypatch.setenv("OCBOT_TODAY", "2026-11-09")
    _, opened = respond({"role": "mentor"}, "appel à facturation de septembre jamais reçu",
                        "invoice_call_missing")
    assert opened["invoice_month"] == "2026-09"
    _, slots = moved_on({"next_step": "decision", "decision_rule": "invoice_call",
                         "role": "mentor", "invoice_month": "2026-09"})
    assert "invoice_month" not in slots or slots["invoice_month"] == "2026-09"
    assert slots["inferred_details"] is None


def test_new_fact_right_after_a_decision_applies_the_rule_again():
    """Coach told to contact once more, then "finalement je l'ai relancée une troisième fois":
    the rule runs again with 3 and opens the ticket."""
    state = {"role": "coach", "last_decision": "contacts", "contact_attempts": "2",
             "topic": "student_unresponsive"}
    dispatcher, slots = respond(state, "finalement je l'ai relancée une troisième fois",
                                "student_unresponsive", 0.7)
    assert responses(dispatcher)[:2] == ["utter_contacts_write", "utter_ticket_start"]
    assert slots["contact_attempts"] == "3"
    assert slots["ticket_category"] == "student_unresponsive"


def test_corrected_date_right_after_a_decision_is_read_against_that_rule(monkeypatch):
    """"ah pardon, le 10" after the payment rule: the date changes and the rule runs again."""
    monkeypatch.setenv("OCBOT_TODAY", "2026-11-09")
    state = {"role": "mentor", "last_decision": "payment", "invoice_status": "payee",
             "status_since": "2026-11-05", "topic": "payment_missing"}
    dispatcher, slots = respond(state, "ah pardon, le 10", "nlu_fallback", 0.3)
    assert slots["status_since"] == "2026-10-10"
    assert responses(dispatcher)[0] == "utter_payment_paid_write"


def test_correction_in_the_ticket_questions_changes_that_detail_and_keeps_the_rest():
    """"en fait non, c'est pour un autre étudiant, Paul Lefebvre" while the path is asked:
    the name changes, the path is asked again, the ticket goes on."""
    state = {"ticket_category": "student_alert", "role": "mentor", "alert_case": "dropout_risk",
             "student_name": "Karim Benali", "asked_field": "path"}
    dispatcher, slots = answer(
        state, "en fait non, c'est pour un autre étudiant, Paul Lefebvre", intent="deny")
    assert slots["student_name"] == "Paul Lefebvre"
    assert slots["asked_field"] == "path"
    assert "interruption" not in slots
    assert responses(dispatcher) == ["utter_detail_corrected", "utter_ask_path"]


def test_ticket_request_inside_the_ticket_questions_is_not_stored_as_a_detail():
    """"Ouvrir une demande" typed while the description is asked: not taken as the description,
    the question comes again."""
    state = {"ticket_category": "other", "role": "mentor", "asked_field": "description"}
    dispatcher, slots = answer(state, "Ouvrir une demande", intent="request_human")
    assert "description" not in slots
    assert responses(dispatcher) == ["utter_ticket_in_progress", "utter_ask_description"]
    assert slots["asked_field"] == "description"


def test_ticket_request_inside_a_rule_opens_the_topic_ticket_with_what_is_known():
    """"Ouvrir une demande" during the absences questions: the absences ticket, not 'other'."""
    state = {"decision_rule": "absences", "role": "mentor", "asked_field": "last_absence_date",
             "absences_count": "2", "topic": "student_unresponsive"}
    dispatcher, slots = answer(state, "Ouvrir une demande", intent="request_human")
    assert responses(dispatcher)[0] == "utter_ticket_start"
    assert slots["ticket_category"] == "student_unresponsive"
    assert (slots["next_step"], slots["interruption"], slots["decision_rule"]) == (
        "ticket", None, None)


def test_first_unreadable_answer_is_asked_again():
    """"je ne sais pas" once: the question again, with its example."""
    state = {"decision_rule": "absences", "role": "mentor", "asked_field": "absences_count"}
    dispatcher, slots = answer(state, "je ne sais pas")
    assert responses(dispatcher) == ["utter_invalid_count", "utter_ask_absences_count"]
    assert slots["asked_field"] == "absences_count"
    assert slots["failed_answers"] == {"field": "absences_count", "count": 1}


def test_second_unreadable_fact_sends_the_case_to_the_team():
    """A fact the rule needs, unreadable twice: the team takes the case, not the same question
    forever."""
    state = {"decision_rule": "absences", "role": "mentor", "asked_field": "absences_count",
             "failed_answers": {"field": "absences_count", "count": 1},
             "topic": "student_unresponsive"}
    dispatcher, slots = answer(state, "je l'ai pas sous la main")
    assert responses(dispatcher)[:2] == ["utter_fact_to_team", "utter_ticket_start"]
    assert slots["ticket_category"] == "student_unresponsive"
    assert slots["interruption"] is None


def test_second_unreadable_ticket_detail_is_kept_as_typed():
    """A ticket detail unreadable twice is kept as typed for the support team."""
    state = {"ticket_category": "transfer", "role": "mentor", "asked_field": "transfer_date",
             "student_name": "Karim Benali", "failed_answers": {"field": "transfer_date",
                                                                "count": 1}}
    dispatcher, slots = answer(state, "dès que possible")
    assert slots["transfer_date"] == "dès que possible"
    assert responses(dispatcher)[0] == "utter_detail_kept_as_typed"
    assert slots["failed_answers"] is None


def test_asking_for_a_person_after_a_decision_opens_that_topic_ticket():
    """Told to follow up, the mentor asks for a person anyway: the absences ticket, with the
    count already given, not an empty 'Autre demande'."""
    state = {"role": "mentor", "last_decision": "absences", "absences_count": "1",
             "topic": "student_unresponsive"}
    dispatcher, slots = respond(state, "je veux parler à quelqu'un", "request_human")
    assert responses(dispatcher)[0] == "utter_ticket_start"
    assert slots["ticket_category"] == "student_unresponsive"


def test_a_second_question_is_offered_as_a_button():
    """The classifier found a second topic in the message: once the first is answered, a button
    leads to the second."""
    dispatcher, _ = respond({"role": "mentor"}, "comment fonctionne la facturation ? et comment "
                            "avoir plus d'étudiants ?", "invoicing_how",
                            entities=[{"entity": "second_topic", "value": "more_students"}])
    names = responses(dispatcher)
    assert names.index("utter_second_question") < names.index("utter_ask_feedback")
    offer = dispatcher.messages[names.index("utter_second_question")]
    assert offer["buttons"] == [{"title": "Avoir plus d'étudiants", "payload": "/more_students"}]


def test_a_second_intent_that_is_no_topic_is_not_offered():
    """"bonjour ! comment ça marche la facturation ?": a greeting is no second question."""
    dispatcher, _ = respond({"role": "mentor"}, "bonjour ! comment ça marche la facturation ?",
                            "invoicing_how", entities=[{"entity": "second_topic",
                                                        "value": "greet"}])
    assert "utter_second_question" not in responses(dispatcher)
