"""channels.rest: which webhook bodies are refused with a 400."""

from __future__ import annotations

import pytest

from channels.rest import body_problem


@pytest.mark.parametrize(
    "body",
    [
        {"sender": "3f2a9c1e-6b1d-4b7e-9f51-0c2d8e7a1b44", "message": "Bonjour"},
        {"sender": "mentor@example.com", "message": "", "metadata": {"role": "coach"}},
        {"sender": "a", "message": "x", "metadata": None},
    ],
)
def test_well_formed_bodies_pass(body):
    """A string sender and message, an optional metadata object."""
    assert body_problem(body) is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (["sender", "message"], "JSON object"),
        ("Bonjour", "JSON object"),
        (None, "JSON object"),
        ({"message": "Bonjour"}, "`sender`"),
        ({"sender": "", "message": "Bonjour"}, "`sender`"),
        ({"sender": 42, "message": "Bonjour"}, "`sender`"),
        ({"sender": "a" * 129, "message": "Bonjour"}, "`sender`"),
        ({"sender": "x y", "message": "Bonjour"}, "`sender`"),
        ({"sender": "<script>", "message": "Bonjour"}, "`sender`"),
        ({"sender": "me"}, "`message`"),
        ({"sender": "me", "message": 3}, "`message`"),
        ({"sender": "me", "message": ["a"]}, "`message`"),
        ({"sender": "me", "message": "a", "metadata": "role=coach"}, "`metadata`"),
    ],
)
def test_malformed_bodies_are_refused_with_a_reason(body, reason):
    """Wrong shapes get a reason naming the field, never a crash further in."""
    assert reason in body_problem(body)


def test_signed_in_body_needs_no_sender():
    """Under a token the sender is not read, so a body without one passes."""
    assert body_problem({"message": "Bonjour"}, signed_in=True) is None


def test_anonymous_sender_cannot_take_a_signed_in_users_id():
    """`user:` ids are the conversations of signed-in users: refused from anonymous clients."""
    assert "signed-in" in body_problem({"sender": "user:u-42", "message": "Bonjour"})
    assert "signed-in" in body_problem({"sender": "slack:U123", "message": "Bonjour"})
