"""Every ticket category of the spec can be filled, summarised, confirmed and stored."""

from __future__ import annotations

import asyncio
import base64

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.business.catalog import load_catalog
from actions.respond import ActionRespond
from tests.actions.conftest import make_tracker, slot_events

# A plausible typed answer for each kind of detail (today is 28 November 2026).
ANSWERS = {
    "date": "le 15 décembre",
    "past_date": "il y a 10 jours",
    "future_date": "15/01/2027",
    "month": "octobre",
    "count": "trois",
    "yes_no": "oui",
    "invoice_status": "payée",
    "funding": "je paie moi-même",
    "late_case": "2",
    "person_name": "Marie Dupont",
    "person_or_url": "https://openclassrooms.com/fr/mentorship/students/42/dashboard",
    "url": "https://openclassrooms.com/fr/mentorship/sessions/123",
    "text": "le détail de ma demande",
}
EMAIL = "prenom.nom@exemple.fr"  # asked last: the user is anonymous (no token in the metadata)
# The file a category comes with is answered with a PDF in the message metadata.
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
FILE = {"name": "piece.pdf", "content_type": "application/pdf",
        "data": base64.b64encode(PDF).decode("ascii")}
CATALOG = load_catalog()
CASES = [(c, r) for c in CATALOG.categories for r in ("mentor", "coach")]


def fill(slots: dict, files: list[dict]) -> tuple[dict, list[str], list[str]]:
    """Answer every question the bot asks, one action_respond run per answer; the messages that
    brought a file are added to `files`. Returns the slots, the questions asked in order, and
    the responses of the last run."""
    asked: list[str] = []
    for _ in range(12):
        field = slots.get("asked_field")
        if field is None:
            return slots, asked, []
        asked.append(field)
        metadata = {"attachment": FILE} if field == "ticket_file" else {}
        text = (EMAIL if field == "requester_email" else FILE["name"] if metadata
                else ANSWERS[CATALOG.fields[field].kind])
        turn = [{"event": "user", "text": text, "timestamp": 1.0, "metadata": metadata}]
        tracker = make_tracker(slots, intent="inform", text=text, events=turn,
                               metadata=metadata)
        files.extend(turn[:1] if metadata else [])
        dispatcher = CollectingDispatcher()
        events = asyncio.run(ActionRespond().run(dispatcher, tracker, {}))
        slots.update(slot_events(events))
        if slots.get("asked_field") is None:
            return slots, asked, [m["response"] for m in dispatcher.messages]
    raise AssertionError(f"the questions never ended: {asked}")


@pytest.mark.parametrize(("category", "role"), CASES, ids=[f"{c}-{r}" for c, r in CASES])
def test_category_is_collected_confirmed_and_stored(store, category, role):
    """All the category's details (and its file, if the page asks one) are asked once, shown,
    and stored with the ticket."""
    slots = {"role": role, "offered_ticket": category}
    files: list[dict] = []
    start = asyncio.run(ActionRespond().run(
        CollectingDispatcher(), make_tracker(slots, intent="request_human"), {}))
    slots.update(slot_events(start))
    slots, asked, said = fill(slots, files)
    expected = CATALOG.categories[category].details_for(role)
    has_file = CATALOG.categories[category].file is not None
    assert asked == [*expected, *(["ticket_file"] if has_file else []), "requester_email"]
    assert said[-1] == "utter_ticket_summary" and slots["next_step"] == "confirm"

    asyncio.run(ActionRespond().run(CollectingDispatcher(),
                                    make_tracker(slots, intent="affirm", events=files), {}))
    [ticket] = store.list()
    assert (ticket.category, ticket.role) == (category, role)
    assert list(ticket.details) == list(expected)
    assert all(value for value in ticket.details.values())
    assert (ticket.requester_email, ticket.identity) == (EMAIL, "declared")
    assert [a.name for a in ticket.attachments] == (["piece.pdf"] if has_file else [])
