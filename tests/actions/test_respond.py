"""action_respond: the answer to a topic, and to the user's replies to the bot."""

from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.respond import ActionRespond
from tests.actions.conftest import make_tracker, responses, slot_events


def run(tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionRespond().run(dispatcher, tracker, {}))
    return dispatcher, events


def test_role_dependent_topic_asks_the_role_once_and_remembers_the_topic():
    """An unknown role on a role-dependent topic: the bot asks it and keeps the topic pending."""
    dispatcher, events = run(make_tracker(intent="student_unresponsive"))
    assert responses(dispatcher) == ["utter_ask_role"]
    assert slot_events(events)["pending_topic"] == "student_unresponsive"


def test_role_answer_resumes_the_pending_topic():
    """Once the role is given, the pending topic is answered for that role."""
    tracker = make_tracker({"role": "coach", "pending_topic": "student_unresponsive"},
                           intent="inform")
    dispatcher, events = run(tracker)
    assert responses(dispatcher) == ["utter_student_unresponsive", "utter_ask_contact_attempts"]
    slots = slot_events(events)
    assert slots["decision_rule"] == "contacts"
    assert (slots["next_step"], slots["asked_field"]) == ("decision", "contact_attempts")
    assert slots["pending_topic"] is None


def test_decision_topic_answers_then_starts_the_rule_with_fresh_facts():
    """A rule topic gives the general answer, clears old facts and asks the rule's first
    question in the same run."""
    tracker = make_tracker({"role": "mentor", "invoice_status": "payee"}, intent="payment_missing")
    dispatcher, events = run(tracker)
    assert responses(dispatcher) == ["utter_payment_missing", "utter_ask_invoice_status"]
    slots = slot_events(events)
    assert slots["invoice_status"] is None
    assert (slots["decision_rule"], slots["asked_field"], slots["next_step"]) == (
        "payment", "invoice_status", "decision")


def test_ticket_topic_answers_and_offers_the_ticket():
    """A topic the support team handles: answer, feedback question, then the offer buttons."""
    dispatcher, events = run(make_tracker({"role": "mentor"}, intent="content_error"))
    assert responses(dispatcher) == ["utter_content_error", "utter_ask_feedback",
                                     "utter_offer_ticket"]
    assert slot_events(events)["offered_ticket"] == "content_error"


def test_answer_only_topic_offers_nothing():
    """Wanting more students: writing does not help, so no ticket is offered."""
    dispatcher, events = run(make_tracker({"role": "mentor"}, intent="more_students"))
    assert responses(dispatcher) == ["utter_more_students", "utter_ask_feedback"]
    assert slot_events(events)["offered_ticket"] is None


def test_request_human_opens_the_offered_category():
    """'Ouvrir une demande' after an answer starts the ticket of that topic; a detail already
    given in the topic is kept, the others are asked."""
    tracker = make_tracker({"role": "mentor", "offered_ticket": "videoconference",
                            "problem_nature": "l'image se fige"},
                           intent="request_human")
    dispatcher, events = run(tracker)
    assert responses(dispatcher) == ["utter_ticket_start", "utter_ask_session_link"]
    slots = slot_events(events)
    assert (slots["ticket_category"], slots["next_step"]) == ("videoconference", "ticket")
    assert slots["asked_field"] == "session_link"
    assert "problem_nature" not in slots and "session_link" not in slots


def test_a_new_topic_forgets_the_details_of_the_previous_one():
    """Asking about another topic empties the details given for the previous one."""
    tracker = make_tracker({"role": "mentor", "problem_nature": "l'image se fige"},
                           intent="videoconference_problem")
    _, events = run(tracker)
    assert slot_events(events)["problem_nature"] is None


def test_request_human_without_context_opens_other():
    """Asking for a person out of the blue opens a ticket 'other'."""
    _, events = run(make_tracker({"role": "coach"}, intent="request_human"))
    assert slot_events(events)["ticket_category"] == "other"


def test_low_confidence_suggests_the_two_likeliest_topics_and_other():
    """nlu_fallback: two topic buttons from the ranking, then 'Autre demande'."""
    ranking = [{"name": "nlu_fallback", "confidence": 0.5},
               {"name": "payment_missing", "confidence": 0.3},
               {"name": "greet", "confidence": 0.1},
               {"name": "invoice_dispute", "confidence": 0.1},
               {"name": "content_error", "confidence": 0.05}]
    dispatcher, _ = run(make_tracker(intent="nlu_fallback", ranking=ranking))
    buttons = dispatcher.messages[0]["buttons"]
    assert [b["payload"] for b in buttons] == ["/payment_missing", "/invoice_dispute",
                                               "/request_human"]
    assert buttons[0]["title"] == "Paiement non reçu"


