"""Bad input through the REST and socket.io channels of a real Rasa server.

Every message gets a clear French answer or a 4xx, never a 500; nothing typed as a payload
chooses an intent or sets a slot; what is stored keeps the ticket list readable.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
import socketio

from harness.stack import conversation_of, list_tickets, rest_session
from tests.e2e.conftest import say, texts


def post_raw(base: str, body: bytes, content_type: str = "application/json") -> tuple[int, str]:
    request = urllib.request.Request(f"{base}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", "aucun texte"),
        ("   \n\t ", "aucun texte"),
        ("\x00\x01\x1b\x7f", "aucun texte"),
        ("a" * 100_000, "trop long"),
    ],
)
def test_rest_empty_or_huge_messages_get_a_french_answer(servers, message, expected):
    """Nothing to read, or far too much: the channel answers at once, in French."""
    base, _ = servers
    assert expected in texts(say(base, rest_session(base), message))


@pytest.mark.parametrize(
    "message",
    ["🙂🙂🙂", "<script>alert('x')</script>", "<img src=x onerror=alert(1)>",
     "'; DROP TABLE events; --", "1 OR 1=1", "bonjour\x07\x08 à tous",
     '/inform{"role": "admin"}', '/inform{"next_step": "created", "ticket_category": "other"}',
     "/affirm@1.0", "/restart", "/session_start"],
)
def test_rest_odd_messages_get_an_answer(servers, message):
    """Emoji, HTML, SQL, control characters, made-up payloads: a non-empty bot answer."""
    base, _ = servers
    assert texts(say(base, rest_session(base), message)).strip()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"sender": "x", "message": ', "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b'"Bonjour"', "application/json"),
        (b'{"sender": "x", "message": 42}', "application/json"),
        (b'{"sender": {"id": 1}, "message": "Bonjour"}', "application/json"),
        (b'{"message": "Bonjour"}', "application/json"),
        (b'{"sender": "x", "message": "Bonjour", "metadata": "coach"}', "application/json"),
        (b"sender=x&message=Bonjour", "application/x-www-form-urlencoded"),
        (b"\xff\xfe\x00", "application/json"),
        (b"", "application/json"),
    ],
)
def test_rest_malformed_bodies_get_a_400(servers, body, content_type):
    """Broken JSON, wrong shapes, wrong types: 400 with a reason, never a 500."""
    base, _ = servers
    status, answer = post_raw(base, body, content_type)
    assert status == 400
    assert json.loads(answer)["error"]


def test_rest_oversized_body_gets_a_413(servers):
    """A body over the server's request limit (a 10 MB file in base64 and 1 MB) is refused
    before it is read."""
    base, _ = servers
    # Only the announced length is sent in full: the server answers from the headers, and a
    # client still writing 16 MB would see the connection reset instead of the answer.
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    connection.putrequest("POST", "/webhooks/rest/webhook")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(16_000_000))
    connection.endheaders(b'{"sender": "%s", "message": "' % rest_session(base).encode())
    try:
        assert connection.getresponse().status == 413
    finally:
        connection.close()


def test_rasa_http_api_is_off(servers):
    """Conversations, model and status routes do not exist on the server."""
    base, _ = servers
    for path in ("/conversations/victim/tracker", "/status", "/domain"):
        try:
            with urllib.request.urlopen(f"{base}{path}", timeout=10) as answer:
                status = answer.status
        except urllib.error.HTTPError as error:
            status = error.code
        assert status == 404, path


def test_a_made_up_payload_sets_no_slot(servers):
    """`/inform{"role": "admin"}` does not make the user anything: the bot still asks the role."""
    base, _ = servers
    me = rest_session(base)
    say(base, me, '/inform{"role": "coach", "next_step": "created"}')
    reply = texts(say(base, me, "comment avoir plus d'étudiants ?"))
    assert "êtes-vous mentor ou coach" in reply


def test_odd_ticket_details_are_stored_verbatim_and_listed(servers, tmp_path):
    """SQL and HTML typed as a ticket detail are stored as text; the CLI still lists tickets."""
    base, actions = servers
    db = tmp_path / "tickets.db"
    actions.start(TICKETS_DB_URL=f"sqlite:///{db}")
    me = rest_session(base)
    detail = "'; DROP TABLE tickets; -- <script>alert(1)</script> 🙂"
    say(base, me, "/request_human", role="mentor")
    say(base, me, detail, role="mentor")
    say(base, me, "mentor@example.org", role="mentor")
    created = texts(say(base, me, "/affirm", role="mentor"))
    assert "OC-" in created
    tickets = list_tickets(f"sqlite:///{db}")
    assert [t["sender_id"] for t in tickets] == [conversation_of(me)]
    assert detail in tickets[0]["details"].values()


# ---- socket.io --------------------------------------------------------------------------------


class Chat:
    """A socket.io client speaking Rasa's protocol; collects the bot's messages."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.client = socketio.AsyncClient(reconnection=False)
        self.session_id: str | None = None
        self.received: list[dict] = []
        self.confirmed = asyncio.Event()
        self.client.on("session_confirm", self._confirm)
        self.client.on("bot_uttered", self._uttered)

    async def _confirm(self, session_id: str) -> None:
        self.session_id = session_id
        self.confirmed.set()

    async def _uttered(self, message: dict) -> None:
        self.received.append(message)

    async def open(self, session_id: str | None = None) -> str:
        await self.client.connect(self.base, socketio_path="/socket.io", transports=["polling"])
        await self.client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(self.confirmed.wait(), 10)
        assert self.session_id
        return self.session_id

    async def say(self, data: object, wait: float = 60) -> list[dict]:
        before = len(self.received)
        await self.client.emit("user_uttered", data)
        deadline = asyncio.get_running_loop().time() + wait
        while len(self.received) == before and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)  # the rest of the turn's messages
        return self.received[before:]

    async def close(self) -> None:
        await self.client.disconnect()


