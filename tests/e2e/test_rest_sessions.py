"""Anonymous REST sessions on real servers (the local profile: SQLite tracker and tickets).

An anonymous client asks `POST /webhooks/rest/session` for a sender id the server signs; any
other anonymous sender id is refused and stores nothing, so nobody enters another anonymous
conversation by guessing or choosing its id (channels/rest.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.stack import MODEL, LocalStack, conversation_of, list_tickets, rest_session
from tests.e2e.tracker_rows import event_count, senders
from tests.e2e.webhook import post as webhook_post
from tests.e2e.webhook import texts

INVOICE = "je n'ai pas reçu mon appel à facturation"


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """`make run`'s local profile, anonymous clients allowed, on 7 November 2026."""
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` first")
    stack = LocalStack(tmp_path_factory.mktemp("rest-sessions"), "2026-11-07")
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()


def base(stack: LocalStack) -> str:
    return stack.rasa[0].base_url


def post(stack: LocalStack, body: dict) -> tuple[int, object]:
    return webhook_post(base(stack), body)


def say(stack: LocalStack, sender: str, text: str) -> str:
    status, messages = post(stack, {"sender": sender, "message": text,
                                    "metadata": {"role": "mentor"}})
    assert status == 200, messages
    return texts(messages)



def test_a_signed_sender_id_is_served_and_continues_its_conversation(local: LocalStack) -> None:
    """The id the server issued gets answers, and its next message goes on with the same form;
    the tracker and the ticket hold the random part only, never the usable signed id."""
    me = rest_session(base(local))
    assert "À quelle adresse e-mail" in say(local, me, INVOICE)
    assert "Voici votre demande" in say(local, me, "camille@example.org")
    assert "OC-2026-" in say(local, me, "/affirm")
    stored = senders(local.tracker_db)
    assert conversation_of(me) in stored and me not in stored
    [ticket] = [t for t in list_tickets(local.tickets_url)
                if t["sender_id"] == conversation_of(me)]
    assert ticket["requester_email"] == "camille@example.org"


def test_every_session_is_a_new_conversation(local: LocalStack) -> None:
    """Two clients asking for a session get two different ids, and different conversations."""
    first, second = rest_session(base(local)), rest_session(base(local))
    assert first != second and conversation_of(first) != conversation_of(second)


@pytest.mark.parametrize("sender", [
    "visitor-42",                                  # chosen by the client
    "3f2a9c1e-6b1d-4b7e-9f51-0c2d8e7a1b44",          # a UUID, as older widgets made
    "0123456789abcdef0123456789abcdef",              # the shape of a stored conversation id
])
def test_an_unsigned_anonymous_sender_id_is_refused_and_nothing_is_stored(
        local: LocalStack, sender: str) -> None:
    """403 with a JSON reason naming the handshake; no conversation appears in the store."""
    before = senders(local.tracker_db)
    status, body = post(local, {"sender": sender, "message": "bonjour"})
    assert status == 403
    assert isinstance(body, dict) and body["code"] == "unsigned_sender"
    assert "/webhooks/rest/session" in body["error"]
    assert senders(local.tracker_db) == before


def test_a_forged_signature_cannot_enter_someone_elses_conversation(local: LocalStack) -> None:
    """The victim's conversation id (as stored) with a made-up signature, or the victim's own
    signature moved onto another id: refused, and the victim's conversation is untouched."""
    victim = rest_session(base(local))
    say(local, victim, INVOICE)
    conversation, signature = victim.split(".")
    events = event_count(local.tracker_db, conversation)
    before = senders(local.tracker_db)
    other = rest_session(base(local)).split(".")[0]
    for forged in (f"{conversation}.{'0' * 32}", f"{conversation}.{signature[::-1]}",
                   f"{other}.{signature}", conversation):
        status, body = post(local, {"sender": forged, "message": "camille@example.org"})
        assert status == 403 and isinstance(body, dict), forged
        assert body["code"] == "unsigned_sender"
    assert event_count(local.tracker_db, conversation) == events
    assert senders(local.tracker_db) == before
