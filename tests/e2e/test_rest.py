"""Conversations through the REST channel, servers and model for real."""

from __future__ import annotations

import uuid

from serving.stack import list_tickets
from tests.e2e.conftest import say, texts


def sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:8]}"


def test_invoice_call_on_the_6th_says_wait(servers):
    """On the 6th the assistant says the call is being prepared: wait."""
    base, actions = servers
    actions.start(OCBOT_TODAY="2026-11-06")
    reply = texts(say(base, sender(), "je n'ai pas reçu mon appel à facturation", role="mentor"))
    assert "patienter" in reply
    assert "Nous sommes le 6" in reply


def test_invoice_call_on_the_7th_opens_a_ticket_for_the_previous_month(servers):
    """On the 7th the rule says write: the ticket flow starts for October."""
    base, actions = servers
    actions.start(OCBOT_TODAY="2026-11-07")
    me = sender()
    reply = texts(say(base, me, "je n'ai pas reçu mon appel à facturation", role="mentor"))
    assert "Nous sommes le 7" in reply
    assert "octobre 2026" in reply
    # The month was known: only the address to answer to is asked (anonymous), then the summary.
    assert "À quelle adresse email" in reply
    summary = texts(say(base, me, "camille@example.org", role="mentor"))
    assert "à l'adresse camille@example.org" in summary
    assert "Voici votre demande" in summary


def test_malformed_email_is_asked_again(servers):
    """An answer that is no address gets the French explanation and the question again."""
    base, actions = servers
    actions.start(OCBOT_TODAY="2026-11-07")
    me = sender()
    say(base, me, "je n'ai pas reçu mon appel à facturation", role="mentor")
    reply = texts(say(base, me, "camille chez example", role="mentor"))
    assert "Je n'ai pas reconnu une adresse email" in reply
    assert "À quelle adresse email" in reply


def test_confirmed_ticket_is_listed_by_the_cli(servers, tmp_path):
    """Confirming creates one ticket that `python -m actions.tickets list --json` shows."""
    base, actions = servers
    db = tmp_path / "tickets.db"
    actions.start(OCBOT_TODAY="2026-11-09", TICKETS_DB_URL=f"sqlite:///{db}")
    me = sender()
    say(base, me, "je n'ai pas reçu mon appel à facturation", role="coach")
    say(base, me, "coach@example.org", role="coach")
    reply = texts(say(base, me, "/affirm", role="coach"))
    assert "OC-2026-" in reply
    again = texts(say(base, me, "/affirm", role="coach"))
    assert "déjà enregistrée" in again
    tickets = list_tickets(f"sqlite:///{db}")
    assert [(t["category"], t["role"], t["sender_id"]) for t in tickets] == [
        ("invoice_call_missing", "coach", me)]
    assert tickets[0]["details"] == {"invoice_month": "octobre 2026"}
    assert (tickets[0]["requester_email"], tickets[0]["identity"]) == (
        "coach@example.org", "declared")


def test_greeting_and_small_talk(servers):
    """A greeting gets a greeting."""
    base, _ = servers
    assert say(base, sender(), "bonjour")