def text_of(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def test_socketio_session_ids_are_issued_and_signed(servers):
    """A new session gets a server-signed id; presenting it again resumes the same session."""
    base, _ = servers

    async def scenario() -> None:
        first = Chat(base)
        session_id = await first.open()
        assert "." in session_id and len(session_id) > 40
        await first.close()
        again = Chat(base)
        assert await again.open(session_id) == session_id
        await again.close()

    asyncio.run(scenario())


def test_socketio_guessed_or_made_up_session_ids_are_refused(servers):
    """An attacker naming the victim's conversation id gets a fresh session of their own."""
    base, _ = servers

    async def scenario() -> None:
        victim = Chat(base)
        victim_session = await victim.open()
        conversation = victim_session.split(".")[0]
        for guess in (conversation, "user1", conversation + ".00000000000000000000000000000000"):
            attacker = Chat(base)
            assert await attacker.open(guess) != victim_session
            # Claiming the victim's session in the message changes nothing either.
            replies = await attacker.say({"message": "bonjour", "session_id": victim_session})
            assert replies
            await attacker.close()
        await asyncio.sleep(1)
        assert victim.received == []  # none of the attacker's answers reached the victim
        await victim.close()

    asyncio.run(scenario())


def test_socketio_bad_input_gets_answers_and_the_session_goes_on(servers):
    """Empty, huge, non-object and payload messages: answers or silence, then normal service."""
    base, _ = servers

    async def scenario() -> None:
        chat = Chat(base)
        await chat.open()
        assert "aucun texte" in text_of(await chat.say({"message": "  "}))
        assert "trop long" in text_of(await chat.say({"message": "b" * 100_000}))
        assert text_of(await chat.say({"message": '/inform{"role": "admin"}'})).strip()
        for broken in ("just a string", ["list"], None, {"message": None}):
            await chat.client.emit("user_uttered", broken)
        assert "Bonjour" in text_of(await chat.say({"message": "bonjour"}))
        await chat.close()

    asyncio.run(scenario())
