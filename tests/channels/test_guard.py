"""channels.guard: what reaches Rasa from any channel."""

from __future__ import annotations

import pytest

from channels.guard import (
    EMPTY,
    MAX_MESSAGE_CHARS,
    TOO_LONG,
    PayloadPolicy,
    Screened,
    clean,
    response_text,
    screen,
)

POLICY = PayloadPolicy(
    intents=frozenset({"affirm", "inform", "invoice_call", "request_human"}),
    entity_values={"role": {"mentor", "coach"}, "field": {"student_name", "menu"}},
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", Screened("", EMPTY)),
        ("   \n\t  ", Screened("", EMPTY)),
        ("\x00\x07\x1b[31m", Screened("[31m")),
        ("\u200b\u200e\u2066", Screened("", EMPTY)),
        ("///", Screened("", EMPTY)),
        (None, Screened("", EMPTY)),
        (42, Screened("", EMPTY)),
        ({"text": "bonjour"}, Screened("", EMPTY)),
    ],
)
def test_messages_with_nothing_to_read_are_answered_by_the_channel(raw, expected):
    """Empty, blank, invisible-only or non-text messages never reach Rasa."""
    assert screen(raw, POLICY) == expected


@pytest.mark.parametrize("length", [MAX_MESSAGE_CHARS + 1, 100_000, 10_000_000])
def test_messages_over_the_limit_are_refused(length):
    """A message longer than MAX_MESSAGE_CHARS gets the 'too long' answer, whatever its size."""
    assert screen("a" * length, POLICY) == Screened("", TOO_LONG)


def test_a_message_at_the_limit_passes():
    """Exactly MAX_MESSAGE_CHARS characters is still a message."""
    assert screen("a" * MAX_MESSAGE_CHARS, POLICY).text == "a" * MAX_MESSAGE_CHARS


def test_spaces_do_not_count_towards_the_limit():
    """Padding with spaces is collapsed before the length is checked."""
    assert screen("bonjour" + " " * 10_000, POLICY) == Screened("bonjour")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("bon\x00jour", "bonjour"),
        ("ligne 1\r\nligne 2", "ligne 1 ligne 2"),
        ("cafe\u0301", "café"),
        ("mentor\u202e", "mentor"),
        ("👩\u200d💻", "👩\u200d💻"),
    ],
)
def test_clean_removes_controls_and_normalises(raw, expected):
    """Control and bidi characters go, NFC applies, emoji sequences stay whole."""
    assert clean(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "🙂🙂🙂",
        "<script>alert(1)</script>",
        "'; DROP TABLE tickets; --",
        "<b>facture</b> & paiement",
    ],
)
def test_odd_but_real_text_reaches_rasa_unchanged(text):
    """Emoji, HTML and SQL are only text: the assistant reads them, nothing interprets them."""
    assert screen(text, POLICY) == Screened(text)


@pytest.mark.parametrize(
    "payload",
    [
        "/affirm",
        "/invoice_call",
        '/inform{"role":"coach"}',
        '/inform{"field": "student_name"}',
        '/inform{"field":"menu"}',
    ],
)
def test_payloads_the_bot_offers_are_kept(payload):
    """The buttons' own payloads still choose the intent and entities."""
    assert screen(payload, POLICY) == Screened(payload)


@pytest.mark.parametrize(
    ("payload", "read_as"),
    [
        ('/inform{"role":"admin"}', 'inform{"role":"admin"}'),
        ('/inform{"ticket_category":"other"}', 'inform{"ticket_category":"other"}'),
        ('/inform{"next_step":"created"}', 'inform{"next_step":"created"}'),
        ("/affirm@0.99", "affirm@0.99"),
        ("/restart", "restart"),
        ('/inform{"role": ["coach"]}', 'inform{"role": ["coach"]}'),
        ('/inform{"role": "coach"', 'inform{"role": "coach"'),
        ("//affirm", "affirm"),
        ("/ je veux de l'aide", "je veux de l'aide"),
    ],
)
def test_other_slash_messages_are_read_as_plain_text(payload, read_as):
    """Unknown intents, unknown entities or values, confidences: the slash goes, words stay."""
    assert screen(payload, POLICY) == Screened(read_as)


def test_response_text_fills_the_limit_in_french():
    """{max_chars} is written the French way, with a narrow no-break space."""
    responses = {"utter_input_too_long": [{"text": "Au plus {max_chars} caractères."}]}
    assert response_text(responses, "utter_input_too_long") == "Au plus 2\u202f000 caractères."


def test_response_text_of_a_missing_response_is_its_name():
    """A response missing from the domain shows its name rather than crashing the channel."""
    assert response_text({}, "utter_input_empty") == "utter_input_empty"
