"""The file a ticket category comes with: asked after the details, taken from the message
metadata, listed in the summary and kept with the ticket."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.business.catalog import load_catalog
from actions.respond import ActionRespond, carry_on
from tests.actions.conftest import asking, make_tracker, responses, slot_events
from tests.domain.test_answers import RESPONSES

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
EXE = b"MZ\x90\x00\x03" + bytes(100)
SIGNED_IN = {"kind": "verified", "user_id": "u-1", "email": "alice@example.org", "name": "Alice"}
NOVICE = {"ticket_category": "novice_status", "role": "mentor", "next_step": "ticket",
          "novice_course_done": "oui", "novice_sheet_complete": "oui"}
PLATFORM = {"ticket_category": "platform", "role": "mentor", "next_step": "ticket",
            "wanted_action": "valider une session", "blocked_where": "le bouton Valider"}


def wire(name: str, data: bytes, content_type: str = "application/pdf") -> dict[str, str]:
    return {"name": name, "content_type": content_type,
            "data": base64.b64encode(data).decode("ascii")}


def metadata(file: dict[str, Any] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"role": "mentor", "identity": SIGNED_IN}
    if file is not None:
        meta["attachment"] = file
    return meta


def answer(slots: dict, text: str, file: dict[str, Any] | None = None, intent: str = "inform"):
    """The user's reply to the file question, with or without a file."""
    events = [{"event": "user", "text": text, "timestamp": 1.0, "metadata": metadata(file)}]
    tracker = make_tracker(asking("ticket_file", "ticket", **slots), intent=intent, text=text,
                           metadata=metadata(file), events=events)
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ActionRespond().run(dispatcher, tracker, {}))
    return dispatcher, slot_events(result, tracker.slots)


