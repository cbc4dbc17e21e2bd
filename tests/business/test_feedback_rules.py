"""actions.business.feedback: which message is feedback, what a feedback stores."""

from __future__ import annotations

import pytest

from actions.business.feedback import (
    HELPFUL,
    UNHELPFUL,
    Pending,
    closest_topics,
    record,
    reply_value,
)

PENDING = Pending(topic="payment_missing", answer="utter_payment_paid_wait", confidence=0.8,
                  closest=("invoice_dispute", "invoice_how"))


@pytest.mark.parametrize(("intent", "entity", "words", "asked_last", "expected"), [
    ("affirm", HELPFUL, 1, False, HELPFUL),  # a button counts even after a ticket offer
    ("deny", UNHELPFUL, 1, False, UNHELPFUL),
    ("affirm", None, 2, True, HELPFUL),  # typed "oui merci" right after the question
    ("thank", None, 1, True, HELPFUL),
    ("deny", None, 2, True, UNHELPFUL),  # typed "pas vraiment"
    ("affirm", None, 1, False, None),  # "oui" after a ticket offer opens the ticket instead
    ("deny", None, 9, True, None),  # a long sentence is a new question
    ("payment_missing", None, 3, True, None),  # a new question simply goes on
])
def test_reply_value(intent, entity, words, asked_last, expected):
    """Buttons always count; typed replies only short and right after the question."""
    assert reply_value(intent, entity, words, PENDING, asked_last) == expected


def test_nothing_pending_is_no_feedback():
    """Without an answer awaiting feedback, even the button is ignored."""
    assert reply_value("affirm", HELPFUL, 1, None, True) is None


def test_pending_survives_the_slot_round_trip():
    """What the slot holds comes back as the same pending answer."""
    assert Pending.from_slot(PENDING.to_slot()) == PENDING


@pytest.mark.parametrize("value", [None, "utter_x", {"topic": "x"}, {"answer": "utter_x"}])
def test_malformed_slot_is_nothing_pending(value):
    """A slot without topic and answer is no pending answer."""
    assert Pending.from_slot(value) is None


def test_closest_topics_skip_the_answer_and_out_of_scope():
    """The two likeliest other topics, in ranking order."""
    ranking = [{"name": n} for n in ("payment_missing", "out_of_scope", "greet",
                                     "invoice_dispute", "invoice_how", "referral_bonus")]
    topics = frozenset({"payment_missing", "out_of_scope", "invoice_dispute", "invoice_how",
                        "referral_bonus"})
    assert closest_topics(ranking, topics, "payment_missing") == ("invoice_dispute",
                                                                   "invoice_how")


def test_record_holds_what_the_report_needs():
    """Topic, answer, confidence, channel, role and the verdict."""
    assert record(PENDING, UNHELPFUL, "rest", "mentor") == {
        "helpful": False, "topic": "payment_missing", "answer": "utter_payment_paid_wait",
        "confidence": 0.8, "channel": "rest", "role": "mentor"}
