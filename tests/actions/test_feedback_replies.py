"""Feedback on answers through action_respond."""

from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.respond import ActionRespond
from tests.actions.conftest import make_tracker, responses, slot_events

PENDING = {"topic": "more_students", "answer": "utter_more_students", "confidence": 0.91,
           "closest": ["other_paths", "first_student_wait"]}
ASKED = {"event": "bot", "text": "Cette réponse vous a-t-elle aidé ?",
         "metadata": {"utter_action": "utter_ask_feedback"}}
OFFERED = {"event": "bot", "text": "Souhaitez-vous ...",
           "metadata": {"utter_action": "utter_offer_ticket"}}


def run(tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionRespond().run(dispatcher, tracker, {}))
    return dispatcher, events


def button(value: str, intent: str, slots: dict | None = None, last=ASKED):
    return make_tracker({"role": "mentor", "feedback_on": PENDING, "next_step": "listen",
                         **(slots or {})},
                        intent=intent, text=f'/{intent}{{"feedback":"{value}"}}',
                        entities=[{"entity": "feedback", "value": value}],
                        events=[last, {"event": "user", "text": "/x"}])


def typed(text: str, intent: str, last=ASKED, slots: dict | None = None):
    return make_tracker({"role": "mentor", "feedback_on": PENDING, "next_step": "listen",
                         **(slots or {})}, intent=intent, text=text,
                        events=[last, {"event": "user", "text": text}])


def test_answer_asks_for_feedback_with_the_question_confidence():
    """After an answer, the pending feedback names the topic, answer and NLU confidence."""
    ranking = [{"name": "more_students", "confidence": 0.87},
               {"name": "other_paths", "confidence": 0.05},
               {"name": "greet", "confidence": 0.03},
               {"name": "first_student_wait", "confidence": 0.02}]
    tracker = make_tracker({"role": "mentor"}, intent="more_students", confidence=0.87,
                           ranking=ranking)
    dispatcher, events = run(tracker)
    assert "utter_ask_feedback" in responses(dispatcher)
    assert slot_events(events)["feedback_on"] == {
        "topic": "more_students", "answer": "utter_more_students", "confidence": 0.87,
        "closest": ["other_paths", "first_student_wait"]}


def test_small_talk_asks_no_feedback():
    """A greeting is no answer to rate."""
    dispatcher, events = run(make_tracker({"role": "mentor"}, intent="greet", text="bonjour"))
    assert "utter_ask_feedback" not in responses(dispatcher)
    assert "feedback_on" not in slot_events(events)


def test_out_of_scope_asks_no_feedback():
    """'I cannot help with that' is not rated."""
    dispatcher, _ = run(make_tracker({"role": "mentor"}, intent="out_of_scope"))
    assert "utter_ask_feedback" not in responses(dispatcher)


def test_helpful_button_is_recorded_and_thanked():
    """"Oui, merci" stores a positive feedback with topic, answer, confidence, channel, role."""
    dispatcher, events = run(button("helpful", "affirm"))
    assert responses(dispatcher) == ["utter_feedback_thanks"]
    slots = slot_events(events)
    assert slots["feedback"] == {"helpful": True, "topic": "more_students",
                                 "answer": "utter_more_students", "confidence": 0.91,
                                 "channel": None, "role": "mentor"}
    assert slots["feedback_on"] is None


def test_unhelpful_button_offers_the_next_steps():
    """"Pas vraiment": the two closest topics as buttons (plus the response's own 'Ouvrir une
    demande'), and a request can be opened."""
    tracker = button("unhelpful", "deny")
    dispatcher, events = run(tracker)
    assert responses(dispatcher) == ["utter_feedback_next_steps"]
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == [
        "/other_paths", "/first_student_wait"]
    slots = slot_events(events, tracker.slots)
    assert slots["feedback"]["helpful"] is False
    assert slots["offered_ticket"] == "other"  # more_students has no ticket of its own
    assert slots["next_step"] == "listen"