def moved_on(slots: dict) -> tuple[CollectingDispatcher, dict[str, Any]]:
    """What comes next once the slots are as given (the ticket's questions in progress)."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots, metadata=metadata())
    return dispatcher, slot_events(carry_on(dispatcher, tracker), slots)


def test_every_kind_of_file_has_its_question():
    """Each kind of file rules/tickets.yml may ask for has a French question in the domain."""
    kinds = {c.file.kind for c in load_catalog().categories.values() if c.file}
    assert {f"utter_ask_file_{kind}" for kind in kinds} <= set(RESPONSES)


def test_novice_ticket_asks_for_the_sheet_after_the_details():
    """Once the novice details are known, the next question is the sheet."""
    dispatcher, slots = moved_on(NOVICE)
    assert slots["asked_field"] == "ticket_file"
    assert responses(dispatcher) == ["utter_ask_file_self_evaluation_sheet"]


def test_category_without_a_file_is_not_asked_one():
    """A category the page asks no file for (invoice call) ends without a file question."""
    slots = {"ticket_category": "invoice_call_missing", "role": "mentor", "next_step": "ticket",
             "invoice_month": "2026-10"}
    dispatcher, events = moved_on(slots)
    assert events["asked_field"] is None
    assert responses(dispatcher) == ["utter_ticket_reply_to", "utter_ticket_summary"]


@pytest.mark.parametrize(("category", "question"), [
    ("novice_status", "utter_ask_file_self_evaluation_sheet"),
    ("evaluator_status", "utter_ask_file_course_certificate"),
    ("add_path", "utter_ask_file_cv"),
    ("session_completion", "utter_ask_file_full_screenshot"),
    ("content_error", "utter_ask_file_screenshot"),
])
def test_file_question_names_the_categorys_file(category, question):
    """The question asks for the file the page names for this request."""
    names = load_catalog().categories[category].details_for("mentor")
    details = {name: "oui" for name in names}
    dispatcher, slots = moved_on({"ticket_category": category, "role": "mentor",
                                  "next_step": "ticket", **details})
    assert responses(dispatcher) == [question]
    assert slots["asked_field"] == "ticket_file"


def test_attached_sheet_is_taken_and_acknowledged():
    """A PDF sent with the answer is the sheet: acknowledged by name, the form goes on."""
    dispatcher, slots = answer(NOVICE, "fiche.pdf", wire("fiche.pdf", PDF))
    assert responses(dispatcher)[0] == "utter_file_received"
    assert slots["ticket_file"] == "fiche.pdf"
    assert slots["ticket_attachments"][0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert (slots["asked_field"], responses(dispatcher)[-1]) == (None, "utter_ticket_summary")


def test_disguised_file_is_refused_in_french_and_asked_again():
    """An executable named .pdf is refused with the reason, and the sheet is asked again."""
    dispatcher, slots = answer(NOVICE, "fiche.pdf", wire("fiche.pdf", EXE))
    assert responses(dispatcher) == ["utter_attachment_disguised",
                                     "utter_ask_file_self_evaluation_sheet"]
    assert slots["asked_field"] == "ticket_file"


def test_file_the_channel_refused_is_explained():
    """A file the channel refused (too large) comes as a reason: the user is told it."""
    dispatcher, slots = answer(NOVICE, "gros.pdf", {"name": "gros.pdf", "refused": "too_large"})
    assert responses(dispatcher)[0] == "utter_attachment_too_large"
    assert slots["ticket_file"] is None and slots["asked_field"] == "ticket_file"


def test_required_sheet_answered_without_a_file_is_asked_again():
    """"je l'ai" with no file: the bot says the file itself is needed."""
    dispatcher, slots = answer(NOVICE, "je l'ai")
    assert responses(dispatcher) == ["utter_file_needed", "utter_ask_file_self_evaluation_sheet"]
    assert slots["asked_field"] == "ticket_file"


def test_required_sheet_not_sent_twice_lets_the_request_go_without_it():
    """After the second answer without a file the form stops asking (the summary says so)."""
    tries = {**NOVICE, "failed_answers": {"field": "ticket_file", "count": 1}}
    _, slots = answer(tries, "je ne l'ai pas")
    assert (slots["ticket_file"], slots["asked_field"]) == ("aucun fichier joint", None)


def test_optional_screenshot_can_be_declined():
    """"non" to the "si possible" screenshot skips it at once."""
    dispatcher, slots = answer(PLATFORM, "non", intent="deny")
    assert (slots["ticket_file"], slots["asked_field"]) == ("non précisé", None)
    assert responses(dispatcher) == ["utter_ticket_reply_to", "utter_ticket_summary"]


def test_cancel_during_the_file_question_leaves_the_questions():
    """"annuler" while the sheet is asked is a cancel, not an answer: the draft is dropped."""
    dispatcher, slots = answer(NOVICE, "annuler", intent="cancel")
    assert responses(dispatcher) == ["utter_form_cancelled"]
    assert (slots["ticket_category"], slots["interruption"]) == (None, None)


def summary(slots: dict):
    dispatcher, _ = moved_on(slots)
    return dispatcher


def test_summary_lists_the_attached_file_and_no_reminder():
    """With the sheet attached, the summary lists it and no reminder is shown."""
    attached = [{"name": "fiche.pdf", "content_type": "application/pdf", "size": len(PDF),
                 "sha256": hashlib.sha256(PDF).hexdigest()}]
    dispatcher = summary({**NOVICE, "ticket_file": "fiche.pdf", "ticket_attachments": attached})
    assert responses(dispatcher) == ["utter_ticket_reply_to", "utter_ticket_summary"]
    assert "- Fiche d'autoévaluation : fiche.pdf" in dispatcher.messages[-1]["summary"]


def test_summary_says_when_no_file_is_attached():
    """Without the sheet the summary says no file is attached, after the reminder."""
    dispatcher = summary({**NOVICE, "ticket_file": "aucun fichier joint"})
    assert responses(dispatcher) == ["utter_reminder_sheet", "utter_ticket_reply_to",
                                     "utter_ticket_summary"]
    assert "- Fiche d'autoévaluation : aucun fichier joint" in dispatcher.messages[-1]["summary"]


def test_confirmed_ticket_keeps_the_files_bytes(store):
    """The confirmed ticket holds the sheet: its description and its bytes, read from the
    message that brought it."""
    digest = hashlib.sha256(PDF).hexdigest()
    attached = [{"name": "fiche.pdf", "content_type": "application/pdf", "size": len(PDF),
                 "sha256": digest}]
    slots = {**NOVICE, "ticket_file": "fiche.pdf", "ticket_attachments": attached,
             "next_step": "confirm", "ticket_key": "k-1"}
    events = [{"event": "user", "text": "fiche.pdf", "timestamp": 1.0,
               "metadata": metadata(wire("fiche.pdf", PDF))},
              {"event": "user", "text": "oui", "timestamp": 2.0, "metadata": metadata()}]
    tracker = make_tracker(slots, intent="affirm", text="oui", metadata=metadata(),
                           events=events)
    asyncio.run(ActionRespond().run(CollectingDispatcher(), tracker, {}))
    [ticket] = store.list()
    assert [a.name for a in ticket.attachments] == ["fiche.pdf"]
    assert store.attachment_data(ticket.reference, digest) == PDF
