"""A file sent through the REST channel reaches the ticket the help page says needs it."""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.request
import uuid

from serving.stack import list_tickets
from tests.e2e.conftest import say, texts

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
EXE = b"MZ\x90\x00\x03" + bytes(100)


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
    """Both novice conditions met: the bot asks the sheet, the PDF sent is acknowledged, the
    summary lists it and the stored ticket holds it (list --json)."""
    base, actions = servers
    db = tmp_path / "tickets.db"
    actions.start(OCBOT_TODAY="2026-11-09", TICKETS_DB_URL=f"sqlite:///{db}")
    me = f"e2e-{uuid.uuid4().hex[:8]}"
    assert "Joignez votre fiche d'autoévaluation complète" in novice_ticket_asks_the_sheet(base, me)
    received = texts(send_file(base, me, "fiche-autoevaluation.pdf", PDF, "application/pdf"))
    assert "Fichier reçu : fiche-autoevaluation.pdf" in received
    summary = texts(say(base, me, "mentor@example.org", role="mentor"))
    assert "- Fiche d'autoévaluation : fiche-autoevaluation.pdf" in summary
    assert "partira sans" not in summary
    assert "OC-2026-" in texts(say(base, me, "/affirm", role="mentor"))
    [ticket] = list_tickets(f"sqlite:///{db}")
    assert ticket["category"] == "novice_status"
    assert ticket["attachments"] == [{
        "name": "fiche-autoevaluation.pdf", "content_type": "application/pdf",
        "size": len(PDF), "sha256": hashlib.sha256(PDF).hexdigest()}]


def test_disguised_file_is_refused_and_the_sheet_is_still_awaited(servers):
    """An executable named .pdf gets the French refusal; the question is still open, so the
    real PDF sent next is the sheet."""
    base, actions = servers
    actions.start(OCBOT_TODAY="2026-11-09")
    me = f"e2e-{uuid.uuid4().hex[:8]}"
    novice_ticket_asks_the_sheet(base, me)
    refused = texts(send_file(base, me, "fiche.pdf", EXE, "application/pdf"))
    assert refused.startswith("Le contenu de ce fichier ne correspond pas à son nom")
    received = texts(send_file(base, me, "fiche.pdf", PDF, "application/pdf"))
    assert "Fichier reçu : fiche.pdf" in received
