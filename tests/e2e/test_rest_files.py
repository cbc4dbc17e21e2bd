"""A file sent through the REST or socket.io channel reaches the ticket the help page says
needs it."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import urllib.request

import socketio

from harness.stack import list_tickets, rest_session
from tests.e2e.conftest import say, texts

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
EXE = b"MZ\x90\x00\x03" + bytes(100)
# A scanned sheet: several megabytes, more than a chat message's 1 MB.
SHEET = PDF + bytes(3 * 1024 * 1024)


def send_file(base: str, sender: str, name: str, data: bytes, content_type: str,
              text: str = "") -> list[dict]:
    """One message with a file in its metadata, as the widget sends it."""
    attachment = {"name": name, "content_type": content_type,
                  "data": base64.b64encode(data).decode("ascii")}
    body = {"sender": sender, "message": text,
            "metadata": {"role": "mentor", "attachment": attachment}}
    request = urllib.request.Request(
        f"{base}/webhooks/rest/webhook", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def novice_ticket_asks_the_sheet(base: str, me: str) -> str:
    say(base, me, "je ne veux plus être novice", role="mentor")
    say(base, me, "oui", role="mentor")
    return texts(say(base, me, "oui", role="mentor"))


def test_novice_ticket_gets_its_sheet_and_the_cli_lists_it(servers, tmp_path):
    """Both novice conditions met: the bot asks the sheet, the 3 MB PDF sent is acknowledged,
    the summary lists it and the stored ticket holds it (list --json)."""
    base, actions = servers
    db = tmp_path / "tickets.db"
    actions.start(OCBOT_TODAY="2026-11-09", TICKETS_DB_URL=f"sqlite:///{db}")
    me = rest_session(base)
    assert "Joignez votre fiche d'autoévaluation complète" in novice_ticket_asks_the_sheet(base, me)
    received = texts(send_file(base, me, "fiche-autoevaluation.pdf", SHEET, "application/pdf"))
    assert "Fichier reçu : fiche-autoevaluation.pdf" in received
    summary = texts(say(base, me, "mentor@example.org", role="mentor"))
    assert "- Fiche d'autoévaluation : fiche-autoevaluation.pdf" in summary
    assert "partira sans" not in summary
    assert "OC-2026-" in texts(say(base, me, "/affirm", role="mentor"))
    [ticket] = list_tickets(f"sqlite:///{db}")
    assert ticket["category"] == "novice_status"
    assert ticket["attachments"] == [{
        "name": "fiche-autoevaluation.pdf", "content_type": "application/pdf",
        "size": len(SHEET), "sha256": hashlib.sha256(SHEET).hexdigest()}]


def test_disguised_file_is_refused_and_the_sheet_is_still_awaited(servers):
    """An executable named .pdf gets the French refusal; the question is still open, so the
    real PDF sent next is the sheet."""
    base, actions = servers
    actions.start(OCBOT_TODAY="2026-11-09")
    me = rest_session(base)
    novice_ticket_asks_the_sheet(base, me)
    refused = texts(send_file(base, me, "fiche.pdf", EXE, "application/pdf"))
    assert refused.startswith("Le contenu de ce fichier ne correspond pas à son nom")
    received = texts(send_file(base, me, "fiche.pdf", PDF, "application/pdf"))
    assert "Fichier reçu : fiche.pdf" in received


async def socketio_novice_sheet(base: str, data: bytes) -> list[str]:
    """The novice questions over socket.io, then the sheet: the bot's texts, in order."""
    client = socketio.AsyncClient(reconnection=False)
    texts_seen: list[str] = []
    confirmed: list[str] = []
    client.on("bot_uttered", lambda message: texts_seen.append(message.get("text") or ""))
    client.on("session_confirm", lambda session_id: confirmed.append(session_id))
    await client.connect(base, socketio_path="/socket.io", transports=["polling"])
    await client.emit("session_request", {})
    for _ in range(100):
        if confirmed:
            break
        await asyncio.sleep(0.1)
    attachment = {"name": "fiche.pdf", "content_type": "application/pdf",
                  "data": base64.b64encode(data).decode("ascii")}
    turns = [({"message": "je ne veux plus être novice"}, "Avez-vous réalisé le cours"),
             ({"message": "oui"}, "fiche d'autoévaluation"),
             ({"message": "oui"}, "Joignez votre fiche"),
             ({"message": "", "attachment": attachment}, "Fichier reçu")]
    for turn, expected in turns:
        metadata = {"role": "mentor", **({"attachment": turn["attachment"]}
                                         if "attachment" in turn else {})}
        await client.emit("user_uttered", {"message": turn["message"], "metadata": metadata})
        for _ in range(600):
            if any(expected in text for text in texts_seen):
                break
            await asyncio.sleep(0.1)
    await client.disconnect()
    return texts_seen


def test_sheet_of_several_megabytes_goes_through_socketio(servers):
    """A 3 MB PDF (more than engine.io's default 1 MB packet) sent over socket.io is the sheet:
    the bot acknowledges it by name."""
    base, actions = servers
    actions.start(OCBOT_TODAY="2026-11-09")
    big = PDF + bytes(3 * 1024 * 1024)
    seen = asyncio.run(socketio_novice_sheet(base, big))
    assert "Fichier reçu : fiche.pdf." in seen
