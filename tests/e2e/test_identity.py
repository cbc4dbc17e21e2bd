"""Signed identity on a real Rasa server run with OCBOT_IDENTITY_SECRET set (REST, socket.io,
and the widget in Chromium): refusals store nothing, a token reaches only its own conversation,
and tickets carry the signed-in user's e-mail and name.
"""

from __future__ import annotations

import asyncio
import base64
import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jwt
import pytest
import socketio

from harness.stack import (
    MODEL,
    ROOT,
    Server,
    action_server,
    free_port,
    list_tickets,
    rasa_server,
    sqlite_tracker,
    wait_for,
    write_endpoints,
)
from tests.e2e.tracker_rows import event_count, senders
from tests.e2e.webhook import post, texts

SECRET = "e2e-identity-secret-0123456789abcdef0123"
ALICE = {"sub": "alice-7", "email": "alice.martin@example.org", "name": "Alice Martin",
         "role": "mentor"}
BOB = {"sub": "bob-8", "email": "bob.durand@example.org", "name": "Bob Durand", "role": "coach"}


@dataclass
class Signed:
    base: str
    tracker_db: Path
    tickets_url: str
    actions: Server


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Signed]:
    """Rasa (credentials.yml, SQLite tracker store) requiring tokens signed with SECRET."""
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` first")
    work = tmp_path_factory.mktemp("e2e-identity")
    action_port, rasa_port = free_port(), free_port()
    tracker_db = work / "tracker.db"
    endpoints = write_endpoints(work / "endpoints.yml", action_port, sqlite_tracker(tracker_db))
    tickets_url = f"sqlite:///{work / 'tickets.db'}"
    actions = action_server(action_port, work / "actions.log",
                            env={"TICKETS_DB_URL": tickets_url, "OCBOT_TODAY": "2026-11-07"})
    actions.start()
    rasa = rasa_server(rasa_port, endpoints, ROOT / "credentials.yml", work / "rasa.log",
                       env={"OCBOT_SESSION_SECRET": "e2e-session-secret-0123456789",
                            "OCBOT_IDENTITY_SECRET": SECRET})
    rasa.start()
    try:
        yield Signed(f"http://127.0.0.1:{rasa_port}", tracker_db, tickets_url, actions)
    finally:
        rasa.stop()
        actions.stop()


def token(user: dict, secret: str = SECRET, algorithm: str = "HS256", **changes: object) -> str:
    claims = {**user, "exp": int(time.time()) + 600, **changes}
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, secret,
                      algorithm=algorithm)


def unsigned(user: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part({**user, 'exp': time.time() + 600})}."


@pytest.mark.parametrize(
    ("bearer", "code"),
    [
        (None, "missing_token"),
        (token(ALICE, secret="forged-secret-0123456789abcdef0123456789"), "bad_signature"),
        (unsigned(ALICE), "algorithm_not_allowed"),
        (token(ALICE, algorithm="HS512"), "algorithm_not_allowed"),
        (token(ALICE, exp=int(time.time()) - 3600), "expired_token"),
        (token(ALICE, role="student"), "role_not_allowed"),
        (token(ALICE, email=None), "missing_or_invalid_claims"),
    ],
    ids=["unsigned", "forged", "alg-none", "hs512", "expired", "role-student", "no-email"],
)
def test_refused_request_gets_401_and_nothing_is_stored(signed: Signed, bearer, code) -> None:
    """Without a valid token: 401 with its reason, and no conversation is stored."""
    sender = f"anon-{code}"
    status, body = post(signed.base, {"sender": sender, "message": "bonjour"}, bearer)
    assert status == 401
    assert isinstance(body, dict) and body["code"] == code and body["error"]
    assert sender not in senders(signed.tracker_db)


def test_refusals_leave_the_tracker_store_untouched(signed: Signed) -> None:
    """A burst of refused requests adds no conversation at all."""
    before = senders(signed.tracker_db)
    for bearer in (None, unsigned(ALICE), token(ALICE, exp=int(time.time()) - 60)):
        assert post(signed.base, {"sender": "intruder", "message": "bonjour"}, bearer)[0] == 401
    assert senders(signed.tracker_db) == before


def test_body_sender_is_ignored_under_a_token(signed: Signed) -> None:
    """The body names another sender: the turn is stored in the token's conversation only."""
    status, body = post(signed.base, {"sender": "someone-else", "message": "bonjour"},
                        token(ALICE))
    assert status == 200 and texts(body)
    stored = senders(signed.tracker_db)
    assert "user:alice-7" in stored
    assert "someone-else" not in stored


def test_token_for_b_cannot_write_or_read_as_a(signed: Signed) -> None:
    """Bob naming Alice's conversation writes into his own; Alice's form is untouched."""
    alice = token(ALICE)
    first = texts(post(signed.base, {"message": "je n'ai pas reçu mon paiement"}, alice)[1])
    assert "statut de votre facture" in first
    alice_events = event_count(signed.tracker_db, "user:alice-7")
    status, body = post(signed.base, {"sender": "user:alice-7", "message": "payée",
                                      "metadata": {"email": ALICE["email"]}}, token(BOB))
    assert status == 200
    assert "Depuis quelle date" not in texts(body)  # Bob does not continue Alice's form
    assert event_count(signed.tracker_db, "user:alice-7") == alice_events
    assert "user:bob-8" in senders(signed.tracker_db)
    # Alice's form goes on where she left it.
    assert "Depuis quelle date" in texts(post(signed.base, {"message": "payée"}, alice)[1])


def test_anonymous_sender_cannot_name_a_signed_in_conversation_without_the_secret(
    signed: Signed,
) -> None:
    """Even a well-formed body with `user:` sender and no token is refused (401 here)."""
    status, _ = post(signed.base, {"sender": "user:alice-7", "message": "payée"})
    assert status == 401


def test_ticket_under_a_token_carries_its_email_and_name(signed: Signed) -> None:
    """Bob (coach) opens a ticket: not asked for an address, the ticket names him, verified."""
    bob = token(BOB)
    reply = texts(post(signed.base, {"message": "je n'ai pas reçu mon appel à facturation"},
                       bob)[1])
    assert "À quelle adresse e-mail" not in reply
    assert f"à l'adresse {BOB['email']}" in reply
    assert "Voici votre demande" in reply
    assert "OC-2026-" in texts(post(signed.base, {"message": "/affirm"}, bob)[1])
    [ticket] = [t for t in list_tickets(signed.tickets_url) if t["sender_id"] == "user:bob-8"]
    assert (ticket["requester_email"], ticket["requester_name"], ticket["user_id"],
            ticket["identity"], ticket["role"]) == (BOB["email"], BOB["name"], "bob-8",
                                                    "verified", "coach")


def test_metadata_cannot_override_the_tokens_role(signed: Signed) -> None:
    """A coach's token with metadata role mentor: the coach's answer is given."""
    status, body = post(signed.base, {"message": "je n'ai pas reçu mon appel à facturation",
                                      "metadata": {"role": "mentor"}},
                        token({**BOB, "sub": "bob-role"}))
    assert status == 200
    with sqlite3.connect(signed.tracker_db) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = 'user:bob-role' AND type_name = 'slot'"
        ).fetchall()
    roles = [json.loads(row[0])["value"] for row in rows if json.loads(row[0])["name"] == "role"]
    assert roles and set(roles) == {"coach"}


# ---- socket.io --------------------------------------------------------------------------------


async def connect(base: str, auth: dict | None) -> tuple[socketio.AsyncClient, list[str]]:
    client = socketio.AsyncClient(reconnection=False)
    confirmed: list[str] = []
    client.on("session_confirm", lambda session_id: confirmed.append(session_id))
    await client.connect(base, socketio_path="/socket.io", transports=["polling"], auth=auth)
    return client, confirmed


@pytest.mark.parametrize(
    "auth",
    [None, {"token": unsigned(ALICE)}, {"token": token(ALICE, secret="x" * 40)},
     {"token": token(ALICE, exp=int(time.time()) - 3600)}, {"token": token(ALICE, role="admin")}],
    ids=["no-token", "alg-none", "forged", "expired", "role-admin"],
)
def test_socketio_bad_token_is_refused(signed: Signed, auth) -> None:
    """The connection itself is refused; nothing is stored."""
    before = senders(signed.tracker_db)

    async def scenario() -> None:
        with pytest.raises(socketio.exceptions.ConnectionError):
            await connect(signed.base, auth)

    asyncio.run(scenario())
    assert senders(signed.tracker_db) == before


def test_socketio_token_opens_the_users_own_conversation(signed: Signed) -> None:
    """A valid token: the session is the user's conversation whatever session id is claimed."""
    async def scenario() -> list[str]:
        client, confirmed = await connect(signed.base, {"token": token(ALICE)})
        replies: list[dict] = []
        client.on("bot_uttered", lambda message: replies.append(message))
        await client.emit("session_request", {"session_id": "user:bob-8"})
        for _ in range(100):
            if confirmed:
                break
            await asyncio.sleep(0.1)
        await client.emit("user_uttered", {"message": "bonjour", "session_id": "user:bob-8"})
        for _ in range(600):
            if replies:
                break
            await asyncio.sleep(0.1)
        await client.disconnect()
        assert replies
        return confirmed

    assert asyncio.run(scenario()) == ["user:alice-7"]


# ---- the widget in Chromium ------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CORS = {"access-control-allow-origin": "*", "access-control-allow-methods": "POST, OPTIONS",
        "access-control-allow-headers": "content-type, authorization"}


def test_widget_conversation_ends_in_a_ticket_with_the_signed_in_users_email(
    signed: Signed, tmp_path: Path,
) -> None:
    """The page's token (signed like the mentor space would) reaches the ticket: e-mail, name."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: run scripts/ensure_chromium.sh")
    port = free_port()
    user = {"OCBOT_DEMO_SUB": "camille-9", "OCBOT_DEMO_EMAIL": "camille.leroy@example.org",
            "OCBOT_DEMO_NAME": "Camille Leroy", "OCBOT_DEMO_ROLE": "mentor"}
    web = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "serve_web.py"), str(port)],
        env={"PATH": "", "OCBOT_IDENTITY_SECRET": SECRET, **user},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )

    def allow_cors(route) -> None:
        if route.request.method == "OPTIONS":
            route.fulfill(status=204, headers=CORS)
            return
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, **CORS})

    try:
        wait_for(f"http://127.0.0.1:{port}/", web, 15)
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                        args=["--no-sandbox", "--disable-gpu"])
            context = browser.new_context(locale="fr-FR")
            context.set_default_timeout(60_000)
            context.route(f"{signed.base}/webhooks/**", allow_cors)
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{port}/?rasa={signed.base}")
            expect = sync_api.expect
            page.get_by_role("button", name="Besoin d'aide ?").click()
            with page.expect_request(lambda r: r.url.endswith("/webhook")
                                     and r.method == "POST") as sent:
                page.get_by_label("Votre message").fill("je n'ai pas reçu mon appel à facturation")
                page.get_by_label("Votre message").press("Enter")
            assert sent.value.headers["authorization"].startswith("Bearer ")
            expect(page.locator(".ocbot-bot").filter(
                has_text="à l'adresse camille.leroy@example.org").last).to_be_visible()
            page.get_by_role("button", name="Confirmer").click()
            expect(page.locator(".ocbot-bot").filter(has_text="OC-2026-").last).to_be_visible()
            browser.close()
    finally:
        web.terminate()
        web.wait(timeout=10)
    [ticket] = [t for t in list_tickets(signed.tickets_url) if t["sender_id"] == "user:camille-9"]
    assert (ticket["requester_email"], ticket["requester_name"], ticket["identity"]) == (
        "camille.leroy@example.org", "Camille Leroy", "verified")
