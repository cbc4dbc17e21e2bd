"""channels.rest: anonymous REST clients talk under sender ids the server signed."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace

import jwt
import pytest

from channels.identity import IdentityVerifier
from channels.rest import RestChannel, ShellChannel
from channels.sessions import SessionSigner

SIGNER = SessionSigner(b"0123456789abcdef0123456789abcdef")


def channel(kind: type[RestChannel] = RestChannel) -> RestChannel:
    made = kind()
    made.verifier = IdentityVerifier(required=False)
    made.signer = SIGNER
    return made


def request(body: object = None, ip: str = "203.0.113.7") -> SimpleNamespace:
    return SimpleNamespace(headers={}, body=json.dumps(body).encode(), ip=ip,
                           ctx=SimpleNamespace(), args={})


def test_the_session_route_issues_a_signed_id():
    """POST /webhooks/rest/session answers a sender id this server will accept."""
    answer = channel().open_session(request())
    sender = json.loads(answer.body)["sender"]
    assert SIGNER.sender_of(sender) is not None


@pytest.mark.parametrize("sender", ["visitor-42", "0123456789abcdef0123456789abcdef",
                                    "0123456789abcdef0123456789abcdef." + "0" * 32])
def test_an_unsigned_sender_is_refused_with_a_reason(sender):
    """403 with code unsigned_sender and the way to get a signed id; nothing reaches Rasa."""
    asked = request({"sender": sender, "message": "bonjour"})
    answer = channel().screen_request(asked)
    assert answer is not None and answer.status == 403
    body = json.loads(answer.body)
    assert body["code"] == "unsigned_sender" and "/webhooks/rest/session" in body["error"]
    assert not hasattr(asked.ctx, "ocbot_sender")


def test_a_signed_sender_names_its_conversation_by_the_random_part():
    """The conversation Rasa gets is the random part, never the replayable signed id."""
    session_id, conversation = SIGNER.issue()
    assert channel().anonymous_conversation(request(), session_id) == conversation


@pytest.mark.parametrize("ip", ["127.0.0.1", "::1"])
def test_the_shell_names_its_own_conversation_from_loopback(ip):
    """`rasa shell`'s client picks a uuid: accepted from this machine, as a shell: conversation
    that can never be a web or Slack one."""
    shell = channel(ShellChannel)
    assert shell.anonymous_conversation(request(ip=ip), "3f2a9c1e") == "shell:3f2a9c1e"


def test_the_shell_refuses_unsigned_ids_from_elsewhere():
    """The same request from another machine gets no conversation (a 403)."""
    shell = channel(ShellChannel)
    assert shell.anonymous_conversation(request(ip="203.0.113.7"), "3f2a9c1e") is None


def test_the_shell_accepts_signed_ids_too():
    """A signed id works in the shell's channel as on REST."""
    session_id, conversation = SIGNER.issue()
    assert channel(ShellChannel).anonymous_conversation(request(), session_id) == conversation


SECRET = "unit-identity-secret-0123456789abcdef0123"


def test_the_session_route_refuses_anonymous_clients_when_identity_is_required():
    """With OCBOT_IDENTITY_SECRET set there are no anonymous sessions: 401, as on the webhook."""
    required = channel()
    required.verifier = IdentityVerifier(hs256_secret=SECRET.encode(), required=True)
    answer = required.open_session(request())
    assert answer.status == 401
    assert json.loads(answer.body)["code"] == "missing_token"


def test_the_session_route_names_a_signed_in_users_own_conversation():
    """Under a valid token the route answers the user's conversation, not a new anonymous one."""
    signed_in = channel()
    signed_in.verifier = IdentityVerifier(hs256_secret=SECRET.encode(), required=True)
    token = jwt.encode({"sub": "alice-7", "email": "alice@example.org", "name": "Alice",
                        "role": "mentor", "exp": int(time.time()) + 600}, SECRET,
                       algorithm="HS256")
    asked = request()
    asked.headers = {"Authorization": f"Bearer {token}"}
    assert json.loads(signed_in.open_session(asked).body) == {"sender": "user:alice-7"}
