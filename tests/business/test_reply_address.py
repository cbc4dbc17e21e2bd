"""actions.business.reply_address: which answers give an address to reply to."""

import pytest

from actions.business.reply_address import is_email, parse_email


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("alice.martin@example.org", "alice.martin@example.org"),
        ("c'est Alice+oc@Exemple.FR.", "Alice+oc@exemple.fr"),
        ("mon adresse : bob@mail.example.com merci", "bob@mail.example.com"),
        ("alice@example", None),
        ("alice arobase example.org", None),
        ("a@b.fr ou c@d.fr", None),
        ("@example.org", None),
        ("alice@-example.org", None),
        ("", None),
    ],
)
def test_parse_email(text, email):
    """One well-formed address is read (domain lower-cased); anything else is no answer."""
    assert parse_email(text) == email


def test_is_email_refuses_spaces_and_overlong_addresses():
    """No spaces, and no more than 254 characters."""
    assert is_email("a b@example.org") is False
    assert is_email("a" * 60 + "@" + "b" * 200 + ".fr") is False
    assert is_email("alice@example.org") is True
