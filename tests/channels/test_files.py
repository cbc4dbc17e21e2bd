"""A file sent with a message: checked by the channel before Rasa sees it; a refused one is
answered in French and nothing of it reaches the tracker."""

from __future__ import annotations

import base64
from pathlib import Path
from types import SimpleNamespace

import pytest
from rasa.shared.core.domain import Domain

from channels.screening import AgentScreen

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
EXE = b"MZ\x90\x00\x03" + bytes(100)


@pytest.fixture(scope="module")
def agent():
    return SimpleNamespace(domain=Domain.load(str(DOMAIN)))


def file(name: str, data: bytes, content_type: str = "application/pdf") -> dict:
    return {"attachment": {"name": name, "content_type": content_type,
                           "data": base64.b64encode(data).decode("ascii")}, "role": "mentor"}


def test_accepted_file_goes_on_checked_with_the_message(agent):
    """A PDF reaches Rasa with the text, its name cleaned and its type read from the bytes."""
    checked = AgentScreen().check_message(agent, "ma fiche", file("../fiche.pdf", PDF, ""))
    assert (checked.text, checked.answer) == ("ma fiche", None)
    assert checked.metadata["attachment"]["name"] == "fiche.pdf"
    assert checked.metadata["attachment"]["content_type"] == "application/pdf"
    assert checked.metadata["role"] == "mentor"


def test_file_sent_without_text_reads_as_its_name(agent):
    """A file alone is not an empty message: the text is the file's name."""
    checked = AgentScreen().check_message(agent, "", file("fiche.pdf", PDF))
    assert (checked.text, checked.answer) == ("fiche.pdf", None)


def test_disguised_file_is_answered_in_french_and_goes_no_further(agent):
    """An executable named .png gets the French refusal; nothing is handed to Rasa."""
    checked = AgentScreen().check_message(agent, "ma capture",
                                          file("capture.png", EXE, "image/png"))
    assert checked.answer.startswith("Le contenu de ce fichier ne correspond pas")
    assert checked.metadata is None


def test_oversized_file_is_refused_before_decoding(agent):
    """Base64 longer than 10 MB encoded is refused with the size message."""
    oversized = {"attachment": {"name": "gros.pdf", "data": "A" * (14 * 1024 * 1024)}}
    checked = AgentScreen().check_message(agent, "voilà", oversized)
    assert "10 Mo" in checked.answer


def test_message_without_file_is_unchanged(agent):
    """No attachment: the text and metadata go on as before."""
    checked = AgentScreen().check_message(agent, "bonjour", {"role": "coach"})
    assert (checked.text, checked.metadata) == ("bonjour", {"role": "coach"})
