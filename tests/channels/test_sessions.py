"""channels.sessions: socket.io session ids a client cannot forge or guess."""

from __future__ import annotations

import stat

import pytest

from channels.sessions import SECRET_ENV, SessionSigner, load_secret

SIGNER = SessionSigner(b"0123456789abcdef0123456789abcdef")


def test_an_issued_session_resumes_its_conversation():
    """The id given to the client leads back to the same conversation id."""
    session_id, sender = SIGNER.issue()
    assert SIGNER.sender_of(session_id) == sender


def test_the_conversation_id_is_not_the_session_id():
    """What Rasa stores (the conversation id) cannot be replayed as a session id."""
    session_id, sender = SIGNER.issue()
    assert sender != session_id
    assert SIGNER.sender_of(sender) is None


def test_issued_sessions_are_unique():
    """Every issue draws a fresh 128-bit conversation id."""
    senders = {SIGNER.issue()[1] for _ in range(1000)}
    assert len(senders) == 1000
    assert all(len(sender) == 32 for sender in senders)


@pytest.mark.parametrize(
    "presented",
    ["", "user1", "abc.def", "a.b.c", None, 12, ["x"], {"session_id": "x"}],
)
def test_made_up_session_ids_are_refused(presented):
    """Anything the server did not sign belongs to no conversation."""
    assert SIGNER.sender_of(presented) is None


def test_a_tampered_session_id_is_refused():
    """Changing the conversation part breaks the signature."""
    session_id, sender = SIGNER.issue()
    other = ("0" if sender[0] != "0" else "1") + sender[1:]
    assert SIGNER.sender_of(other + session_id[len(sender):]) is None


def test_another_secret_does_not_accept_the_session():
    """Servers must share the secret: one with another key refuses the id."""
    session_id, _ = SIGNER.issue()
    assert SessionSigner(b"another-secret-of-32-bytes-long!").sender_of(session_id) is None


def test_a_short_secret_is_refused():
    """A secret under 16 bytes fails loudly rather than signing weakly."""
    with pytest.raises(ValueError):
        SessionSigner(b"short")


def test_the_secret_comes_from_the_environment_first(tmp_path):
    """OCBOT_SESSION_SECRET wins; no key file is written."""
    key_file = tmp_path / "session.key"
    assert load_secret({SECRET_ENV: "from-the-environment"}, key_file) == b"from-the-environment"
    assert not key_file.exists()


def test_without_environment_a_key_file_is_created_owner_only_and_reused(tmp_path):
    """The key file is written once, mode 0600, and read back the next time."""
    key_file = tmp_path / "var" / "session.key"
    first = load_secret({}, key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_secret({}, key_file) == first
    assert len(first) == 64