def test_plain_affirm_without_context_asks_what_else():
    """'oui' with nothing pending does not open anything."""
    dispatcher, events = run(make_tracker(intent="affirm"))
    assert responses(dispatcher) == ["utter_anything_else"]
    assert slot_events(events)["next_step"] == "listen"


def test_answer_when_nothing_was_asked_suggests_topics():
    """An 'inform' out of the blue is a misread question: offer the likeliest topics."""
    ranking = [{"name": "inform", "confidence": 0.4},
               {"name": "payment_missing", "confidence": 0.3}]
    dispatcher, _ = run(make_tracker(intent="inform", text="pas été payée pour octobre",
                                     ranking=ranking))
    assert responses(dispatcher) == ["utter_suggest_topics"]
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/payment_missing"


def test_long_deny_sentence_suggests_topics():
    """'je ne veux plus faire de mentorat du tout' is no plain 'non'."""
    tracker = make_tracker(intent="deny", text="je ne veux plus faire de mentorat du tout",
                           ranking=[{"name": "stop_activity", "confidence": 0.2}])
    dispatcher, _ = run(tracker)
    assert responses(dispatcher) == ["utter_suggest_topics"]


def test_role_given_first_is_acknowledged():
    """'je suis coach' as an opening message: noted, and the bot asks the question."""
    tracker = make_tracker({"role": "coach"}, intent="inform",
                           entities=[{"entity": "role", "value": "je suis coach"}])
    dispatcher, _ = run(tracker)
    assert responses(dispatcher) == ["utter_role_noted"]


def test_starting_a_rule_empties_only_the_slots_that_hold_a_value():
    """A new topic clears the previous answers without logging a SlotSet for every field."""
    tracker = make_tracker({"role": "mentor", "invoice_status": "payee"}, intent="payment_missing")
    _, events = run(tracker)
    cleared = [e["name"] for e in events if e.get("event") == "slot" and e["value"] is None]
    assert "invoice_status" in cleared
    assert "student_name" not in cleared


def test_long_answer_goes_on_in_a_second_bubble_before_the_offer():
    """A long answer is sent as two bubbles, then the offer: nothing dropped, each bubble short."""
    dispatcher, _ = run(make_tracker({"role": "coach"}, intent="coaching_tips"))
    assert responses(dispatcher) == [
        "utter_coaching_tips", "utter_coaching_tips_more", "utter_ask_feedback",
        "utter_offer_ticket"]


def test_second_bubble_only_for_the_role_whose_answer_is_long():
    """The mentors' invoicing answer has a second bubble; the coaches' short one has none."""
    mentor, _ = run(make_tracker({"role": "mentor"}, intent="invoicing_how"))
    coach, _ = run(make_tracker({"role": "coach"}, intent="invoicing_how"))
    assert responses(mentor) == ["utter_invoicing_how", "utter_invoicing_how_more",
                                 "utter_ask_feedback"]
    assert responses(coach) == ["utter_invoicing_how", "utter_ask_feedback"]


def test_coach_student_admin_question_offers_no_ticket():
    """The coaches' section sends the student to the Support étudiant: no ticket is offered."""
    dispatcher, events = run(make_tracker({"role": "coach"}, intent="student_admin_question"))
    assert responses(dispatcher) == ["utter_student_admin_question", "utter_ask_feedback"]
    assert slot_events(events)["offered_ticket"] is None


def test_bare_yes_after_the_suggestions_opens_no_empty_ticket():
    """Right after the fallback's suggestions (read from the bot's last event), "oui" opens no
    empty 'Autre demande'."""
    suggested = {"event": "bot", "text": "Je n'ai pas bien compris...",
                 "metadata": {"utter_action": "utter_suggest_topics"}}
    tracker = make_tracker({"role": "mentor", "offered_ticket": "other", "next_step": "listen"},
                           intent="affirm", text="oui",
                           events=[suggested, {"event": "user", "text": "oui"}])
    dispatcher, events = run(tracker)
    assert responses(dispatcher) == ["utter_anything_else"]
    assert "ticket_category" not in slot_events(events)


def test_the_action_ends_the_turn_and_the_bot_listens():
    """Whatever the turn, the action's last event tells Rasa to wait for the user."""
    for text, intent in [("comment devenir mentor ?", "become_mentor"), ("oui", "affirm")]:
        _, events = run(make_tracker(intent=intent, text=text))
        assert events[-1] == {"event": "followup", "timestamp": None, "name": "action_listen"}