def test_unhelpful_on_a_ticket_topic_offers_that_ticket():
    """After "Pas vraiment" on a topic the support team handles, 'oui' opens its category."""
    pending = {**PENDING, "topic": "content_error", "answer": "utter_content_error"}
    _, events = run(button("unhelpful", "deny", {"feedback_on": pending}))
    assert slot_events(events)["offered_ticket"] == "content_error"


def test_typed_pas_vraiment_right_after_the_question_counts():
    """In the shell, typing "pas vraiment" is the same as the button."""
    _, events = run(typed("pas vraiment", "deny"))
    assert slot_events(events)["feedback"]["helpful"] is False


def test_typed_oui_after_a_ticket_offer_opens_the_ticket():
    """When the ticket offer was the last question, "oui" means "open the request"."""
    dispatcher, events = run(typed("oui", "affirm", last=OFFERED,
                                   slots={"offered_ticket": "content_error"}))
    said = responses(dispatcher)
    assert said[0] == "utter_ticket_start" and said[1].startswith("utter_ask_")
    assert "feedback" not in slot_events(events)


def test_new_question_goes_on_without_feedback():
    """Feedback never blocks: a new question is answered, nothing is recorded."""
    dispatcher, events = run(typed("comment facturer une prime de cooptation", "referral_bonus"))
    assert responses(dispatcher)[0] == "utter_referral_bonus"
    assert "feedback" not in slot_events(events)


def test_feedback_button_during_a_ticket_summary_keeps_the_summary_waiting():
    """An old "Oui, merci" clicked while a summary waits does not confirm the ticket."""
    tracker = button("helpful", "affirm", {"next_step": "confirm", "ticket_category": "other"})
    dispatcher, events = run(tracker)
    assert responses(dispatcher) == ["utter_feedback_thanks"]
    assert slot_events(events, tracker.slots)["next_step"] == "confirm"


def validate_with_click(value: str, intent: str, pending=PENDING):
    """The ticket asks the student's name; an earlier feedback button is clicked."""
    text = f'/{intent}{{"feedback":"{value}"}}'
    slots = {"role": "mentor", "ticket_category": "student_unresponsive",
             "next_step": "ticket", "asked_field": "student_name", "feedback_on": pending}
    tracker = make_tracker(slots, intent=intent, text=text,
                           entities=[{"entity": "feedback", "value": value}],
                           events=[{"event": "user", "text": text}])
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionRespond().run(dispatcher, tracker, {}))
    return dispatcher, slot_events(events, slots)


def test_old_pas_vraiment_clicked_in_the_questions_is_recorded_and_the_question_asked_again():
    """The click is feedback, not the student's name, and does not cancel the ticket."""
    dispatcher, slots = validate_with_click("unhelpful", "deny")
    assert responses(dispatcher) == ["utter_feedback_noted", "utter_ask_student_name"]
    assert slots["feedback"]["helpful"] is False
    assert "student_name" not in slots
    assert (slots["asked_field"], slots["next_step"]) == ("student_name", "ticket")
    assert "interruption" not in slots


def test_feedback_click_in_the_questions_with_nothing_pending_is_ignored():
    """Already rated: the click changes nothing and the same question comes again."""
    dispatcher, slots = validate_with_click("helpful", "affirm", pending=None)
    assert "feedback" not in slots and "student_name" not in slots
    assert responses(dispatcher) == ["utter_ask_student_name"]
    assert slots["asked_field"] == "student_name"


def test_typed_merci_right_after_the_question_is_helpful():
    """"oui merci" (read as thank) answers the feedback question."""
    dispatcher, events = run(typed("oui merci", "thank"))
    assert responses(dispatcher) == ["utter_feedback_thanks"]
    assert slot_events(events)["feedback"]["helpful"] is True


def test_merci_with_no_question_pending_is_small_talk():
    """Without a feedback question, "merci" gets the usual "Avec plaisir"."""
    tracker = make_tracker({"role": "mentor"}, intent="thank", text="merci")
    dispatcher, events = run(tracker)
    assert responses(dispatcher) == ["utter_you_are_welcome"]
    assert "feedback" not in slot_events(events)
