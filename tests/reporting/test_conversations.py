"""Conversations rebuilt from tracker rows: sessions, channel, role, topics, tickets, feedback."""

from __future__ import annotations

from reporting.conversations import conversations
from tests.reporting.builders import Talk, rows


def test_each_session_is_one_conversation():
    """A sender's second session (after expiry) is a second conversation."""
    talk = Talk("a", "2026-11-06 10:00").user("bonjour", "greet")
    talk.session("2026-11-07 09:00").user("merci", "thank")
    assert [len(c.turns) for c in conversations(talk.rows)] == [1, 1]


def test_a_session_without_user_message_is_not_a_conversation():
    """Opening the widget without typing leaves no conversation."""
    talk = Talk("a", "2026-11-06 10:00")
    talk.session("2026-11-06 12:00").user("bonjour", "greet")
    assert len(conversations(talk.rows)) == 1


def test_carried_over_ticket_is_not_counted_again():
    """The ticket reference Rasa replays at a new session's start belongs to the previous one."""
    talk = Talk("a", "2026-11-06 10:00").user("paiement", "payment_missing").ticket("OC-1")
    talk.session("2026-11-07 10:00").ticket("OC-1").user("bonjour", "greet")
    first, second = conversations(talk.rows)
    assert (first.tickets, second.tickets) == (["OC-1"], [])


def test_carried_over_role_still_says_who_talks():
    """The role replayed at the session's start is the role of the new conversation."""
    talk = Talk("a", "2026-11-06 10:00").slot("role", "coach").user("bonjour", "greet")
    assert conversations(talk.rows)[0].role == "coach"


def test_role_from_the_widget_metadata():
    """With no role slot, the widget's metadata.role is the conversation's role."""
    talk = Talk("a", "2026-11-06 10:00").user("bonjour", "greet", role="mentor")
    assert conversations(talk.rows)[0].role == "mentor"


def test_channel_is_the_input_channel():
    """The channel is the user events' input channel."""
    talk = Talk("a", "2026-11-06 10:00", channel="slack").user("bonjour", "greet")
    assert conversations(talk.rows)[0].channel == "slack"


def test_fallback_turn_keeps_the_best_real_intent():
    """Under a fallback, the turn keeps the classifier's best real intent and its confidence."""
    talk = Talk("a", "2026-11-06 10:00").fallback("un truc", "platform_question", 0.31)
    turn = conversations(talk.rows)[0].turns[0]
    assert (turn.fallback, turn.best, turn.confidence) == (True, "platform_question", 0.31)


def test_topics_answered_in_order_without_repeats():
    """Topics come from the answers given, once each."""
    talk = (Talk("a", "2026-11-06 10:00").user("x", "payment_missing").answered("payment_missing")
            .user("y", "referral_bonus").answered("referral_bonus").answered("payment_missing"))
    assert conversations(talk.rows)[0].topics == ["payment_missing", "referral_bonus"]


def test_feedback_records_are_read():
    """Each feedback slot event becomes one feedback of the conversation."""
    talk = (Talk("a", "2026-11-06 10:00").user("x", "payment_missing")
            .feedback(False, "payment_missing").feedback(True, "payment_missing"))
    assert [f.helpful for f in conversations(rows(talk))[0].feedback] == [False, True]
